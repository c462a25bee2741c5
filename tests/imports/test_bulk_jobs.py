"""Bulk import jobs through the pipeline (imports.jobs): a supplier's price list as volunteers send it, previewed,
confirmed and run by the django-q2 task, with saved mappings, error reports, re-imports and interrupted runs."""

import csv
import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from openpyxl import load_workbook

from imports import jobs
from imports.choices import ImportStatus
from imports.jobs import (
    import_job_create,
    job_confirm,
    job_error_report,
    job_import_direct,
    job_remap,
    job_retry,
)
from imports.models import ColumnMapping, ImportJob
from offers.bulk import CatalogueWriter
from offers.models import Offer, Product
from pivot_site.exceptions import DomainError
from tests import factories

from .conftest import csv_bytes

pytestmark = pytest.mark.django_db

HEADINGS = ["Code article", "Désignation", "EAN", "PU HT", "TVA", "Colisage", "Marque", "Origine", "Famille"]


def price_list(count, *, start=0, price="2,50", extra=()):
    rows = [["Tarif grossiste — janvier 2026", "", "", ""], ["Prix en euros hors taxes"], [], HEADINGS]
    for n in range(start, start + count):
        rows.append(
            [f"BIO-{n:05d}", f"Lentilles vertes {n}", "", price, "5,5", "6", "Markal", "France", "Légumineuses"]
        )
    rows.extend(extra)
    return csv_bytes(rows, encoding="cp1252")


@pytest.fixture
def supplier():
    return factories.ProducerFactory(name="Biocoop Grossiste", is_wholesaler=True)


@pytest.fixture
def shop(supplier):
    return factories.ShopFactory(organisation=supplier.organisation)


@pytest.fixture
def volunteer(supplier):
    return factories.make_staff(supplier.organisation, username="benevole")


def upload(volunteer, supplier, shop, data, capture, **options):
    with capture(execute=True):
        job = import_job_create(
            kind="catalogue",
            organisation=supplier.organisation,
            actor=volunteer,
            name="tarif.csv",
            data=data,
            supplier=supplier,
            shop=shop,
            options=options,
        )
    job.refresh_from_db()
    return job


def confirm(job, volunteer, capture, **kwargs):
    with capture(execute=True):
        job_confirm(job=job, actor=volunteer, **kwargs)
    job.refresh_from_db()
    return job


def test_a_price_list_is_previewed_then_imported_in_the_background(
    volunteer, supplier, shop, django_capture_on_commit_callbacks
):
    job = upload(volunteer, supplier, shop, price_list(30), django_capture_on_commit_callbacks)
    assert job.status == ImportStatus.PREVIEWED
    assert job.detected["file_format"] == "csv" and job.detected["encoding"] == "cp1252"
    assert job.detected["header_line"] == 4 and job.detected["decimal_comma"] is True
    assert job.mapping == {
        "Code article": "supplier_reference", "Désignation": "name", "EAN": "gtin", "PU HT": "price_excl_tax",
        "TVA": "vat_rate", "Colisage": "case_size", "Marque": "brand", "Origine": "provenance", "Famille": "category",
    }  # fmt: skip
    assert job.preview["problems"] == [] and job.preview["valid"] == 30 and job.preview["rejected"] == 0
    assert job.preview["rows"][0][:2] == ["BIO-00000", "Lentilles vertes 0"]
    assert Product.objects.count() == 0  # a preview writes nothing
    job = confirm(job, volunteer, django_capture_on_commit_callbacks)
    assert job.status == ImportStatus.DONE, job.message
    assert job.totals == {"created": 30, "updated": 0, "unchanged": 0, "archived": 0, "rejected": 0}
    assert job.rows_done == 30 and job.duration is not None
    offer = Offer.objects.select_related("product").get(product__supplier_reference="BIO-00007")
    assert offer.price_excl_tax == Decimal("2.5") and offer.vat_rate == Decimal("5.5") and offer.case_size == 6
    assert offer.product.brand == "Markal" and offer.product.provenance == "France" and offer.listed
    # The same file again: nothing new; the saved mapping is used without asking.
    again = upload(volunteer, supplier, shop, price_list(30), django_capture_on_commit_callbacks)
    assert again.preview["mapping_saved"] is True
    again = confirm(again, volunteer, django_capture_on_commit_callbacks)
    assert again.totals["unchanged"] == 30 and again.totals["created"] == 0
    assert Product.objects.count() == 30 and Offer.objects.count() == 30


def test_a_corrected_mapping_is_saved_for_the_next_file_of_that_layout(
    volunteer, supplier, shop, django_capture_on_commit_callbacks
):
    job = upload(volunteer, supplier, shop, price_list(3), django_capture_on_commit_callbacks)
    mapping = {**job.mapping, "Origine": "", "Famille": ""}
    with django_capture_on_commit_callbacks(execute=True):
        job_remap(job=job, mapping=mapping, actor=volunteer)
    job.refresh_from_db()
    assert job.status == ImportStatus.PREVIEWED and job.mapping["Origine"] == ""
    confirm(job, volunteer, django_capture_on_commit_callbacks)
    assert Product.objects.filter(provenance="").count() == 3
    saved = ColumnMapping.objects.get()
    assert saved.supplier == supplier and saved.mapping["Famille"] == ""
    assert upload(volunteer, supplier, shop, price_list(3), django_capture_on_commit_callbacks).mapping == mapping


def test_a_mapping_feeding_one_field_twice_or_missing_the_name_cannot_be_confirmed(
    volunteer, supplier, shop, django_capture_on_commit_callbacks
):
    job = upload(volunteer, supplier, shop, price_list(3), django_capture_on_commit_callbacks)
    for mapping, problem in (
        ({**job.mapping, "Marque": "name"}, "“Désignation”, “Marque”"),
        ({**job.mapping, "Désignation": ""}, "Nom"),
    ):
        with django_capture_on_commit_callbacks(execute=True):
            job_remap(job=job, mapping=mapping, actor=volunteer)
        job.refresh_from_db()
        assert len(job.preview["problems"]) == 1 and problem in job.preview["problems"][0]
        assert len(job.preview["rows"]) == 3
        with pytest.raises(DomainError) as error:
            job_confirm(job=job, actor=volunteer)
        assert error.value.code == "mapping_problems" and Product.objects.count() == 0


def test_bad_rows_are_reported_and_block_everything_unless_the_user_imports_the_valid_ones(
    volunteer, supplier, shop, django_capture_on_commit_callbacks
):
    extra = [
        ["BIO-90000", "Sans prix", "", "", "5,5", "6"],
        ["BIO-90001", "TVA fantaisie", "", "3", "7", "6"],
        ["BIO-00001", "Doublon", "", "3", "5,5", "6"],
        ["BIO-90002", "Mauvais EAN", "3760000000001", "3", "5,5", "6"],
        ["BIO-90003", "Prix texte", "", "trois euros", "5,5", "6"],
    ]
    job = upload(volunteer, supplier, shop, price_list(5, extra=extra), django_capture_on_commit_callbacks)
    assert (job.preview["valid"], job.preview["rejected"]) == (5, 5)
    assert {(e["line"], e["column"]) for e in job.errors} == {
        (10, "PU HT"), (11, "TVA"), (12, "Code article"), (13, "EAN"), (14, "PU HT"),
    }  # fmt: skip
    assert " 6" in next(e["message"] for e in job.errors if e["line"] == 12)  # the line kept
    with pytest.raises(DomainError) as error:
        job_confirm(job=job, actor=volunteer)
    assert error.value.code == "rows_rejected" and Product.objects.count() == 0
    report = job_error_report(job=job, file_format="csv")
    name = report["Content-Disposition"].split('filename="')[1].rstrip('"')
    rows = list(csv.reader(io.StringIO(report.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == HEADINGS + ["Ligne", "Erreurs"] and [row[0] for row in rows[1:]] == [
        "BIO-90000", "BIO-90001", "BIO-00001", "BIO-90002", "BIO-90003",
    ]  # fmt: skip
    assert name == "tarif-erreurs.csv" and "PU HT" in rows[1][-1]
    workbook = load_workbook(io.BytesIO(job_error_report(job=job, file_format="xlsx").content))
    assert workbook.active.max_row == 6
    job = confirm(job, volunteer, django_capture_on_commit_callbacks, valid_rows_only=True)
    assert job.status == ImportStatus.DONE and job.totals["created"] == 5 and job.totals["rejected"] == 5
    # The report, corrected and uploaded again, imports the rest.
    fixed = [rows[0][:-2]] + [row[:-2] for row in rows[1:]]
    fixed[1][3], fixed[2][4], fixed[3][0], fixed[4][2], fixed[5][3] = "4", "20", "BIO-90004", "", "3"
    again = upload(volunteer, supplier, shop, csv_bytes(fixed), django_capture_on_commit_callbacks)
    assert again.preview["rejected"] == 0, again.errors
    assert confirm(again, volunteer, django_capture_on_commit_callbacks).totals["created"] == 5


def test_offers_absent_from_the_new_list_are_archived_when_asked(
    volunteer, supplier, shop, django_capture_on_commit_callbacks
):
    confirm(upload(volunteer, supplier, shop, price_list(10), django_capture_on_commit_callbacks), volunteer,
            django_capture_on_commit_callbacks)  # fmt: skip
    job = upload(volunteer, supplier, shop, price_list(7, price="2,60"), django_capture_on_commit_callbacks)
    assert job.preview["archivable"] == 3
    job = confirm(job, volunteer, django_capture_on_commit_callbacks, archive_missing=True)
    assert job.totals == {"created": 0, "updated": 7, "unchanged": 0, "archived": 3, "rejected": 0}
    assert Offer.objects.filter(status="archived").count() == 3 and Offer.objects.filter(listed=True).count() == 7


def test_queries_grow_with_batches_not_rows(
    volunteer, supplier, shop, django_capture_on_commit_callbacks, django_assert_max_num_queries, monkeypatch
):
    monkeypatch.setattr(jobs, "BATCH", 40)  # SQLite takes 45 new products per INSERT: one INSERT per batch
    confirm(upload(volunteer, supplier, shop, price_list(1), django_capture_on_commit_callbacks), volunteer,
            django_capture_on_commit_callbacks)  # fmt: skip
    counts = {}
    for batches in (2, 8):
        job = upload(volunteer, supplier, shop, price_list(40 * batches, start=1000 * batches),
                     django_capture_on_commit_callbacks)  # fmt: skip
        with django_assert_max_num_queries(400) as queries:
            confirm(job, volunteer, django_capture_on_commit_callbacks)
        counts[batches] = len(queries.captured_queries)
        assert ImportJob.objects.get(pk=job.pk).totals["created"] == 40 * batches
    per_batch = (counts[8] - counts[2]) / 6
    assert per_batch <= 8, counts
    assert counts[2] - 2 * per_batch <= 40, counts  # job, mapping, tasks, the search index of the new offers


def test_an_interrupted_run_leaves_nothing_and_can_run_again(
    volunteer, supplier, shop, django_capture_on_commit_callbacks, monkeypatch
):
    monkeypatch.setattr(jobs, "BATCH", 10)
    job = upload(volunteer, supplier, shop, price_list(35), django_capture_on_commit_callbacks)
    write = CatalogueWriter.write
    calls = []

    def dies_at_the_third_batch(self, lines):
        calls.append(len(lines))
        if len(calls) == 3:
            raise RuntimeError("worker killed")
        return write(self, lines)

    monkeypatch.setattr(CatalogueWriter, "write", dies_at_the_third_batch)
    job = confirm(job, volunteer, django_capture_on_commit_callbacks)
    assert job.status == ImportStatus.FAILED and "worker killed" in job.message
    assert Product.objects.count() == 0 and Offer.objects.count() == 0
    monkeypatch.setattr(CatalogueWriter, "write", write)
    with django_capture_on_commit_callbacks(execute=True):
        job_retry(job=job, actor=volunteer)
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE and job.totals["created"] == 35 and Offer.objects.count() == 35


def test_a_direct_import_reads_checks_and_writes_in_one_pass(volunteer, supplier, shop):
    job = import_job_create(kind="catalogue", organisation=supplier.organisation, actor=volunteer, name="t.csv",
                            data=price_list(12), supplier=supplier, shop=shop, preview=False)  # fmt: skip
    job = job_import_direct(job=job)
    assert job.status == ImportStatus.DONE and job.totals["created"] == 12
    bad = import_job_create(kind="catalogue", organisation=supplier.organisation, actor=volunteer, name="t.csv",
                            data=price_list(3, start=50, extra=[["X-1", "Sans prix", "", "", "5,5", "1"]]),
                            supplier=supplier, shop=shop, preview=False)  # fmt: skip
    bad = job_import_direct(job=bad)
    assert bad.status == ImportStatus.REJECTED and bad.totals["rejected"] == 1 and Product.objects.count() == 12


def test_unreadable_files_are_refused_with_a_message(volunteer, supplier, shop, django_capture_on_commit_callbacks):
    job = upload(volunteer, supplier, shop, b"%PDF-1.4 not a spreadsheet\x00\x01", django_capture_on_commit_callbacks)
    assert job.status == ImportStatus.REJECTED and job.message
    with pytest.raises(DomainError):
        job_confirm(job=job, actor=volunteer)


def test_only_the_organisation_staff_import_for_it(volunteer, supplier, shop):
    outsider = factories.make_staff(factories.OrganisationFactory(), username="ailleurs")
    with pytest.raises(PermissionDenied):
        import_job_create(kind="catalogue", organisation=supplier.organisation, actor=outsider, name="t.csv",
                          data=price_list(1), supplier=supplier, shop=shop)  # fmt: skip
    other_supplier = factories.ProducerFactory()
    with pytest.raises(DomainError) as error:
        import_job_create(kind="catalogue", organisation=supplier.organisation, actor=volunteer, name="t.csv",
                          data=price_list(1), supplier=other_supplier, shop=shop)  # fmt: skip
    assert error.value.code == "supplier_required"
