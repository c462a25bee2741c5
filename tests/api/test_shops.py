from datetime import time
from decimal import Decimal

import pytest
from geopy.distance import great_circle

from shops.models import OpeningPeriod, Shop
from shops.services import shop_save
from tests.factories import DepotFactory, OrganisationFactory, ShopFactory

from .utils import translated

SHOPS = "/api/v1/shops/"
DEPOTS = "/api/v1/depots/"

PARIS = (48.8566, 2.3522)  # Hôtel de Ville
PLACES = {
    "Lyon": (45.7640, 4.8357),
    "Montreuil": (48.8638, 2.4485),
    "Opéra": (48.8686, 2.3314),
    "Marseille": (43.2965, 5.3698),
}

pytestmark = pytest.mark.django_db


def shop_at(name, point, organisation=None, **fields):
    latitude, longitude = (None, None) if point is None else (Decimal(str(point[0])), Decimal(str(point[1])))
    return ShopFactory(
        name=name,
        latitude=latitude,
        longitude=longitude,
        **({"organisation": organisation} if organisation else {}),
        **fields,
    )


# Shops


def test_shop_shows_coordinates_and_opening_hours(api, org_a):
    shop = ShopFactory(organisation=org_a, name="La Recyclerie")
    shop_save(shop=shop, opening_hours=[OpeningPeriod(weekday=2, opens=time(9), closes=time(12))])

    [data] = api.results(SHOPS)

    assert data["name"] == "La Recyclerie"
    assert data["organisation"] == "ressourcerie-a"
    assert data["organisation_kind"] == "reuse_shop"
    assert (data["latitude"], data["longitude"]) == (48.8686, 2.3314)
    assert data["opening_hours"] == [{"weekday": 2, "opens": "09:00:00", "closes": "12:00:00"}]
    assert data["distance_km"] is None


def test_public_sees_active_shops_of_active_organisations(api, org_a):
    open_shop = ShopFactory(organisation=org_a)
    closed = ShopFactory(organisation=org_a, active=False)
    ShopFactory(organisation=OrganisationFactory(active=False))

    assert api.ids(SHOPS) == [open_shop.pk]
    assert api.get(f"{SHOPS}{closed.pk}/").status_code == 404


def test_filter_shops_by_organisation_and_kind(api, org_a):
    mine = ShopFactory(organisation=org_a)
    garden = ShopFactory(organisation=OrganisationFactory(kind="csa_garden"))

    assert api.ids(SHOPS, {"organisation": org_a.slug}) == [mine.pk]
    assert api.ids(SHOPS, {"kind": "csa_garden"}) == [garden.pk]
    assert api.ids(SHOPS, {"kind": "reuse_shop", "organisation": org_a.slug}) == [mine.pk]
    assert api.get(SHOPS, {"kind": "bakery"}).status_code == 400


def test_near_orders_by_distance_and_gives_it(api):
    shops = {name: shop_at(name, point) for name, point in PLACES.items()}

    results = api.results(SHOPS, {"near": f"{PARIS[0]},{PARIS[1]}"})

    assert [item["name"] for item in results] == ["Opéra", "Montreuil", "Lyon", "Marseille"]
    for item in results:
        expected = great_circle(PARIS, PLACES[item["name"]]).km
        assert item["distance_km"] == pytest.approx(expected, abs=0.05)
        assert item["id"] == shops[item["name"]].pk
    distances = {item["name"]: item["distance_km"] for item in results}
    assert distances["Lyon"] == pytest.approx(391.5, abs=1)
    assert distances["Montreuil"] == pytest.approx(7.1, abs=0.2)
    assert distances["Opéra"] == pytest.approx(2.0, abs=0.1)


def test_near_puts_shops_without_coordinates_last(api):
    """PostgreSQL's LEAST ignores NULLs: a missing coordinate must not read as a distance of 0."""
    lyon = shop_at("Lyon", PLACES["Lyon"])
    nowhere = shop_at("Nowhere", None)
    half = shop_at("Half", None)
    Shop.objects.filter(pk=half.pk).update(latitude=Decimal("48.8566"))
    opera = shop_at("Opéra", PLACES["Opéra"])

    results = api.results(SHOPS, {"near": "48.8566,2.3522"})

    assert [item["id"] for item in results][:2] == [opera.pk, lyon.pk]
    assert {item["id"] for item in results[2:]} == {nowhere.pk, half.pk}
    assert [item["distance_km"] for item in results[2:]] == [None, None]


def test_near_the_same_point_and_the_antipodes(api):
    """Rounding may push the cosine past ±1, where ACOS is undefined: no error, 0 km and half the globe."""
    shop_at("Opéra", PLACES["Opéra"])

    [here] = api.results(SHOPS, {"near": "48.8686,2.3314"})
    [antipode] = api.results(SHOPS, {"near": "-48.8686,-177.6686"})

    assert here["distance_km"] == pytest.approx(0, abs=0.01)
    assert antipode["distance_km"] == pytest.approx(20015.1, abs=1)


def test_near_combines_with_filters_and_pagination(api, org_a):
    for name in ("Lyon", "Marseille", "Opéra"):
        shop_at(name, PLACES[name], organisation=org_a)
    shop_at("Montreuil", PLACES["Montreuil"])

    first = api.get(SHOPS, {"near": "48.8566,2.3522", "organisation": org_a.slug, "page_size": 2}).json()
    second = api.get(SHOPS, {"near": "48.8566,2.3522", "organisation": org_a.slug, "page_size": 2, "page": 2}).json()

    assert first["count"] == 3
    assert [item["name"] for item in first["results"] + second["results"]] == ["Opéra", "Lyon", "Marseille"]


@pytest.mark.parametrize(
    "near, message",
    [
        ("abc", "Give a position as latitude,longitude, e.g. 48.8566,2.3522."),
        ("48.8566", "Give a position as latitude,longitude, e.g. 48.8566,2.3522."),
        ("48,8566,2,3522", "Give a position as latitude,longitude, e.g. 48.8566,2.3522."),
        ("1,2,3", "Give a position as latitude,longitude, e.g. 48.8566,2.3522."),
        ("nan,nan", "Give a position as latitude,longitude, e.g. 48.8566,2.3522."),
        ("inf,2", "Give a position as latitude,longitude, e.g. 48.8566,2.3522."),
        (",", "Give a position as latitude,longitude, e.g. 48.8566,2.3522."),
        ("91,2", "Latitude must be between -90 and 90, longitude between -180 and 180."),
        ("48,-180.5", "Latitude must be between -90 and 90, longitude between -180 and 180."),
        ("1e5,1", "Latitude must be between -90 and 90, longitude between -180 and 180."),
    ],
)
def test_bad_near_is_a_400_that_says_why(api, near, message):
    ShopFactory()

    response = api.get(SHOPS, {"near": near})

    assert response.status_code == 400
    assert response.json() == {"near": [translated(message)]}


def test_empty_near_is_ignored(api):
    shop = ShopFactory()

    assert api.ids(SHOPS, {"near": ""}) == [shop.pk]


# Depots


def test_public_sees_active_depots_of_active_organisations(api, org_a):
    depot = DepotFactory(organisation=org_a, name="Dépôt de la gare", delivery_fee=Decimal("1.50"))
    restricted = DepotFactory(organisation=org_a, name="Dépôt privé", restricted=True)
    hidden = DepotFactory(organisation=org_a, active=False)
    DepotFactory(organisation=OrganisationFactory(active=False))

    results = api.results(DEPOTS)

    assert [item["id"] for item in results] == [depot.pk, restricted.pk]
    assert results[0]["delivery_fee"] == "1.50"
    assert results[0]["organisation"] == org_a.slug
    assert (results[0]["latitude"], results[0]["longitude"]) == (48.8614, 2.4416)
    assert results[1]["restricted"] is True
    assert "access_code_hash" not in results[1]
    assert api.get(f"{DEPOTS}{hidden.pk}/").status_code == 404


def test_filter_depots_by_organisation(api, org_a, org_b):
    mine = DepotFactory(organisation=org_a)
    DepotFactory(organisation=org_b)

    assert api.ids(DEPOTS, {"organisation": org_a.slug}) == [mine.pk]


def test_shops_and_depots_are_read_only_even_for_their_staff(api_as, staff_a, org_a):
    depot = DepotFactory(organisation=org_a)
    shop = ShopFactory(organisation=org_a)
    client = api_as(staff_a)

    assert client.post(DEPOTS, {"name": "Nouveau"}).status_code == 405
    assert client.delete(f"{DEPOTS}{depot.pk}/").status_code == 405
    assert client.patch(f"{SHOPS}{shop.pk}/", {"name": "x"}).status_code == 405
