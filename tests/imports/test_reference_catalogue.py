"""A shop network's reference catalogue: imported by the platform through the bulk pipeline as shared products
with their nomenclature, and exported in the same csv layout for the shops' tills."""

import csv
import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command
from django.urls import reverse

from imports.choices import ImportStatus
from imports.jobs import import_job_create, job_confirm
from imports.models import ImportJob
from offers.models import Offer, Product, ProductCategory
from offers.reference import LAYOUT
from pivot_site.exceptions import DomainError
from tests import factories

from .conftest import csv_bytes

pytestmark = pytest.mark.django_db

HEADINGS = [heading for _key, heading in LAYOUT]


def ean13(number: int) -> str:
    digits = f"{number:012d}"
    total = sum(int(d) * (3 if index % 2 else 1) for index, d in enumerate(digits))
    return digits + str((10 - total % 10) % 10)


def line(n, *, price="89,90", family="Homme", sub_family="Baskets", gtin=None, name=None):
    return [f"MOD{n // 3:04d}-{n % 3}", ean13(3760000000000 // 10 + n) if gtin is None else gtin,
            name or f"Basket Urbaine {n}", f"MOD{n // 3:04d}", str(38 + n % 3), "Noir", "Cuir", "Atelier Mistral",
            "Chaussures", family, sub_family, price]  # fmt: skip


def reference_file(lines, *, title=True):
    rows = [["Référentiel réseau — printemps 2026"], []] if title else []
    return csv_bytes([*rows, HEADINGS, *lines])


@pytest.fixture
def animator():
    return factories.make_animator(username="animatrice")


def upload(actor, data, capture, *, preview=True, **options):
    with capture(execute=True):
        job = import_job_create(
            kind="reference", organisation=None, actor=actor, name="referentiel.csv", data=data, options=options
        )
    job.refresh_from_db()
    return job


def confirm(job, actor, capture, **kwargs):
    with capture(execute=True):
        job_confirm(job=job, actor=actor, **kwargs)
    job.refresh_from_db()
    return job


def test_the_network_file_becomes_shared_products_and_nomenclature(animator, django_capture_on_commit_callbacks):
    capture = django_capture_on_commit_callbacks
    job = upload(animator, reference_file([line(n) for n in range(9)]), capture)
    assert job.status == ImportStatus.PREVIEWED and job.organisation is None
    assert job.mapping == dict(zip(HEADINGS, (key for key, _heading in LAYOUT)))
    assert job.preview["valid"] == 9 and job.preview["rejected"] == 0
    assert not Product.objects.filter(organisation__isnull=True, gtin=ean13(376000000000)).exists()

    job = confirm(job, animator, capture)
    assert job.status == ImportStatus.DONE, job.message
    assert job.totals["created"] == 9 and job.totals["rejected"] == 0
    product = Product.objects.get(gtin=ean13(376000000000 + 4))
    assert product.organisation is None and product.producer is None
    assert (product.supplier_reference, product.model_code, product.size) == ("MOD0001-1", "MOD0001", "39")
    assert (product.colour, product.material, product.brand) == ("Noir", "Cuir", "Atelier Mistral")
    assert product.recommended_price == Decimal("89.90")
    sub_family = product.category
    assert sub_family.organisation is None and sub_family.name == "Baskets"
    assert (sub_family.parent.name, sub_family.parent.parent.name, sub_family.parent.parent.parent) == (
        "Homme",
        "Chaussures",
        None,
    )
    # The same file again changes nothing; a new price or family updates only those lines.
    again = confirm(upload(animator, reference_file([line(n) for n in range(9)]), capture), animator, capture)
    assert again.totals["unchanged"] == 9 and again.totals["created"] == 0
    changed = [line(0, price="79,90"), line(1, family="Femme", sub_family="Baskets")] + [line(n) for n in range(2, 9)]
    again = confirm(upload(animator, reference_file(changed), capture), animator, capture)
    assert again.totals["updated"] == 2 and again.totals["unchanged"] == 7
    assert Product.objects.get(gtin=ean13(376000000000)).recommended_price == Decimal("79.90")
    moved = Product.objects.select_related("category__parent").get(gtin=ean13(376000000001))
    assert (moved.category.name, moved.category.parent.name) == ("Baskets", "Femme")
    assert ProductCategory.objects.filter(organisation__isnull=True, name="Chaussures").count() == 1
    assert Product.objects.filter(organisation__isnull=True).count() == 9


def test_shops_offers_follow_their_shared_product_into_its_new_category(animator, django_capture_on_commit_callbacks):
    capture = django_capture_on_commit_callbacks
    confirm(upload(animator, reference_file([line(0)]), capture), animator, capture)
    product = Product.objects.get()
    shop = factories.ShopFactory()
    offer = factories.OfferFactory(product=product, organisation=shop.organisation, shop=shop)
    assert offer.category_id == product.category_id
    confirm(upload(animator, reference_file([line(0, sub_family="Montantes")]), capture), animator, capture)
    offer.refresh_from_db()
    assert offer.category.name == "Montantes" and offer.category_id == Product.objects.get().category_id


def test_bad_lines_are_reported_with_their_column_and_nothing_is_written(
    animator, english, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    wrong_check_digit = ean13(376000000050)[:-1] + str((int(ean13(376000000050)[-1]) + 1) % 10)
    lines = [
        line(0),
        line(1, gtin=wrong_check_digit),
        line(2, gtin=ean13(376000000000)),  # the EAN of the first line again
        line(3, family="", sub_family="Baskets"),
        line(4, price="-3"),
        line(5, gtin="", name="Sans code"),
        line(6),
    ]
    lines[5][0] = ""  # neither EAN nor reference
    job = upload(animator, reference_file(lines), capture)
    assert job.preview["valid"] == 2 and job.preview["rejected"] == 5
    errors = {(error["line"], error["column"]): error["message"] for error in job.errors}
    assert "wrong check digit" in errors[(5, "EAN")]
    assert (6, "EAN") in errors
    assert "needs its family" in errors[(7, "Famille")]
    assert "negative" in errors[(8, "Prix conseillé TTC")]
    assert "EAN or the supplier reference" in errors[(9, "EAN")]
    with pytest.raises(DomainError, match="5 rows have errors"):
        confirm(job, animator, capture)  # all or nothing, unless chosen
    assert not Product.objects.exists()
    job = upload(animator, reference_file(lines), capture)
    job = confirm(job, animator, capture, valid_rows_only=True)
    assert job.status == ImportStatus.DONE and job.totals["created"] == 2 and job.totals["rejected"] == 5
    assert Product.objects.filter(organisation__isnull=True).count() == 2


def test_only_the_platform_imports_the_reference_catalogue(client, django_capture_on_commit_callbacks):
    organisation = factories.OrganisationFactory()
    manager = factories.make_staff(organisation, username="gerante")
    with pytest.raises(PermissionDenied):
        import_job_create(kind="reference", organisation=None, actor=manager, name="r.csv", data=b"x")
    with pytest.raises(DomainError):
        import_job_create(
            kind="reference", organisation=organisation, actor=factories.make_animator(), name="r.csv", data=b"x"
        )
    client.force_login(manager)
    response = client.get(reverse("pivot_imports:bulk_upload"))
    assert response.status_code == 200
    assert "reference" not in dict(response.context["form"].fields["kind"].choices)
    assert "data-reference-layout" not in response.content.decode()
    response = client.post(
        reverse("pivot_imports:bulk_upload"),
        {"kind": "reference", "file": io.BytesIO(reference_file([line(0)])), "publish_new": "on"},
    )
    assert response.status_code == 200 and not response.context["form"].is_valid()


def test_an_animator_imports_it_from_the_admin_without_supplier_nor_shop(client, django_capture_on_commit_callbacks):
    animator = factories.make_animator()
    client.force_login(animator)
    page = client.get(reverse("pivot_imports:bulk_upload")).content.decode()
    assert "Référence fournisseur ; EAN ; Désignation" in page
    upload_file = io.BytesIO(reference_file([line(n) for n in range(3)]))
    upload_file.name = "referentiel.csv"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("pivot_imports:bulk_upload"), {"kind": "reference", "file": upload_file})
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("pivot_imports:bulk_job", args=[job.pk])
    assert job.organisation is None and job.supplier is None and job.status == ImportStatus.PREVIEWED
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("pivot_imports:bulk_job", args=[job.pk]), {"action": "confirm"})
    assert Product.objects.filter(organisation__isnull=True).count() == 3
    # Organisation staff do not see the platform's jobs.
    client.force_login(factories.make_staff(factories.OrganisationFactory()))
    assert client.get(reverse("pivot_imports:bulk_job", args=[job.pk])).status_code == 404


def read_export(response) -> list[list[str]]:
    body = b"".join(response.streaming_content)
    assert body.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))


def test_shops_download_it_in_the_same_layout_and_it_reads_back_unchanged(
    client, animator, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    capture = django_capture_on_commit_callbacks
    lines = [line(n) for n in range(30)] + [line(30, price="", family="", sub_family="")]
    lines[-1][8] = ""  # nor department
    confirm(upload(animator, reference_file(lines), capture), animator, capture)
    shop = factories.ShopFactory()
    client.force_login(factories.make_staff(shop.organisation))
    feeds = client.get(reverse("pivot_imports:stock_feeds")).content.decode()
    assert reverse("pivot_imports:reference_export") in feeds and "31 produits" in feeds
    with django_assert_max_num_queries(12):
        response = client.get(reverse("pivot_imports:reference_export"))
        rows = read_export(response)
    assert response["Content-Type"].startswith("text/csv")
    assert "catalogue-reference-" in response["Content-Disposition"]
    assert rows[0] == HEADINGS and len(rows) == 32
    assert rows[1] == line(0)
    assert rows[31][8:] == ["À trier", "", "", ""]  # no nomenclature: the shared "To be sorted"
    # The export is a file the import reads back as it is: nothing changes.
    exported = csv_bytes(rows)
    again = confirm(upload(animator, exported, capture), animator, capture)
    assert again.status == ImportStatus.DONE and again.totals["unchanged"] == 31
    client.logout()
    assert client.get(reverse("pivot_imports:reference_export")).status_code == 302  # to the log-in page


def test_the_command_imports_it_for_the_platform(tmp_path, capsys):
    path = tmp_path / "referentiel.csv"
    path.write_bytes(reference_file([line(n) for n in range(4)]))
    call_command("import_file", "--kind", "reference", str(path))
    assert "created 4" in capsys.readouterr().out
    assert Product.objects.filter(organisation__isnull=True).count() == 4
    with pytest.raises(CommandError, match="leave out --organisation"):
        call_command("import_file", "--kind", "reference", "--organisation", "x", str(path))
    with pytest.raises(CommandError, match="Give the organisation"):
        call_command("import_file", "--kind", "catalogue", str(path))
    assert Offer.objects.count() == 0
