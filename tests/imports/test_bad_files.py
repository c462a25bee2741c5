"""A file with bad rows writes nothing and says which line and column is wrong, and why."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from imports import services
from imports.choices import ImportStatus
from imports.models import ImportJob
from imports.registry import get_resource_class
from imports.services import import_job_confirm, import_job_preview
from offers.models import Offer, Product
from pivot_site.exceptions import DomainError
from shops.models import Depot, Member, Shop
from tests import factories
from tests.imports.conftest import csv_bytes, errors_by_cell, heading, run


def products_file():
    name, category, gtin, weight = (heading("products", f) for f in ("name", "category", "gtin", "weight_kg"))
    return csv_bytes(
        [
            [name, category, gtin, weight],
            ["Chaise paillée", "Mobilier > Chaise en bois", "3017620422003", "4,5"],
            ["Trône", "Mobilier > Trône", "", ""],
            ["Lampe", "Mobilier", "3017620422004", ""],
            ["Armoire normande", "Mobilier > Armoire", "", "lourd"],
        ]
    )


def test_bad_product_rows_write_nothing_and_name_line_and_column(org_a, staff_a):
    count = Product.objects.count()

    report = run("products", products_file(), staff_a)

    assert Product.objects.count() == count  # not even the good first row
    assert report.totals == {"new": 1, "update": 0, "unchanged": 0, "error": 3}
    errors = errors_by_cell(report)
    assert set(errors) == {
        (3, heading("products", "category")),
        (4, heading("products", "gtin")),
        (5, heading("products", "weight_kg")),
    }
    assert "Mobilier > Trône" in errors[(3, heading("products", "category"))]
    assert "3017620422004" in errors[(4, heading("products", "gtin"))]
    weight_error = errors[(5, heading("products", "weight_kg"))]
    assert "lourd" in weight_error and heading("products", "weight_kg") in weight_error
    assert [row["action"] for row in report.rows] == ["new", "error", "error", "error"]


def test_bad_offer_rows_write_nothing(org_a, staff_a):
    product = factories.ProductFactory(organisation=org_a, name="Pommes")
    shop = factories.ShopFactory(organisation=org_a)
    factories.CustomerCategoryFactory(organisation=org_a, name="Adhérent")
    columns = ("product", "shop", "price_excl_tax", "vat_rate", "stock_on_hand", "reserved_categories")
    rows = [
        [heading("offers", c) for c in columns],
        ["Pommes", shop.slug, "2,50", "5,5", "10", "Adhérent"],
        ["Pommes", shop.slug, "-2,50", "5,5", "10", ""],
        ["Pommes", shop.slug, "2,50", "5,5", "beaucoup", ""],
        ["Pommes", shop.slug, "2,50", "5,5", "10", "VIP"],
        ["Pommes", shop.slug, "2,50", "7", "10", ""],
        ["Poires", shop.slug, "2,50", "5,5", "-1", ""],
    ]
    report = run("offers", rows, staff_a)

    assert not Offer.objects.filter(product=product).exists()
    errors = errors_by_cell(report)
    assert set(errors) == {
        (3, heading("offers", "price_excl_tax")),
        (4, heading("offers", "stock_on_hand")),
        (5, heading("offers", "reserved_categories")),
        (6, heading("offers", "vat_rate")),
        (7, heading("offers", "product")),
    }
    assert "VIP" in errors[(5, heading("offers", "reserved_categories"))]
    assert report.totals["error"] == 5


def test_negative_stock_is_refused_in_its_column(org_a, staff_a):
    product = factories.ProductFactory(organisation=org_a)
    rows = [
        [heading("offers", c) for c in ("product_id", "price_excl_tax", "stock_on_hand")],
        [product.pk, "3", "-1"],
    ]
    report = run("offers", rows, staff_a)
    assert [(e["line"], e["column"]) for e in report.errors] == [(2, heading("offers", "stock_on_hand"))]
    assert not Offer.objects.filter(product=product).exists()


def test_service_rules_become_row_errors_in_the_right_column(org_a, staff_a):
    name, first, email = (heading("members", f) for f in ("last_name", "first_name", "email"))
    rows = [
        [name, first, email],
        ["Martin", "Camille", "camille@example.org"],
        ["Martin", "Cam", "Camille@example.org "],
    ]
    report = run("members", rows, staff_a)
    # the second row is the same member (same e-mail), so it is an update of the row created just before
    assert report.errors == [] and report.totals["new"] == 1
    factories.MemberFactory(organisation=org_a, email="zoe@example.org")
    member = factories.MemberFactory(organisation=org_a, email="lea@example.org")
    report = run("members", [["id", email], [member.pk, "zoe@example.org"]], staff_a)
    assert [(e["line"], e["column"]) for e in report.errors] == [(2, email)]

    hours = heading("shops", "opening_hours")
    report = run(
        "shops", [[heading("shops", "name"), heading("shops", "postcode"), hours], ["B", "75001", "lu 25h"]], staff_a
    )
    assert [(e["line"], e["column"]) for e in report.errors] == [(2, hours)]

    rows = [
        [heading("depots", c) for c in ("name", "postcode", "city", "restricted")],
        ["D", "93100", "Montreuil", "oui"],
    ]
    report = run("depots", rows, staff_a)
    assert [(e["line"], e["column"]) for e in report.errors] == [(2, heading("depots", "access_code"))]
    assert not Depot.objects.filter(name="D").exists()

    rows = [[heading("shops", c) for c in ("name", "postcode", "city")], ["Sans code postal", "750", "Paris"]]
    report = run("shops", rows, staff_a)
    assert [(e["line"], e["column"]) for e in report.errors] == [(2, heading("shops", "postcode"))]
    assert not Shop.objects.filter(name="Sans code postal").exists()


def test_an_ambiguous_natural_key_asks_for_the_id(org_a, staff_a):
    chair = factories.ProductCategoryFactory(organisation=org_a, name="Sièges")
    factories.ProductFactory(organisation=org_a, category=chair, name="Tabouret")
    factories.ProductFactory(organisation=org_a, category=chair, name="Tabouret")
    report = run("products", [[heading("products", "name"), heading("products", "size")], ["Tabouret", "M"]], staff_a)
    assert [(e["line"], e["column"]) for e in report.errors] == [(2, heading("products", "name"))]
    assert Product.objects.filter(name="Tabouret", size="").count() == 2


def preview(key, name, data, user, worker):
    """Upload ``data`` and let the worker read it, as the admin's upload does."""
    with worker(execute=True):
        job = import_job_preview(
            resource_class=get_resource_class(key), uploaded_file=SimpleUploadedFile(name, data), actor=user
        )
    job.refresh_from_db()
    return job


def confirm(job, user, worker):
    with worker(execute=True):
        job = import_job_confirm(job=job, resource_class=get_resource_class(job.resource), actor=user)
    job.refresh_from_db()
    return job


def test_job_preview_of_a_bad_file_is_rejected_and_cannot_be_confirmed(
    org_a, staff_a, django_capture_on_commit_callbacks
):
    job = preview("products", "produits.csv", products_file(), staff_a, django_capture_on_commit_callbacks)
    assert job.status == ImportStatus.REJECTED
    assert job.totals["error"] == 3 and len(job.errors) == 3
    assert job.errors[0] == {
        "line": 3,
        "column": heading("products", "category"),
        "message": job.errors[0]["message"],
    }
    with translation.override("en"), pytest.raises(DomainError, match="cannot be confirmed"):
        confirm(job, staff_a, django_capture_on_commit_callbacks)
    assert not Product.objects.filter(name="Chaise paillée").exists()


def test_confirm_checks_again_and_stays_all_or_nothing(org_a, staff_a, django_capture_on_commit_callbacks):
    """Between preview and confirmation the data may change: the worker's run checks every row again."""
    factories.CustomerCategoryFactory(organisation=org_a, name="Adhérent")
    rows = [[heading("members", c) for c in ("last_name", "first_name", "email", "categories")]]
    rows += [["Martin", "Léa", "martin@example.org", ""], ["Durand", "Zoé", "durand@example.org", "Adhérent"]]
    job = preview("members", "membres.csv", csv_bytes(rows), staff_a, django_capture_on_commit_callbacks)
    assert job.status == ImportStatus.PREVIEWED and job.totals["new"] == 2
    assert not Member.objects.exists()  # a preview writes nothing

    org_a.customer_categories.all().delete()
    job = confirm(job, staff_a, django_capture_on_commit_callbacks)
    assert job.status == ImportStatus.REJECTED and job.started_at and job.finished_at
    assert [(e["line"], e["column"]) for e in job.errors] == [(3, heading("members", "categories"))]
    assert not Member.objects.exists()


def test_the_cheap_checks_refuse_a_file_at_once(staff_a, english):
    with pytest.raises(DomainError, match="empty"):
        import_job_preview(
            resource_class=get_resource_class("shops"), uploaded_file=SimpleUploadedFile("x.csv", b""), actor=staff_a
        )
    with pytest.raises(DomainError, match="image"):
        import_job_preview(
            resource_class=get_resource_class("shops"),
            uploaded_file=SimpleUploadedFile("x.csv", b"\x89PNG\r\n\x1a\n" + b"\x00" * 32),
            actor=staff_a,
        )
    assert not ImportJob.objects.exists()


def test_a_file_of_no_known_column_is_rejected_by_the_worker(staff_a, english, django_capture_on_commit_callbacks):
    job = preview("shops", "x.csv", b"foo;bar\n1;2\n", staff_a, django_capture_on_commit_callbacks)
    assert job.status == ImportStatus.REJECTED and job.message.startswith("No column of this file")
    assert job.finished_at and job.errors == []


def test_a_preview_that_crashes_is_failed_not_rejected(
    staff_a, english, monkeypatch, caplog, django_capture_on_commit_callbacks
):
    def crash(**kwargs):
        raise RuntimeError("worker out of memory")

    monkeypatch.setattr(services, "import_run", crash)
    rows = [[heading("shops", c) for c in ("name", "postcode", "city")], ["Boutique", "59000", "Lille"]]
    job = preview("shops", "x.csv", csv_bytes(rows), staff_a, django_capture_on_commit_callbacks)
    assert job.status == ImportStatus.FAILED and job.message.startswith("An unexpected error stopped the import")
    assert "worker out of memory" in caplog.text and "memory" not in job.message
