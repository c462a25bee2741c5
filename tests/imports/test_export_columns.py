"""Exports with chosen columns (issue 5, point 6): depots with their coordinates for another
site's map, offers and members likewise, through the real admin as staff of an organisation."""

import io
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.http import urlencode
from openpyxl import load_workbook

from imports.exports import export_columns, export_selected
from imports.registry import get_resource_class
from pivot_site.exceptions import DomainError
from tests import factories
from tests.imports.conftest import heading

BOM = "\ufeff"


def choose_url(key, next_url=""):
    url = reverse("pivot_imports:export_choose", args=[key])
    return f"{url}?{urlencode({'next': next_url})}" if next_url else url


@pytest.fixture
def client_a(client, staff_a):
    client.force_login(staff_a)
    return client


@pytest.fixture
def depots(org_a, org_b):
    return [
        factories.DepotFactory(
            organisation=org_a, name="Dépôt Nord", latitude=Decimal("50.629250"), longitude=Decimal("3.057256")
        ),
        factories.DepotFactory(
            organisation=org_a, name="Dépôt Sud", latitude=Decimal("43.296482"), longitude=Decimal("5.369780")
        ),
        factories.DepotFactory(
            organisation=org_b, name="Dépôt de B", latitude=Decimal("48.117266"), longitude=Decimal("-1.677793")
        ),
    ]


def export(client, key, columns, file_format="csv", next_url=""):
    data = {"columns": columns, "file_format": file_format}
    if next_url:
        data["next"] = next_url
    return client.post(choose_url(key), data)


def csv_rows(response):
    text = response.content.decode("utf-8")
    assert text.startswith(BOM)
    return [line.split(";") for line in text[1:].split("\r\n") if line]


# The page


def test_the_page_lists_every_column_ticked_with_xlsx_by_default(client_a, depots):
    response = client_a.get(choose_url("depots"))
    assert response.status_code == 200
    content = response.content.decode()
    for column in export_columns(resource_class=get_resource_class("depots")):
        assert f'value="{column.key}"' in content and column.label in content
    assert content.count('name="columns"') == content.count('name="columns" value=') > 10
    assert 'value="latitude"' in content and 'value="longitude"' in content
    form = response.context["form"]
    assert form["columns"].value() == [c.key for c in export_columns(resource_class=get_resource_class("depots"))]
    assert form["file_format"].value() == "xlsx"
    assert 'value="access_code"' not in content  # write-only: the code is only kept hashed


def test_depots_columns_include_coordinates_and_no_write_only_column():
    keys = [column.key for column in export_columns(resource_class=get_resource_class("depots"))]
    assert {"name", "address", "postcode", "city", "latitude", "longitude"} <= set(keys)
    assert "access_code" not in keys
    labels = {column.key: column.label for column in export_columns(resource_class=get_resource_class("depots"))}
    assert labels["latitude"] == heading("depots", "latitude")


# Files


def test_csv_export_has_exactly_the_ticked_columns_in_order_for_french_excel(client_a, depots):
    response = export(client_a, "depots", ["name", "latitude", "longitude"])
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith('attachment; filename="') and response[
        "Content-Disposition"
    ].endswith('.csv"')
    rows = csv_rows(response)
    assert rows[0] == ["Nom", "Latitude", "Longitude"]
    assert sorted(rows[1:]) == [["Dépôt Nord", "50,62925", "3,057256"], ["Dépôt Sud", "43,296482", "5,36978"]]

    reordered = csv_rows(export(client_a, "depots", ["longitude", "city", "name"]))
    assert reordered[0] == ["Longitude", "Ville", "Nom"]
    assert ["3,057256", "Montreuil", "Dépôt Nord"] in reordered


def test_xlsx_export_has_native_numbers(client_a, depots):
    response = export(client_a, "depots", ["name", "latitude", "longitude"], file_format="xlsx")
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('.xlsx"')
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("Nom", "Latitude", "Longitude")
    by_name = {row[0]: row[1:] for row in rows[1:]}
    assert set(by_name) == {"Dépôt Nord", "Dépôt Sud"}
    latitude, longitude = by_name["Dépôt Nord"]
    assert isinstance(latitude, (int, float)) and isinstance(longitude, (int, float))
    assert latitude == pytest.approx(50.62925) and longitude == pytest.approx(3.057256)
    assert sheet["B2"].data_type == "n"


def test_members_and_offers_export_their_chosen_columns(client_a, org_a, depots):
    gardeners = factories.CustomerCategoryFactory(organisation=org_a, name="Jardiniers")
    factories.MemberFactory(organisation=org_a, last_name="Durand", email="durand@example.org", categories=[gardeners])
    rows = csv_rows(export(client_a, "members", ["email", "last_name", "categories"]))
    assert rows == [["E-mail", "Nom", "Catégories"], ["durand@example.org", "Durand", "Jardiniers"]]

    product = factories.ProductFactory(organisation=org_a, name="Panier de légumes")
    factories.OfferFactory(organisation=org_a, product=product, allowed_depots=[depots[0]])
    sheet = load_workbook(
        io.BytesIO(export(client_a, "offers", ["product", "price_excl_tax", "allowed_depots"], "xlsx").content)
    ).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == (
        heading("offers", "product"),
        heading("offers", "price_excl_tax"),
        heading("offers", "allowed_depots"),
    )
    assert rows[1][0] == "Panier de légumes" and rows[1][1] == 10 and "Dépôt Nord" in rows[1][2]


# Tenancy and access


def test_staff_never_get_another_organisations_depots(client_a, depots, org_b):
    names = [row[0] for row in csv_rows(export(client_a, "depots", ["name"]))[1:]]
    assert sorted(names) == ["Dépôt Nord", "Dépôt Sud"]
    # Even from a listing URL filtered on the other organisation (not a choice of the filter: ignored).
    listing = reverse("depot:index") + f"?organisation={org_b.pk}"
    names = [row[0] for row in csv_rows(export(client_a, "depots", ["name"], next_url=listing))[1:]]
    assert sorted(names) == ["Dépôt Nord", "Dépôt Sud"]


def test_the_listings_filters_and_search_are_kept(client, admin_user, depots, org_a):
    client.force_login(admin_user)
    everything = csv_rows(export(client, "depots", ["name"]))
    assert len(everything) == 4  # the platform admin sees both organisations
    listing = reverse("depot:index") + f"?organisation={org_a.pk}"
    page = client.get(choose_url("depots", listing))
    assert "data-export-filtered" in page.content.decode()
    assert sorted(csv_rows(export(client, "depots", ["name"], next_url=listing))[1:]) == [["Dépôt Nord"], ["Dépôt Sud"]]
    searched = reverse("depot:index") + "?q=Sud"
    assert csv_rows(export(client, "depots", ["name"], next_url=searched))[1:] == [["Dépôt Sud"]]
    # Another table's listing is not a filter of this one: the whole table.
    other = reverse("member:index") + f"?organisation={org_a.pk}"
    assert len(csv_rows(export(client, "depots", ["name"], next_url=other))) == 4


def test_anonymous_users_go_to_the_login_page(client, depots):
    response = client.get(choose_url("depots"))
    assert response.status_code == 302 and reverse("wagtailadmin_login") in response.url
    response = client.post(choose_url("depots"), {"columns": ["name"], "file_format": "csv"})
    assert response.status_code == 302 and reverse("wagtailadmin_login") in response.url


def test_users_without_the_view_permission_are_refused(client, depots):
    user = factories.UserFactory()
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(user)
    response = client.get(choose_url("depots"))
    assert response.status_code in (302, 403)
    response = client.post(choose_url("depots"), {"columns": ["name"], "file_format": "csv"})
    assert response.status_code in (302, 403) and "Dépôt" not in response.content.decode()
    with pytest.raises(PermissionDenied):
        export_selected(resource_class=get_resource_class("depots"), actor=user, columns=["name"], file_format="csv")


def test_unknown_table_is_not_found(client_a):
    assert client_a.get(choose_url("nope")).status_code == 404


def test_unknown_or_no_column_is_a_form_error(client_a, depots):
    response = export(client_a, "depots", ["name", "access_code", "nope"])
    assert response.status_code == 200
    form = response.context["form"]
    assert "access_code" in str(form.errors["columns"]) and "nope" in str(form.errors["columns"])
    assert "data-export-choose" in response.content.decode()

    response = export(client_a, "depots", [])
    assert response.status_code == 200 and response.context["form"].errors["columns"]

    response = export(client_a, "depots", ["name"], file_format="ods")
    assert response.status_code == 200 and response.context["form"].errors["file_format"]


def test_service_errors_have_stable_codes(staff_a, depots):
    depot_resource = get_resource_class("depots")
    with pytest.raises(DomainError) as error:
        export_selected(resource_class=depot_resource, actor=staff_a, columns=["name", "nope"], file_format="csv")
    assert error.value.code == "unknown_column" and error.value.details["columns"] == ["nope"]
    with pytest.raises(DomainError) as error:
        export_selected(resource_class=depot_resource, actor=staff_a, columns=[], file_format="csv")
    assert error.value.code == "no_column"


def test_the_last_choice_is_remembered_per_table(client_a, depots):
    export(client_a, "depots", ["name", "latitude", "longitude"], file_format="csv")
    form = client_a.get(choose_url("depots")).context["form"]
    assert form["columns"].value() == ["name", "latitude", "longitude"]
    assert form["file_format"].value() == "csv"
    members_form = client_a.get(choose_url("members")).context["form"]
    assert len(members_form["columns"].value()) > 3 and members_form["file_format"].value() == "xlsx"


# Listing buttons


def test_listings_of_depots_offers_and_members_have_the_button(client_a, org_a):
    for name, key in (("depot:index", "depots"), ("offer:index", "offers"), ("member:index", "members")):
        listing = reverse(name) + "?active=true" if key == "depots" else reverse(name)
        content = client_a.get(listing).content.decode()
        expected = choose_url(key, listing).replace("&", "&amp;")
        assert expected in content, key
    shops = client_a.get(reverse("shop:index")).content.decode()
    assert reverse("pivot_imports:export_choose", args=["shops"]) not in shops


# Queries


@pytest.mark.parametrize("key", ["depots", "members", "offers"])
def test_query_count_does_not_grow_with_the_rows(key, org_a, staff_a):
    category = factories.CustomerCategoryFactory(organisation=org_a, name="Adhérents")
    depot = factories.DepotFactory(organisation=org_a, name="Dépôt commun")
    shop = factories.ShopFactory(organisation=org_a)

    def add(count):
        for _ in range(count):
            if key == "depots":
                factories.DepotFactory(organisation=org_a, shop=shop)
            elif key == "members":
                factories.MemberFactory(organisation=org_a, categories=[category])
            else:
                factories.OfferFactory(
                    organisation=org_a, shop=shop, reserved_categories=[category], allowed_depots=[depot]
                )

    resource_class = get_resource_class(key)
    columns = [column.key for column in export_columns(resource_class=resource_class)]

    def queries(file_format):
        actor = get_user_model().objects.get(pk=staff_a.pk)  # nothing cached from the previous run
        with CaptureQueriesContext(connection) as captured:
            export_selected(resource_class=resource_class, actor=actor, columns=columns, file_format=file_format)
        return len(captured)

    add(3 if key != "depots" else 2)  # with the shared depot: 3 rows
    few = queries("csv"), queries("xlsx")
    add(27)
    assert (queries("csv"), queries("xlsx")) == few


def test_query_count_through_the_admin_does_not_grow_with_the_rows(client_a, org_a):
    def post():
        with CaptureQueriesContext(connection) as captured:
            response = export(client_a, "depots", ["name", "shop", "latitude", "longitude", "pickup_slots"])
        return len(captured), len(csv_rows(response)) - 1

    shop = factories.ShopFactory(organisation=org_a)
    for _ in range(3):
        factories.DepotFactory(organisation=org_a, shop=shop)
    count, rows = post()
    assert rows == 3
    for _ in range(27):
        factories.DepotFactory(organisation=org_a, shop=shop)
    assert post() == (count, 30)
