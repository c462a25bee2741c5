"""The catalogue page: facets, counts, sorting, pagination, search, hostile input and a constant number of queries."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.images import get_image_model
from wagtail.images.tests.utils import get_test_image_file

from cms.models import CatalogPage, HomePage
from offers.models import ProductImage
from shops.choices import OrganisationKind
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _forget_catalogue_url():
    """The menu's catalogue URL is remembered by the process; a rolled-back test must not leave it behind."""
    CatalogPage.forget_main_url()
    yield
    CatalogPage.forget_main_url()


def catalogue(parent=None):
    parent = parent or HomePage.objects.get()
    page = CatalogPage(title="Catalogue", slug="catalogue")
    parent.add_child(instance=page)
    return page


def names(response):
    return [offer.product.name for offer in response.context["offers"]]


@pytest.fixture
def shelves():
    """Furniture > Shelves (2 offers), Furniture > Tables (1), Bikes (1), in two organisations."""
    furniture = factories.ProductCategoryFactory(name="Meubles")
    shelves = factories.ProductCategoryFactory(name="Étagères", parent=furniture)
    tables = factories.ProductCategoryFactory(name="Tables", parent=furniture)
    bikes = factories.ProductCategoryFactory(name="Vélos")
    reuse = factories.OrganisationFactory(name="Ressourcerie", kind=OrganisationKind.REUSE_SHOP)
    network = factories.OrganisationFactory(name="Réseau", kind=OrganisationKind.SHOP_NETWORK)
    montreuil = factories.ShopFactory(
        organisation=reuse, city="Montreuil", postcode="93100", latitude=Decimal("48.8614"), longitude=Decimal("2.4416")
    )
    lyon = factories.ShopFactory(
        organisation=network, city="Lyon", postcode="69001", latitude=Decimal("45.7640"), longitude=Decimal("4.8357")
    )

    def offer(name, category, shop, price, **product):
        return factories.OfferFactory(
            organisation=shop.organisation,
            shop=shop,
            product__name=name,
            product__category=category,
            price_excl_tax=Decimal(price),
            **{f"product__{key}": value for key, value in product.items()},
        )

    offers = {
        "etagere": offer(
            "Étagère en chêne", shelves, montreuil, "50", condition="good", material="Chêne", colour="Brun"
        ),
        "bibli": offer("Bibliothèque", shelves, lyon, "100", condition="very_good", material="Pin", colour="Blanc"),
        "table": offer("Table basse", tables, montreuil, "20", condition="fair", material="Pin", colour="Brun"),
        "velo": offer("Vélo de ville", bikes, lyon, "150", condition="good", size="M", colour="Rouge"),
    }
    return {"furniture": furniture, "shelves": shelves, "tables": tables, "bikes": bikes, "montreuil": montreuil,
            "lyon": lyon, **offers}  # fmt: skip


def test_unfiltered_lists_published_offers_newest_first(client, shelves):
    factories.OfferFactory(product__name="Brouillon", status="draft")
    response = client.get(catalogue().url)
    assert response.status_code == 200
    assert names(response) == ["Vélo de ville", "Table basse", "Bibliothèque", "Étagère en chêne"]
    content = response.content.decode()
    assert f'href="/offres/{shelves["velo"].pk}/"' in content
    assert "Lyon" in content and "180,00 €" in content


@pytest.mark.parametrize(
    "params, expected",
    [
        ({"condition": "good"}, {"Étagère en chêne", "Vélo de ville"}),
        ({"min_price": "30", "max_price": "130"}, {"Étagère en chêne", "Bibliothèque"}),
        ({"size": "m"}, {"Vélo de ville"}),
        ({"colour": "brun"}, {"Étagère en chêne", "Table basse"}),
        ({"material": "pin"}, {"Bibliothèque", "Table basse"}),
        ({"organisation_kind": "shop_network"}, {"Bibliothèque", "Vélo de ville"}),
        ({"q": "etagere"}, {"Étagère en chêne", "Bibliothèque"}),  # the category name matches too
        ({"q": "CHENE"}, {"Étagère en chêne"}),
        ({"ou": "Montreuil", "radius": "20"}, {"Étagère en chêne", "Table basse"}),
    ],
)
def test_each_facet_narrows_the_results(client, shelves, params, expected):
    response = client.get(catalogue().url, params)
    assert response.status_code == 200
    assert not response.context["form"].errors
    assert set(names(response)) == expected


def test_category_and_shop_facets(client, shelves):
    page = catalogue()
    assert set(names(client.get(page.url, {"category": shelves["furniture"].pk}))) == {
        "Étagère en chêne", "Bibliothèque", "Table basse",
    }  # fmt: skip
    assert names(client.get(page.url, {"category": shelves["tables"].pk})) == ["Table basse"]
    assert set(names(client.get(page.url, {"shop": shelves["lyon"].pk}))) == {"Bibliothèque", "Vélo de ville"}


def test_available_now(client, shelves):
    shelves["velo"].available_from = timezone.now() + timedelta(days=3)
    shelves["velo"].save()
    page = catalogue()
    assert "Vélo de ville" in names(client.get(page.url))
    assert "Vélo de ville" not in names(client.get(page.url, {"available_now": "true"}))


def test_category_counts_of_the_current_results(client, shelves):
    response = client.get(catalogue().url, {"colour": "brun", "category": shelves["tables"].pk})
    tree = {node.category.name: (node.count, {c.category.name: c.count for c in node.children})
            for node in response.context["category_tree"]}  # fmt: skip
    # Counts ignore the chosen category (they show what choosing another gives) but follow the other facets.
    assert tree == {"Meubles": (2, {"Étagères": 1, "Tables": 1})}
    assert names(response) == ["Table basse"]
    all_tree = {n.category.name: n.count for n in client.get(catalogue_url()).context["category_tree"]}
    assert all_tree == {"Meubles": 3, "Vélos": 1}


def catalogue_url():
    return CatalogPage.objects.get().url


def test_counts_and_facets_take_one_aggregate_query(shelves):
    from offers.selectors import catalogue_facets, offer_list_public

    with CaptureQueriesContext(connection) as queries:
        facets = catalogue_facets(offer_list_public())
    assert len(queries) == 3  # the aggregate, then the names of the categories and of the shops found
    assert "COUNT(" in queries[0]["sql"].upper() and "GROUP BY" in queries[0]["sql"].upper()
    assert facets.total == 4
    assert [(node.category.name, node.count) for node in facets.category_tree] == [("Meubles", 3), ("Vélos", 1)]
    assert sum(n for *_shop, n in facets.shops) == 4
    # A chosen category and shop narrow the total and each other's facet, never their own.
    lyon = shelves["lyon"].pk
    facets = catalogue_facets(offer_list_public(), category_path=shelves["furniture"].path, shop_id=lyon)
    assert facets.total == 1
    assert [(node.category.name, node.count) for node in facets.category_tree] == [("Meubles", 1), ("Vélos", 1)]
    assert {shop: n for shop, _name, _city, n in facets.shops}[lyon] == 1
    assert sum(n for *_shop, n in facets.shops) == 3


@pytest.mark.parametrize(
    "sort, expected",
    [
        ("price", ["Table basse", "Étagère en chêne", "Bibliothèque", "Vélo de ville"]),
        ("-price", ["Vélo de ville", "Bibliothèque", "Étagère en chêne", "Table basse"]),
        ("newest", ["Vélo de ville", "Table basse", "Bibliothèque", "Étagère en chêne"]),
    ],
)
def test_sorting(client, shelves, sort, expected):
    assert names(client.get(catalogue().url, {"sort": sort})) == expected


def test_sorting_by_distance_from_a_place(client, shelves):
    response = client.get(catalogue().url, {"ou": "69001", "sort": "distance"})
    assert names(response)[:2] == ["Vélo de ville", "Bibliothèque"]
    assert "km" in response.content.decode()


def test_pagination_and_url_state(client):
    shop = factories.ShopFactory()
    for n in range(30):
        factories.OfferFactory(organisation=shop.organisation, shop=shop, product__name=f"Chaise {n}",
                               product__colour="Vert")  # fmt: skip
    page = catalogue()
    first = client.get(page.url, {"colour": "vert", "q": "chaise"})
    assert len(first.context["offers"]) == 24
    content = first.content.decode()
    assert "colour=vert&amp;q=chaise&amp;page=2" in content
    second = client.get(page.url, {"colour": "vert", "q": "chaise", "page": "2"})
    assert len(second.context["offers"]) == 6
    # The form shows the state of the URL
    assert 'name="colour" maxlength="50" value="vert"' in second.content.decode()
    for bad in ("999", "-1", "abc", "9" * 50):
        response = client.get(page.url, {"page": bad})
        assert response.status_code == 200
        assert response.context["page_obj"].number in (1, 2)
    assert "Cette page n’existe pas" in client.get(page.url, {"page": "999"}).content.decode()


@pytest.mark.parametrize(
    "params",
    [
        {"min_price": "500", "max_price": "5"},
        {"min_price": "1e400"},
        {"max_price": "-3"},
        {"category": "999999"},
        {"category": "99999999999999999999999"},
        {"q": "x" * 5000},
        {"q": "'; DROP TABLE offers_offer; --"},
        {"q": "a\x00b"},
        {"q": "(((["},
        {"ou": "Nulle-Part-Sur-Terre"},
        {"ou": "y" * 500},
        {"radius": "1e9"},
        {"sort": "pk; DELETE"},
        {"condition": "<script>"},
        {"available_now": "maybe"},
        {"shop": "abc"},
    ],
)
def test_hostile_parameters_give_a_friendly_page(client, shelves, params):
    response = client.get(catalogue().url, params)
    assert response.status_code == 200
    assert "<script>" not in response.content.decode().split('<main id="main">')[1]


def test_invalid_filters_are_explained_and_the_others_still_apply(client, shelves):
    page = catalogue()
    response = client.get(page.url, {"min_price": "500", "max_price": "5", "colour": "rouge"})
    assert names(response) == ["Vélo de ville"]
    assert "Le prix maximum est inférieur au prix minimum." in response.content.decode()
    response = client.get(page.url, {"category": "999999"})
    assert len(names(response)) == 4
    assert "Cette catégorie n’existe pas" in response.content.decode()


def test_non_utf8_query_string(client, shelves):
    response = client.get(catalogue().url + "?q=%C3%28%FF&ou=%E9tag%E8re")
    assert response.status_code == 200


def test_partial_renders_only_the_results(client, shelves):
    page = catalogue()
    response = client.get(page.url, {"q": "velo", "partial": "1"})
    content = response.content.decode()
    assert "Vélo de ville" in content and "<html" not in content and "Bibliothèque" not in content
    response = client.get(page.url, {"q": "velo"}, headers={"X-Requested-With": "XMLHttpRequest"})
    assert "<html" not in response.content.decode()


def test_a_shop_catalogue_lists_only_that_shop(client, shelves):
    page = catalogue(parent=shelves["lyon"].page)
    response = client.get(page.url)
    assert set(names(response)) == {"Bibliothèque", "Vélo de ville"}
    assert response.context["shop_facets"] == []


def test_nav_links_to_the_catalogue(client, shelves):
    page = catalogue()
    assert f'href="{page.url}">Catalogue</a>' in client.get("/").content.decode()


def make_offers(count, shop, category):
    image = get_image_model().objects.create(title="Photo", file=get_test_image_file())
    for n in range(count):
        offer = factories.OfferFactory(
            organisation=shop.organisation, shop=shop, product__name=f"Étagère {n}", product__category=category,
            product__colour="Bleu",
        )  # fmt: skip
        ProductImage.objects.create(product=offer.product, image=image)


def count_queries(client, url, params):
    client.get(url, params)  # the first visit creates the renditions
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(queries), response


def test_query_count_is_constant(client):
    parent = factories.ProductCategoryFactory(name="Meubles")
    category = factories.ProductCategoryFactory(name="Étagères", parent=parent)
    page = catalogue()
    params = {"q": "etagere", "colour": "bleu", "category": parent.pk, "sort": "price", "ou": "Paris",
              "radius": "50"}  # fmt: skip
    make_offers(10, factories.ShopFactory(), category)
    few, response = count_queries(client, page.url, params)
    assert len(response.context["offers"]) == 10
    make_offers(90, factories.ShopFactory(), category)
    many, response = count_queries(client, page.url, params)
    assert len(response.context["offers"]) == 24
    assert response.content.decode().count('class="offer-photo"') == 24
    print(f"catalogue page queries: 10 offers → {few}, 100 offers → {many}")
    assert few == many
    assert many <= 15


def test_nav_link_follows_publishing(client, shelves):
    page = catalogue()
    assert f'href="{page.url}"' in client.get("/").content.decode()
    page.unpublish()
    assert f'href="{page.url}"' not in client.get("/").content.decode()
    page.save_revision().publish()
    assert f'href="{page.url}"' in client.get("/").content.decode()


def test_pages_sorted_by_distance_follow_each_other(client):
    """The page's rows are read after sorting the ids (OfferIdsPaginator): pages tile the whole order."""
    organisation = factories.OrganisationFactory()
    # Five shops going east from Montreuil, 8 km apart, 10 offers each: 50 offers over 3 pages of 24.
    for step in range(5):
        shop = factories.ShopFactory(
            organisation=organisation,
            name=f"Boutique {step}",
            latitude=Decimal("48.861400"),
            longitude=Decimal("2.441600") + Decimal(step) / 10,
        )
        for n in range(10):
            factories.OfferFactory(organisation=organisation, shop=shop, product__name=f"Objet {step}-{n}")
    params = {"ou": "93100", "sort": "distance"}
    url = catalogue().url
    seen = []
    for number in (1, 2, 3):
        response = client.get(url, {**params, "page": number})
        seen += [(offer.shop.name, offer.distance_km, offer.pk) for offer in response.context["offers"]]
    assert len(seen) == 50 and len({pk for *_, pk in seen}) == 50
    assert [name for name, *_ in seen] == [f"Boutique {step}" for step in range(5) for _n in range(10)]
    distances = [distance for _name, distance, _pk in seen]
    assert distances == sorted(distances)
    for step in range(5):  # newest first within a shop
        pks = [pk for name, _d, pk in seen if name == f"Boutique {step}"]
        assert pks == sorted(pks, reverse=True)
