import csv
import io

import pytest
from django.utils import translation

from imports.readers import read_dataset
from imports.registry import get_resource_class
from imports.services import import_run


@pytest.fixture(autouse=True)
def _french():
    """Imports and exports run in the admin's default language."""
    with translation.override("fr"):
        yield


@pytest.fixture
def english():
    """For tests that read messages: the French catalogue may reword them."""
    with translation.override("en"):
        yield


def csv_bytes(rows, *, delimiter=";", encoding="utf-8-sig") -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue().encode(encoding)


def run(key, data, user, *, dry_run=False):
    """Import ``data`` (file bytes, or rows to write as a French csv) into the table ``key``."""
    if not isinstance(data, bytes):
        data = csv_bytes(data)
    return import_run(resource_class=get_resource_class(key), dataset=read_dataset(data), actor=user, dry_run=dry_run)


def heading(key, name) -> str:
    """The column heading of a resource field in the active language."""
    return get_resource_class(key)().fields[name].column_name


def errors_by_cell(report) -> dict:
    return {(error["line"], error["column"]): error["message"] for error in report.errors}
