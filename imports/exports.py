"""Exports with the columns people tick (e.g. depots with their coordinates for another site's map).

``export_columns`` lists what a table can export: the resource's columns, with their headings in
the active language. ``export_selected`` writes only the chosen columns, in the order given, for
the rows the actor may read (``shops.permissions`` through the resource), in the same xlsx and
French-Excel csv formats as the full exports of ``imports.services``.
"""

from dataclasses import dataclass

import tablib
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.utils.translation import gettext as _

from pivot_site.exceptions import DomainError

from .services import dataset_response, export_filename

EXPORT_FORMATS = ("xlsx", "csv")


@dataclass(frozen=True)
class ExportColumn:
    key: str  # the resource's field name, stable whatever the language
    label: str  # the column heading, in the active language


def may_export(user, resource_class) -> bool:
    """People who may see the table in the admin may export it (its rows are scoped anyway)."""
    opts = resource_class._meta.model._meta
    return any(user.has_perm(f"{opts.app_label}.{action}_{opts.model_name}") for action in ("view", "change"))


def _exportable(resource) -> dict:
    """Field name → field, in the resource's export order. Write-only columns (the depot's access
    code, only kept hashed) have nothing to read on the model and are left out."""
    model = resource._meta.model
    fields = {}
    for name in resource.get_export_order():
        field = resource.fields.get(name)
        if field is not None and field.attribute and hasattr(model, field.attribute.split("__")[0]):
            fields[name] = field
    return fields


def export_columns(*, resource_class) -> list[ExportColumn]:
    """The columns of the table's exports, in the order of the full export."""
    resource = resource_class()
    return [ExportColumn(key=name, label=field.column_name) for name, field in _exportable(resource).items()]


def export_selected(*, resource_class, actor, columns: list[str], file_format: str, queryset=None) -> HttpResponse:
    """The rows ``actor`` may read (within ``queryset`` when given, e.g. a filtered listing) with
    only ``columns``, in that order, as an xlsx workbook (native numbers) or a French Excel csv."""
    if not may_export(actor, resource_class):
        raise PermissionDenied
    if file_format not in EXPORT_FORMATS:
        raise DomainError(_("Unknown export format “%(format)s”.") % {"format": file_format}, code="unknown_format")
    if not columns:
        raise DomainError(_("Tick at least one column to export."), code="no_column", field="columns")
    resource = resource_class(user=actor)
    exportable = _exportable(resource)
    unknown = [key for key in columns if key not in exportable]
    if unknown:
        raise DomainError(
            _("Unknown column: %(columns)s.") % {"columns": ", ".join(unknown)},
            code="unknown_column",
            field="columns",
            columns=unknown,
        )
    fields = [exportable[key] for key in dict.fromkeys(columns)]  # each column once
    native = file_format == "xlsx"
    dataset = tablib.Dataset(headers=[field.column_name for field in fields])
    rows = resource.filter_export(resource.get_queryset() if queryset is None else queryset)
    for instance in resource.iter_queryset(rows):
        dataset.append([resource.export_field(field, instance, force_native_type=native) for field in fields])
    return dataset_response(dataset, file_format=file_format, filename=export_filename(resource_class))
