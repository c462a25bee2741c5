"""The admin door: upload → preview → confirm, through Django's test client as a staff user."""

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from wagtail.admin.views.generic import IndexView

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


def shops_file(*rows):
    return csv_bytes([[heading("shops", c) for c in ("name", "postcode", "city")], *rows])


def upload(client, key, data, name="boutiques.csv", next_url=""):
    url = reverse(UPLOAD, args=[key]) + (f"?next={next_url}" if next_url else "")
    return client.post(url, {"file": SimpleUploadedFile(name, data)})


def test_upload_form_lists_columns_and_offers_exports(client_a):
    response = client_a.get(reverse(UPLOAD, args=["shops"]))
    assert response.status_code == 200
    content = response.content.decode()
    assert 'type="file"' in content and heading("shops", "opening_hours") in content
    assert reverse("pivot_imports:export", args=["shops"]) + "?format=xlsx" in content


def test_upload_preview_then_confirm_writes(client_a, org_a):
    response = upload(
        client_a, "shops", shops_file(["Boutique Nord", "59000", "Lille"], ["Boutique Sud", "13001", "Marseille"])
    )
    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("pivot_imports:preview", args=["shops", job.pk])
    assert job.status == ImportStatus.PREVIEWED and job.original_name == "boutiques.csv"
    assert not Shop.objects.exists()  # the preview writes nothing

    preview = client_a.get(response.url)
    content = preview.content.decode()
    assert preview.status_code == 200
    assert 'data-total-new="2"' in content and "Boutique Nord" in content and "Boutique Sud" in content
    assert reverse("pivot_imports:confirm", args=["shops", job.pk]) in content

    done = client_a.post(reverse("pivot_imports:confirm", args=["shops", job.pk]))
    assert done.status_code == 302
    assert done.url == table_index_url("shop:index")
    assert sorted(Shop.objects.values_list("name", flat=True)) == ["Boutique Nord", "Boutique Sud"]
    assert Shop.objects.filter(organisation=org_a).count() == 2
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE and job.totals["new"] == 2 and job.finished_at
    expected = _("Import done: %(new)s created, %(update)s updated, %(unchanged)s unchanged.")
    assert str(list(get_messages(done.wsgi_request))[0]) == expected % {"new": 2, "update": 0, "unchanged": 0}

    again = client_a.post(reverse("pivot_imports:confirm", args=["shops", job.pk]))
    assert again.status_code == 302 and Shop.objects.count() == 2  # confirming twice imports once


def test_confirm_goes_back_to_the_listing_it_came_from(client_a, org_a):
    response = upload(client_a, "shops", shops_file(["Boutique", "59000", "Lille"]), next_url="/admin/shops/?q=x")
    assert "next=" in response.url
    job = ImportJob.objects.get()
    done = client_a.post(reverse("pivot_imports:confirm", args=["shops", job.pk]) + "?next=/admin/shops/?q=x")
    assert done.url == "/admin/shops/?q=x"
    evil = upload(client_a, "shops", shops_file(["B2", "59000", "Lille"]), next_url="https://evil.example/")
    assert "evil" not in evil.url


def test_preview_of_a_bad_file_shows_rows_and_errors_and_no_confirm_button(client_a, org_a):
    response = upload(client_a, "shops", shops_file(["Boutique Nord", "59000", "Lille"], ["Sans ville", "1", ""]))
    job = ImportJob.objects.get()
    assert job.status == ImportStatus.REJECTED
    content = client_a.get(response.url).content.decode()
    assert 'data-total-error="1"' in content and 'data-total-new="1"' in content
    assert "data-import-errors" in content and heading("shops", "postcode") in content
    assert "<td>3</td>" in content  # the line of the bad row in the spreadsheet
    assert reverse("pivot_imports:confirm", args=["shops", job.pk]) not in content

    client_a.post(reverse("pivot_imports:confirm", args=["shops", job.pk]))
    assert not Shop.objects.exists()


def test_an_unreadable_file_is_a_form_error(client_a):
    response = upload(client_a, "shops", b"\xd0\xcf\x11\xe0" + b"\x00" * 64, name="vieux.xls")
    assert response.status_code == 200
    assert "xlsx" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_someone_elses_import_is_not_found(client_a, org_a, staff_b):
    upload(client_a, "shops", shops_file(["Boutique", "59000", "Lille"]))
    job = ImportJob.objects.get()
    client_a.force_login(staff_b)
    assert client_a.get(reverse("pivot_imports:preview", args=["shops", job.pk])).status_code == 404
    assert client_a.post(reverse("pivot_imports:confirm", args=["shops", job.pk])).status_code == 404
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
