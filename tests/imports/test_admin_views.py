"""The admin door: upload → preview → confirm, through Django's test client as a staff user.

Reading and importing run in the django-q worker (synchronous in the tests) once the request's
transaction commits: ``worker()`` runs what a request queued, and without it nothing is read."""

import logging

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory
from django.urls import NoReverseMatch, reverse
from django.utils.html import escape
from django.utils.translation import gettext as _
from wagtail.admin.views.generic import IndexView

from imports import services
from imports.choices import ImportStatus
from imports.models import ImportJob
from imports.readers import read_dataset
from imports.views import ImportExportIndexViewMixin
from shops.models import Member, Shop
from shops.resources import MemberResource
from tests import factories
from tests.imports.conftest import csv_bytes, heading

UPLOAD = "pivot_imports:upload"


def table_index_url(name):
    """The table's listing when its viewset is registered, else the admin home."""
    try:
        return reverse(name)
    except NoReverseMatch:
        return reverse("wagtailadmin_home")


@pytest.fixture
def client_a(client, staff_a):
    client.force_login(staff_a)
    return client


@pytest.fixture
def worker(django_capture_on_commit_callbacks):
    """Runs the tasks the requests in its block queued, as the worker does once they commit."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def shops_file(*rows):
    return csv_bytes([[heading("shops", c) for c in ("name", "postcode", "city")], *rows])


def members_file(*rows):
    return csv_bytes([[heading("members", c) for c in ("last_name", "first_name", "email")], *rows])


def upload(client, key, data, name="boutiques.csv", next_url=""):
    url = reverse(UPLOAD, args=[key]) + (f"?next={next_url}" if next_url else "")
    return client.post(url, {"file": SimpleUploadedFile(name, data)})


def confirm(client, job, next_url=""):
    url = reverse("pivot_imports:confirm", args=[job.resource, job.pk]) + (f"?next={next_url}" if next_url else "")
    return client.post(url)


def preview_url(job):
    return reverse("pivot_imports:preview", args=[job.resource, job.pk])


def status(client, job):
    return client.get(reverse("pivot_imports:status", args=[job.resource, job.pk]))


def messages_of(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_upload_form_lists_columns_and_offers_exports(client_a):
    response = client_a.get(reverse(UPLOAD, args=["shops"]))
    assert response.status_code == 200
    content = response.content.decode()
    assert 'type="file"' in content and heading("shops", "opening_hours") in content
    assert reverse("pivot_imports:export", args=["shops"]) + "?format=xlsx" in content


def test_upload_preview_then_confirm_writes(client_a, org_a, worker):
    with worker():
        response = upload(
            client_a, "shops", shops_file(["Boutique Nord", "59000", "Lille"], ["Boutique Sud", "13001", "Marseille"])
        )
    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response.url == preview_url(job)
    assert job.status == ImportStatus.PREVIEWED and job.original_name == "boutiques.csv"
    assert job.file_format == "csv" and job.totals["new"] == 2
    assert not Shop.objects.exists()  # the preview writes nothing

    preview = client_a.get(response.url)
    content = preview.content.decode()
    assert preview.status_code == 200
    assert 'data-total-new="2"' in content and "Boutique Nord" in content and "Boutique Sud" in content
    assert reverse("pivot_imports:confirm", args=["shops", job.pk]) in content
    assert "data-table-import-status" not in content and "table-import-status.js" not in content

    with worker():
        done = confirm(client_a, job)
    assert done.status_code == 302 and done.url == preview_url(job)
    assert messages_of(done) == [_("The import has started: you can leave this page, it goes on.")]
    assert sorted(Shop.objects.values_list("name", flat=True)) == ["Boutique Nord", "Boutique Sud"]
    assert Shop.objects.filter(organisation=org_a).count() == 2
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE and job.totals["new"] == 2 and job.started_at and job.finished_at

    content = client_a.get(done.url).content.decode()
    expected = _("Import done: %(new)s created, %(update)s updated, %(unchanged)s unchanged.")
    assert escape(expected % {"new": 2, "update": 0, "unchanged": 0}) in content
    assert f'href="{table_index_url("shop:index")}"' in content and "data-index-link" in content
    assert reverse("pivot_imports:confirm", args=["shops", job.pk]) not in content

    with worker():
        again = confirm(client_a, job)
    assert again.status_code == 302 and Shop.objects.count() == 2  # confirming twice imports once
    assert messages_of(again) == [
        _("This import cannot be confirmed any more (%(status)s).") % {"status": job.get_status_display()}
    ]


def test_the_upload_request_only_keeps_the_file_and_queues_the_reading(
    client_a, org_a, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as queued:
        response = upload(client_a, "members", members_file(["Martin", "Léa", "martin@example.org"]))
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response.url == preview_url(job)
    assert len(queued) == 1  # the preview task, run by the worker once the request committed
    assert job.status == ImportStatus.READING and job.totals == {} and job.preview == {}
    assert not Member.objects.exists()

    page = client_a.get(response.url)
    content = page.content.decode()
    assert "data-table-import-status" in content and 'data-status="reading"' in content
    assert 'aria-live="polite"' in content and escape(_("Reading the file…")) in content
    assert f'href="{response.url}"' in content  # "Refresh" without JavaScript
    assert 'src="/static/js/table-import-status.js"' in content
    assert reverse("pivot_imports:confirm", args=["members", job.pk]) not in content
    assert status(client_a, job).json() == {"status": "reading", "label": job.get_status_display(), "finished": False}

    queued[0]()
    job.refresh_from_db()
    assert job.status == ImportStatus.PREVIEWED and job.totals["new"] == 1
    assert not Member.objects.exists()
    assert status(client_a, job).json()["status"] == "previewed"


def test_the_status_is_only_for_the_uploader(client_a, org_a, staff_b, worker):
    with worker():
        upload(client_a, "shops", shops_file(["Boutique", "59000", "Lille"]))
    job = ImportJob.objects.get()
    answer = status(client_a, job)
    assert answer.status_code == 200 and answer["Content-Type"] == "application/json"
    assert answer.json() == {"status": "previewed", "label": job.get_status_display(), "finished": False}
    assert client_a.get(reverse("pivot_imports:status", args=["members", job.pk])).status_code == 404
    client_a.force_login(staff_b)
    assert status(client_a, job).status_code == 404


def test_the_confirm_request_only_queues_the_import(client_a, org_a, worker, django_capture_on_commit_callbacks):
    with worker():
        upload(client_a, "shops", shops_file(["Boutique Nord", "59000", "Lille"]))
    job = ImportJob.objects.get()
    with django_capture_on_commit_callbacks() as queued:
        response = confirm(client_a, job)
    job.refresh_from_db()
    assert response.status_code == 302 and response.url == preview_url(job)
    assert len(queued) == 1 and job.status == ImportStatus.QUEUED and not Shop.objects.exists()

    content = client_a.get(response.url).content.decode()
    assert 'data-status="queued"' in content and escape(_("Importing…")) in content
    assert reverse("pivot_imports:confirm", args=["shops", job.pk]) not in content
    assert status(client_a, job).json()["status"] == "queued"

    with worker():
        queued[0]()
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE and Shop.objects.get().name == "Boutique Nord"
    assert status(client_a, job).json() == {"status": "done", "label": job.get_status_display(), "finished": True}


def test_a_running_import_shows_the_waiting_state(client_a, org_a, worker):
    with worker():
        upload(client_a, "shops", shops_file(["Boutique Nord", "59000", "Lille"]))
    job = ImportJob.objects.get()
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.RUNNING)
    content = client_a.get(preview_url(job)).content.decode()
    assert 'data-status="running"' in content and escape(_("Importing…")) in content
    assert "data-import-rows" not in content


def test_a_failing_import_leaves_the_job_failed_and_the_database_unchanged(
    client_a, org_a, worker, monkeypatch, caplog
):
    with worker():
        upload(
            client_a, "shops", shops_file(["Boutique Nord", "59000", "Lille"], ["Boutique Sud", "13001", "Marseille"])
        )
    job = ImportJob.objects.get()
    real_import_run, written = services.import_run, []

    def import_then_crash(**kwargs):
        real_import_run(**kwargs)
        written.append(Shop.objects.count())
        raise RuntimeError("disk full")

    monkeypatch.setattr(services, "import_run", import_then_crash)
    with worker(), caplog.at_level(logging.ERROR, logger="imports.services"):
        confirm(client_a, job)
    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED and job.finished_at
    assert written == [2] and not Shop.objects.exists()  # written, then rolled back with the whole import
    assert "disk full" in caplog.text and "disk full" not in job.message
    content = client_a.get(preview_url(job)).content.decode()
    assert "data-job-message" in content and escape(job.message) in content
    assert reverse(UPLOAD, args=["shops"]) in content and "data-table-import-status" not in content


def test_confirm_goes_back_to_the_listing_it_came_from(client_a, org_a, worker):
    with worker():
        response = upload(client_a, "shops", shops_file(["Boutique", "59000", "Lille"]), next_url="/admin/shops/?q=x")
    assert "next=" in response.url
    job = ImportJob.objects.get()
    with worker():
        done = confirm(client_a, job, next_url="/admin/shops/?q=x")
    assert done.url.startswith(preview_url(job)) and "next=" in done.url
    assert 'href="/admin/shops/?q=x"' in client_a.get(done.url).content.decode()
    evil = upload(client_a, "shops", shops_file(["B2", "59000", "Lille"]), next_url="https://evil.example/")
    assert "evil" not in evil.url


def test_preview_of_a_bad_file_shows_rows_and_errors_and_no_confirm_button(client_a, org_a, worker):
    with worker():
        response = upload(client_a, "shops", shops_file(["Boutique Nord", "59000", "Lille"], ["Sans ville", "1", ""]))
    job = ImportJob.objects.get()
    assert job.status == ImportStatus.REJECTED
    content = client_a.get(response.url).content.decode()
    assert 'data-total-error="1"' in content and 'data-total-new="1"' in content
    assert "data-import-errors" in content and heading("shops", "postcode") in content
    assert "<td>3</td>" in content  # the line of the bad row in the spreadsheet
    assert reverse("pivot_imports:confirm", args=["shops", job.pk]) not in content
    assert reverse(UPLOAD, args=["shops"]) in content

    with worker():
        confirm(client_a, job)
    assert not Shop.objects.exists()


def test_a_file_that_is_no_spreadsheet_is_a_form_error(client_a):
    response = upload(client_a, "shops", b"%PDF-1.7\n" + b"x" * 64, name="boutiques.pdf")
    assert response.status_code == 200
    assert "xlsx" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_a_file_found_unreadable_by_the_worker_is_rejected_with_its_message(client_a, worker):
    with worker():
        response = upload(client_a, "shops", b"\xd0\xcf\x11\xe0" + b"\x00" * 64, name="vieux.xls")
    job = ImportJob.objects.get()
    assert response.status_code == 302 and job.file_format == "xls"
    assert job.status == ImportStatus.REJECTED and "xlsx" in job.message and job.finished_at
    content = client_a.get(response.url).content.decode()
    assert "data-job-message" in content and "xlsx" in content
    assert reverse(UPLOAD, args=["shops"]) in content and "data-import-rows" not in content


def test_someone_elses_import_is_not_found(client_a, org_a, staff_b, worker):
    with worker():
        upload(client_a, "shops", shops_file(["Boutique", "59000", "Lille"]))
    job = ImportJob.objects.get()
    client_a.force_login(staff_b)
    assert client_a.get(preview_url(job)).status_code == 404
    with worker():
        assert confirm(client_a, job).status_code == 404
    assert not Shop.objects.exists()


def test_unknown_table_and_missing_permission(client, client_a, org_a):
    assert client_a.get(reverse(UPLOAD, args=["nope"])).status_code == 404
    customer = factories.UserFactory()
    client.force_login(customer)
    assert client.get(reverse(UPLOAD, args=["shops"])).status_code in (302, 403)


def test_export_view_gives_the_whole_table_the_user_may_read(client_a, org_a, org_b):
    factories.ShopFactory(organisation=org_a, name="Chez A")
    factories.ShopFactory(organisation=org_b, name="Chez B")
    response = client_a.get(reverse("pivot_imports:export", args=["shops"]) + "?format=csv")
    text = response.content.decode("utf-8-sig")
    assert response["Content-Disposition"].startswith('attachment; filename="')
    assert "Chez A" in text and "Chez B" not in text
    xlsx = client_a.get(reverse("pivot_imports:export", args=["shops"]) + "?format=xlsx")
    assert read_dataset(xlsx.content).dict[0][heading("shops", "name")] == "Chez A"


def test_history_lists_the_users_imports(client_a, org_a):
    upload(client_a, "shops", shops_file(["Boutique", "59000", "Lille"]))
    content = client_a.get(reverse("pivot_imports:history")).content.decode()
    assert "boutiques.csv" in content


class MemberIndexView(ImportExportIndexViewMixin, IndexView):
    """A bare Wagtail index, as a viewset would configure it, with filters."""

    model = Member
    resource_class = MemberResource
    list_filter = ["volunteer", "categories"]
    index_url_name = "wagtailadmin_home"


def index_view(user, query=""):
    request = RequestFactory().get("/admin/members/" + query)
    request.user = user
    view = MemberIndexView()
    view.setup(request)
    return view, request


def test_index_mixin_exports_the_filtered_listing_with_the_resource_columns(org_a, org_b, staff_a):
    volunteers = factories.CustomerCategoryFactory(organisation=org_a, name="Jardin")
    factories.MemberFactory(organisation=org_a, last_name="Oui-Jardin", volunteer="yes", categories=[volunteers])
    factories.MemberFactory(organisation=org_a, last_name="Non", volunteer="no")
    factories.MemberFactory(organisation=org_b, last_name="Autre", volunteer="yes")  # scoped out

    request = RequestFactory().get("/admin/members/", {"export": "csv", "volunteer": "yes"})
    request.user = staff_a
    response = MemberIndexView.as_view()(request)

    dataset = read_dataset(response.content)
    assert dataset.headers == MemberResource().get_export_headers()
    assert [row[heading("members", "last_name")] for row in dataset.dict] == ["Oui-Jardin"]
    assert dataset.dict[0][heading("members", "categories")] == "Jardin"
    assert response["Content-Disposition"].endswith('.csv"')

    request = RequestFactory().get("/admin/members/", {"export": "xlsx", "categories": volunteers.pk})
    request.user = staff_a
    xlsx = read_dataset(MemberIndexView.as_view()(request).content)
    assert [row[heading("members", "last_name")] for row in xlsx.dict] == ["Oui-Jardin"]


def test_index_mixin_adds_import_and_export_buttons(staff_a, org_a):
    view, _request = index_view(staff_a, "?volunteer=yes")
    labels = [button.label for button in view.header_buttons]
    assert "Import" in labels or "Importer" in labels
    import_button = view.header_buttons[-1]
    assert import_button.url.startswith(reverse(UPLOAD, args=["members"]))
    more = {str(button.label): button.url for button in view.header_more_buttons}
    export_urls = [url for url in more.values() if "export=" in url]
    assert len(export_urls) == 2 and all("volunteer=yes" in url for url in export_urls)


def test_index_mixin_hides_the_import_button_without_permission(org_a):
    customer = factories.UserFactory()
    view, _request = index_view(customer)
    assert not any(reverse(UPLOAD, args=["members"]) in (button.url or "") for button in view.header_buttons)
