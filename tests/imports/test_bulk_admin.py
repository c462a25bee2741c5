"""The bulk import pages of the admin, through the test client as a volunteer of a group-buying association:
upload, preview with the columns as understood, correction, confirmation, progress, summary and error report."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from imports.choices import ImportStatus
from imports.models import ImportJob
from offers.models import Offer
from tests import factories

from .test_bulk_jobs import price_list

pytestmark = pytest.mark.django_db
UPLOAD = reverse("pivot_imports:bulk_upload")


@pytest.fixture
def supplier():
    return factories.ProducerFactory(name="Biocoop Grossiste", is_wholesaler=True)


@pytest.fixture
def shop(supplier):
    return factories.ShopFactory(organisation=supplier.organisation, name="Épicerie du Marais")


@pytest.fixture
def volunteer(client, supplier):
    user = factories.make_staff(supplier.organisation, username="benevole")
    client.force_login(user)
    return user


def send(client, supplier, shop, data, capture, name="tarif.csv"):
    with capture(execute=True):
        response = client.post(UPLOAD, {"kind": "catalogue", "supplier": supplier.pk, "shop": shop.pk,
                                        "publish_new": "on", "file": SimpleUploadedFile(name, data)})  # fmt: skip
    return response


def test_upload_preview_confirm_and_summary(client, volunteer, supplier, shop, django_capture_on_commit_callbacks):
    page = client.get(UPLOAD)
    assert page.status_code == 200 and "Biocoop Grossiste" in page.content.decode()
    response = send(client, supplier, shop, price_list(12), django_capture_on_commit_callbacks)
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("pivot_imports:bulk_job", args=[job.pk])
    html = client.get(response["Location"]).content.decode()
    assert "data-mapping-form" in html and "data-confirm-form" in html and "Lentilles vertes 0" in html
    assert "data-detected" in html and "data-import-progress" not in html
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(response["Location"], {"action": "confirm"})
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE and Offer.objects.count() == 12
    html = client.get(response["Location"]).content.decode()
    assert 'data-total="created">12<' in html and "data-confirm-form" not in html
    progress = client.get(reverse("pivot_imports:bulk_progress", args=[job.pk])).json()
    assert progress["status"] == "done" and progress["percent"] == 100 and progress["finished"]
    history = client.get(reverse("pivot_imports:history")).content.decode()
    assert "tarif.csv" in history and reverse("pivot_imports:bulk_job", args=[job.pk]) in history


def test_the_columns_can_be_corrected_on_the_preview(
    client, volunteer, supplier, shop, django_capture_on_commit_callbacks
):
    send(client, supplier, shop, price_list(2), django_capture_on_commit_callbacks)
    job = ImportJob.objects.get()
    url = reverse("pivot_imports:bulk_job", args=[job.pk])
    form = {f"column_{i}": job.mapping[h] for i, h in enumerate(job.preview["headers"])}
    form.update(action="remap", column_7="")  # "Origine" ignored
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, form)
    job.refresh_from_db()
    assert job.mapping["Origine"] == "" and job.status == ImportStatus.PREVIEWED


def test_an_import_with_errors_offers_the_report_and_the_valid_rows_choice(
    client, volunteer, supplier, shop, django_capture_on_commit_callbacks
):
    data = price_list(3, extra=[["BIO-9", "Sans prix", "", "", "5,5", "6"]])
    send(client, supplier, shop, data, django_capture_on_commit_callbacks)
    job = ImportJob.objects.get()
    url = reverse("pivot_imports:bulk_job", args=[job.pk])
    html = client.get(url).content.decode()
    assert 'name="valid_rows_only"' in html and 'data-report="xlsx"' in html and "data-import-errors" in html
    response = client.post(url, {"action": "confirm"})  # without the choice: refused, nothing written
    assert response.status_code == 302 and Offer.objects.count() == 0
    report = client.get(reverse("pivot_imports:bulk_report", args=[job.pk, "csv"]))
    assert report.status_code == 200 and "BIO-9" in report.content.decode("utf-8-sig")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"action": "confirm", "valid_rows_only": "on"})
    assert Offer.objects.count() == 3


def test_a_job_still_running_shows_its_progress_bar(
    client, volunteer, supplier, shop, django_capture_on_commit_callbacks
):
    send(client, supplier, shop, price_list(2), django_capture_on_commit_callbacks)
    job = ImportJob.objects.get()
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.RUNNING, rows_total=2)
    html = client.get(reverse("pivot_imports:bulk_job", args=[job.pk])).content.decode()
    assert "data-import-progress" in html and "import-progress.js" in html


def test_a_cancelled_import_writes_nothing(client, volunteer, supplier, shop, django_capture_on_commit_callbacks):
    send(client, supplier, shop, price_list(2), django_capture_on_commit_callbacks)
    job = ImportJob.objects.get()
    client.post(reverse("pivot_imports:bulk_job", args=[job.pk]), {"action": "cancel"})
    job.refresh_from_db()
    assert job.status == ImportStatus.CANCELLED and Offer.objects.count() == 0


def test_other_organisations_and_visitors_see_nothing(
    client, volunteer, supplier, shop, django_capture_on_commit_callbacks
):
    send(client, supplier, shop, price_list(2), django_capture_on_commit_callbacks)
    job = ImportJob.objects.get()
    outsider = factories.make_staff(factories.OrganisationFactory(), username="ailleurs")
    client.force_login(outsider)
    for url in (
        reverse("pivot_imports:bulk_job", args=[job.pk]),
        reverse("pivot_imports:bulk_progress", args=[job.pk]),
        reverse("pivot_imports:bulk_report", args=[job.pk, "csv"]),
    ):
        assert client.get(url).status_code == 404
    page = client.get(UPLOAD).content.decode()
    assert "Biocoop Grossiste" not in page and "Épicerie du Marais" not in page
    response = client.post(UPLOAD, {"kind": "catalogue", "supplier": supplier.pk, "shop": shop.pk,
                                    "file": SimpleUploadedFile("t.csv", price_list(1))})  # fmt: skip
    assert response.status_code == 200 and ImportJob.objects.count() == 1  # the choice is not offered
    client.logout()
    assert client.get(UPLOAD).status_code == 302
