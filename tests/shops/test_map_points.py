"""The map's points: every active shop and depot with coordinates, as GeoJSON, in one query."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from shops.choices import OrganisationKind
from tests import factories

pytestmark = pytest.mark.django_db


def get_points(client, prefix=""):
    response = client.get(prefix + reverse("map_points"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    return response, {feature["properties"]["name"]: feature for feature in response.json()["features"]}


def test_shops_and_depots_with_their_kind_town_and_page(client):
    garden = factories.OrganisationFactory(name="Jardin", kind=OrganisationKind.CSA_GARDEN)
    shop = factories.ShopFactory(
        name="La Boutique", city="Lyon", latitude=Decimal("45.764"), longitude=Decimal("4.8357")
    )
    factories.DepotFactory(organisation=garden, name="Le Dépôt", city="Montreuil")
    factories.DepotFactory(organisation=shop.organisation, shop=shop, name="Dépôt de la boutique")
    response, points = get_points(client)
    assert response.json()["type"] == "FeatureCollection"
    assert points["La Boutique"]["geometry"] == {"type": "Point", "coordinates": [4.8357, 45.764]}
    assert points["La Boutique"]["properties"] == {
        "name": "La Boutique",
        "type": "shop",
        "kind": "reuse_shop",
        "kind_label": "Ressourcerie",
        "town": "Lyon",
        "url": shop.page.url,
    }
    depot = points["Le Dépôt"]["properties"]
    assert (depot["type"], depot["kind"], depot["kind_label"], depot["town"], depot["url"]) == (
        "depot",
        "csa_garden",
        "Jardin de Cocagne (panier AMAP)",
        "Montreuil",
        None,
    )
    assert points["Dépôt de la boutique"]["properties"]["url"] == shop.page.url  # its shop's page
    assert "public" in response["Cache-Control"] and "max-age=300" in response["Cache-Control"]


def test_kind_labels_follow_the_language(client):
    factories.ShopFactory(name="Shop", organisation__kind=OrganisationKind.GROUP_BUYING)
    _, points = get_points(client, prefix="/en")
    assert points["Shop"]["properties"]["kind_label"] == "Group-buying association"
    assert points["Shop"]["properties"]["url"].startswith("/en/")


def test_inactive_and_unlocated_places_are_left_out(client):
    closed_org = factories.OrganisationFactory(name="Fermée")
    factories.ShopFactory(name="Visible")
    factories.ShopFactory(name="Inactive shop", active=False)
    factories.ShopFactory(name="Shop of a closed organisation", organisation=closed_org)
    factories.ShopFactory(name="Nowhere shop", latitude=None, longitude=None)
    factories.DepotFactory(name="Inactive depot", active=False)
    factories.DepotFactory(name="Nowhere depot", latitude=None, longitude=None)
    closed_org.active = False
    closed_org.save()
    _, points = get_points(client)
    assert set(points) == {"Visible"}


def test_an_unpublished_shop_page_is_not_linked(client):
    shop = factories.ShopFactory(name="Brouillon")
    shop.page.unpublish()
    _, points = get_points(client)
    assert points["Brouillon"]["properties"]["url"] is None


def test_only_get(client):
    assert client.post(reverse("map_points")).status_code == 405


@pytest.mark.parametrize("count", [3, 30])
def test_one_query_whatever_the_number_of_places(client, count):
    for n in range(count):
        factories.ShopFactory(name=f"Shop {n}")
        factories.DepotFactory(name=f"Depot {n}")
    client.get(reverse("map_points"))  # Wagtail keeps its site root paths in the cache
    with CaptureQueriesContext(connection) as queries:
        _, points = get_points(client)
    assert len(points) == 2 * count
    assert len(queries) == 1, [query["sql"] for query in queries]
