"""GET /api/v1/offers/autocomplete/?q=: product names and categories, accents and case ignored."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cms.models import CatalogPage, HomePage
from tests.factories import OfferFactory, ProductCategoryFactory

URL = "/api/v1/offers/autocomplete/"

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _forget_catalogue_url():
    """The menu's catalogue URL is remembered by the process; a rolled-back test must not leave it behind."""
    CatalogPage.forget_main_url()
    yield
    CatalogPage.forget_main_url()


@pytest.fixture
def catalogue_data():
    shelves = ProductCategoryFactory(name="Étagères murales")
    OfferFactory(product__name="Étagère en chêne", product__category=shelves)
    newest = OfferFactory(product__name="Étagère en chêne", product__category=shelves)
    OfferFactory(product__name="Étagère secrète", status="draft")
    OfferFactory(product__name="Vélo de ville")
    return shelves, newest


def test_suggests_categories_then_products_without_accents(client, catalogue_data):
    shelves, newest = catalogue_data
    response = client.get(URL, {"q": "ETAGERE"})
    assert response.status_code == 200
    assert response.json() == [
        {"label": "Étagères murales", "kind": "category", "url": f"/api/v1/offers/?category={shelves.pk}"},
        {"label": "Étagère en chêne", "kind": "product", "url": f"/offres/{newest.pk}/"},
    ]


def test_category_links_to_the_catalogue_page(client, catalogue_data):
    shelves, _ = catalogue_data
    page = CatalogPage(title="Catalogue", slug="catalogue")
    HomePage.objects.get().add_child(instance=page)
    suggestions = client.get(URL, {"q": "murales"}).json()
    assert suggestions == [
        {"label": "Étagères murales", "kind": "category", "url": f"{page.url}?category={shelves.pk}"}
    ]


def test_at_most_ten_suggestions_in_few_queries(client):
    for n in range(15):
        OfferFactory(product__name=f"Tabouret {n:02d}")
    with CaptureQueriesContext(connection) as queries:
        suggestions = client.get(URL, {"q": "tabouret"}).json()
    assert len(suggestions) == 10
    assert [s["label"] for s in suggestions] == [f"Tabouret {n:02d}" for n in range(10)]
    assert len(queries) <= 4


@pytest.mark.parametrize("q", ["", "e", " é ", None])
def test_short_text_gives_an_empty_list(client, catalogue_data, q):
    response = client.get(URL, {} if q is None else {"q": q})
    assert response.status_code == 200
    assert response.json() == []


@pytest.mark.parametrize("q", ["x" * 101, "a\x00b"])
def test_too_long_or_hostile_text_is_refused(client, q):
    response = client.get(URL, {"q": q})
    assert response.status_code == 400
    assert "q" in response.json()


@pytest.mark.parametrize("q", ["'; DROP TABLE x; --", "(((", "[a-", "\\", "%_%", "é" * 100])
def test_odd_text_never_fails(client, catalogue_data, q):
    assert client.get(URL, {"q": q}).status_code == 200


def test_non_utf8(client):
    assert client.get(URL + "?q=%C3%28%FF%FE").status_code == 200


def test_in_the_openapi_schema(client):
    schema = client.get("/api/v1/schema/", HTTP_ACCEPT="application/json").json()
    operation = schema["paths"]["/api/v1/offers/autocomplete/"]["get"]
    assert "q" in [parameter["name"] for parameter in operation["parameters"]]
    assert "400" in operation["responses"]
