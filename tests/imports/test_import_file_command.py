"""``manage.py import_file``: the pipeline from the command line, with what it detected, its mapping, errors,
counts, and a non-zero exit when nothing was imported."""

import pytest
from django.core.management import CommandError, call_command

from offers.models import Offer
from shops.choices import StaffRole
from shops.models import Member
from tests import factories

from .conftest import csv_bytes
from .test_bulk_jobs import price_list

pytestmark = pytest.mark.django_db


@pytest.fixture
def supplier():
    return factories.ProducerFactory(name="Biocoop Grossiste", is_wholesaler=True)


@pytest.fixture
def shop(supplier):
    return factories.ShopFactory(organisation=supplier.organisation, name="Épicerie")


def run(*args):
    from io import StringIO

    out, err = StringIO(), StringIO()
    call_command("import_file", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_a_catalogue_is_imported_and_described(tmp_path, supplier, shop):
    path = tmp_path / "tarif.csv"
    path.write_bytes(price_list(8))
    args = [str(path), "--organisation", supplier.organisation.slug, "--kind", "catalogue",
            "--supplier", "biocoop grossiste", "--shop", shop.slug]  # fmt: skip
    out, err = run(*args)
    assert "Format: csv, encoding cp1252, separator ';', decimal comma, headings on line 4" in out
    assert "Désignation -> name" in out and "created 8" in out and err == ""
    assert Offer.objects.count() == 8
    out, _err = run(*args)
    assert "unchanged 8" in out


def test_a_dry_run_writes_nothing_and_exits_non_zero(tmp_path, supplier, shop):
    path = tmp_path / "tarif.csv"
    path.write_bytes(price_list(3, extra=[["X-1", "Sans prix", "", "", "5,5", "1"]]))
    with pytest.raises(CommandError) as error:
        run(str(path), "--organisation", supplier.organisation.slug, "--kind", "catalogue", "--supplier",
            supplier.name, "--dry-run")  # fmt: skip
    assert error.value.returncode == 1 and Offer.objects.count() == 0


def test_refused_rows_are_printed_and_nothing_is_imported_unless_asked(tmp_path, supplier, shop, capsys):
    path = tmp_path / "tarif.csv"
    path.write_bytes(price_list(3, extra=[["X-1", "Sans prix", "", "", "5,5", "1"]]))
    args = [str(path), "--organisation", supplier.organisation.slug, "--kind", "catalogue", "--supplier", supplier.name]
    with pytest.raises(CommandError):
        run(*args)
    assert Offer.objects.count() == 0
    out, err = run(*args, "--valid-rows-only")
    assert "Line 8, PU HT" in err and "created 3" in out and Offer.objects.count() == 3


def test_a_members_table_runs_as_a_manager(tmp_path, supplier):
    factories.make_staff(supplier.organisation, role=StaffRole.MANAGER, username="gerante")
    path = tmp_path / "adherents.csv"
    path.write_bytes(csv_bytes([["Nom", "Prénom", "Courriel"], ["Martin", "Léa", "lea@example.org"]]))
    out, _err = run(str(path), "--organisation", supplier.organisation.slug, "--kind", "members")
    assert Member.objects.filter(organisation=supplier.organisation, email="lea@example.org").exists()


def test_unknown_organisation_or_supplier_and_unreadable_files_fail(tmp_path, supplier):
    path = tmp_path / "tarif.xlsx"
    path.write_bytes(b"%PDF-1.4 renamed")
    with pytest.raises(CommandError, match="No organisation"):
        run(str(path), "--organisation", "nope", "--kind", "catalogue")
    with pytest.raises(CommandError, match="No supplier"):
        run(str(path), "--organisation", supplier.organisation.slug, "--kind", "catalogue", "--supplier", "Autre")
    with pytest.raises(CommandError):
        run(str(path), "--organisation", supplier.organisation.slug, "--kind", "catalogue", "--supplier", supplier.name)
