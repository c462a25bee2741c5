from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from offers.models import Offer
from offers.pricing import price_excl_tax_from_incl
from tests.factories import (
    OfferFactory,
    OrganisationFactory,
    ProducerFactory,
    ProductCategoryFactory,
    ProductFactory,
    ShopFactory,
)

from .utils import translated

URL = "/api/v1/offers/"

pytestmark = pytest.mark.django_db


def offer(organisation, **product_fields):
    """A published offer of ``organisation`` whose product has ``product_fields``."""
    offer_fields = {
        key: product_fields.pop(key)
        for key in list(product_fields)
        if key
        in {
            "price_excl_tax",
            "vat_rate",
            "shop",
            "status",
            "stock_on_hand",
            "unlimited_stock",
            "available_from",
            "available_until",
        }
    }
    if "shop" not in offer_fields:
        offer_fields["shop"] = ShopFactory(organisation=organisation)
    product = ProductFactory(organisation=organisation, **product_fields)
    return OfferFactory(organisation=organisation, product=product, **offer_fields)


# Representation


def test_offer_shows_prices_stock_and_shop_with_coordinates(api, org_a):
    producer = ProducerFactory(organisation=org_a, name="Ferme du Bois")
    shop = ShopFactory(organisation=org_a, latitude=Decimal("45.764000"), longitude=Decimal("4.835700"))
    item = offer(org_a, name="Chaise", producer=producer, shop=shop, price_excl_tax=Decimal("8.3250"))

    [data] = api.results(URL)

    assert data["id"] == item.pk
    assert data["organisation"] == "ressourcerie-a"
    assert data["organisation_kind"] == "reuse_shop"
    # 8.3250 is shown half-up to the cent, like every amount of offers.pricing (not banker's rounding).
    assert data["price_excl_tax"] == "8.33"
    assert data["vat_rate"] == "20.00"
    assert data["price_incl_tax"] == "9.99"
    assert data["stock_available"] == 5
    assert data["unlimited_stock"] is False
    assert data["shop"] == {
        "id": shop.pk,
        "name": shop.name,
        "slug": shop.slug,
        "address": shop.address,
        "postcode": shop.postcode,
        "city": shop.city,
        "latitude": 45.764,
        "longitude": 4.8357,
    }
    assert data["product"]["name"] == "Chaise"
    assert data["product"]["producer"] == "Ferme du Bois"
    assert data["product"]["category"]["path"] == item.product.category.path


def test_stock_available_subtracts_allocations_and_is_null_when_unlimited(api, org_a):
    limited = offer(org_a, stock_on_hand=5)
    Offer.objects.filter(pk=limited.pk).update(stock_allocated=2)
    unlimited = offer(org_a, unlimited_stock=True)

    by_id = {item["id"]: item for item in api.results(URL)}

    assert by_id[limited.pk]["stock_available"] == 3
    assert by_id[unlimited.pk]["stock_available"] is None


def test_offer_without_shop(api, org_a):
    product = ProductFactory(organisation=org_a)
    item = OfferFactory(organisation=org_a, product=product, shop=None)

    assert api.get(f"{URL}{item.pk}/").json()["shop"] is None


# Visibility


def test_public_sees_only_published_offers_of_active_organisations_and_shops(api, org_a):
    published = offer(org_a)
    offer(org_a, status="draft")
    offer(org_a, status="archived")
    offer(OrganisationFactory(active=False))
    closed_shop = ShopFactory(organisation=org_a, active=False)
    offer(org_a, shop=closed_shop)

    assert api.ids(URL) == [published.pk]


def test_staff_also_see_their_own_drafts_never_another_organisations(api_as, org_a, org_b, staff_a):
    public_a, public_b = offer(org_a), offer(org_b)
    draft_a, draft_b = offer(org_a, status="draft"), offer(org_b, status="draft")
    client = api_as(staff_a)

    assert set(client.ids(URL)) == {public_a.pk, public_b.pk, draft_a.pk}
    assert client.get(f"{URL}{draft_a.pk}/").status_code == 200
    assert client.get(f"{URL}{draft_b.pk}/").status_code == 404
    assert client.get(f"{URL}{public_b.pk}/").status_code == 200
    # Filters cannot widen what is visible.
    assert client.ids(URL, {"organisation": org_b.slug}) == [public_b.pk]


def test_staff_see_their_drafts_even_from_an_inactive_shop(api_as, org_a, staff_a):
    draft = offer(org_a, status="draft", shop=ShopFactory(organisation=org_a, active=False))

    assert api_as(staff_a).ids(URL) == [draft.pk]


def test_public_gets_404_on_drafts(api, org_a):
    draft = offer(org_a, status="draft")

    assert api.get(f"{URL}{draft.pk}/").status_code == 404


def test_customers_see_what_the_public_sees(api_as, org_a, customer):
    published = offer(org_a)
    offer(org_a, status="draft")

    assert api_as(customer).ids(URL) == [published.pk]


def test_animators_and_platform_admins_see_every_offer(api_as, org_a, org_b, animator, admin_user):
    offers = {offer(org_a).pk, offer(org_a, status="draft").pk, offer(org_b, status="draft").pk}

    assert set(api_as(animator).ids(URL)) == offers
    assert set(api_as(admin_user).ids(URL)) == offers


def test_newest_offers_first(api, org_a):
    first, second = offer(org_a), offer(org_a)
    Offer.objects.filter(pk=first.pk).update(created_at=timezone.now() - timedelta(days=1))

    assert api.ids(URL) == [second.pk, first.pk]


# Filters


def test_filter_by_organisation(api, org_a, org_b):
    mine = offer(org_a)
    offer(org_b)

    assert api.ids(URL, {"organisation": "ressourcerie-a"}) == [mine.pk]
    assert api.ids(URL, {"organisation": "unknown"}) == []


def test_filter_by_shop(api, org_a):
    shop = ShopFactory(organisation=org_a)
    here = offer(org_a, shop=shop)
    offer(org_a)

    assert api.ids(URL, {"shop": shop.pk}) == [here.pk]
    assert api.ids(URL, {"shop": 999999}) == []


def test_filter_by_category_includes_subcategories(api, org_a):
    furniture = ProductCategoryFactory(name="API Mobilier")
    chairs = ProductCategoryFactory(name="API Chaises", parent=furniture)
    armchairs = ProductCategoryFactory(name="API Fauteuils", parent=chairs)
    books = ProductCategoryFactory(name="API Livres")
    in_furniture = offer(org_a, category=furniture)
    in_chairs = offer(org_a, category=chairs)
    in_armchairs = offer(org_a, category=armchairs)
    offer(org_a, category=books)

    assert set(api.ids(URL, {"category": furniture.pk})) == {in_furniture.pk, in_chairs.pk, in_armchairs.pk}
    assert set(api.ids(URL, {"category": chairs.pk})) == {in_chairs.pk, in_armchairs.pk}
    assert api.ids(URL, {"category": armchairs.pk}) == [in_armchairs.pk]
    assert api.ids(URL, {"category": 999999}) == []


def test_category_ids_sharing_a_textual_prefix_do_not_mix(api, org_a):
    """Paths are "4242/" and "42420/": the trailing slash keeps 4242's subtree from taking 42420."""
    first = ProductCategoryFactory(id=4242, name="Rayon 4242")
    lookalike = ProductCategoryFactory(id=42420, name="Rayon 42420")
    mine = offer(org_a, category=first)
    offer(org_a, category=lookalike)

    assert api.ids(URL, {"category": first.pk}) == [mine.pk]


def test_filter_by_condition(api, org_a):
    good = offer(org_a, condition="good")
    offer(org_a, condition="fair")

    assert api.ids(URL, {"condition": "good"}) == [good.pk]
    assert api.get(URL, {"condition": "mint"}).status_code == 400


def test_filter_by_price_including_tax(api, org_a):
    cheap = offer(org_a, price_excl_tax=Decimal("10.0000"))  # 12.00 incl. tax
    dear = offer(org_a, price_excl_tax=Decimal("50.0000"))  # 60.00 incl. tax

    assert api.ids(URL, {"min_price": "12"}) == [dear.pk, cheap.pk]
    assert api.ids(URL, {"min_price": "12.01"}) == [dear.pk]
    assert api.ids(URL, {"max_price": "12.00"}) == [cheap.pk]
    assert api.ids(URL, {"max_price": "11.99"}) == []
    assert api.ids(URL, {"min_price": "13", "max_price": "60"}) == [dear.pk]


def test_price_filter_compares_the_price_as_shown(api, org_a):
    """9.99 incl. tax at 5.5 % is stored as 9.4692 excl. tax, i.e. 9.990006: it is still a 9.99 offer."""
    price_excl_tax = price_excl_tax_from_incl(price_incl_tax=Decimal("9.99"), vat_rate=Decimal("5.5"))
    item = offer(org_a, price_excl_tax=price_excl_tax, vat_rate=Decimal("5.5"))
    assert price_excl_tax * Decimal("1.055") > Decimal("9.99")

    assert api.get(f"{URL}{item.pk}/").json()["price_incl_tax"] == "9.99"
    assert api.ids(URL, {"max_price": "9.99"}) == [item.pk]
    assert api.ids(URL, {"min_price": "9.99"}) == [item.pk]
    assert api.ids(URL, {"min_price": "10"}) == []


def test_price_filter_rounds_ties_half_up_like_the_display(api, org_a):
    item = offer(org_a, price_excl_tax=Decimal("1.2375"))  # 1.485 incl. tax → 1.49

    assert api.get(f"{URL}{item.pk}/").json()["price_incl_tax"] == "1.49"
    assert api.ids(URL, {"min_price": "1.49"}) == [item.pk]
    assert api.ids(URL, {"max_price": "1.48"}) == []


@pytest.mark.parametrize("value", ["-1", "abc", "1e400", "12.345", "99999999999999", "NaN", "Infinity"])
def test_absurd_prices_are_refused(api, org_a, value):
    offer(org_a)

    response = api.get(URL, {"max_price": value})

    assert response.status_code == 400
    assert "max_price" in response.json()


def test_filter_by_size_and_colour_ignores_case(api, org_a):
    red_m = offer(org_a, size="M", colour="Rouge")
    offer(org_a, size="L", colour="Rouge")
    offer(org_a, size="M", colour="Bleu")

    assert api.ids(URL, {"size": "m", "colour": "ROUGE"}) == [red_m.pk]


def test_filter_available_now(api, org_a):
    now = timezone.now()
    on_sale = offer(org_a)
    unlimited = offer(org_a, unlimited_stock=True, stock_on_hand=0)
    not_yet = offer(org_a, available_from=now + timedelta(days=1))
    over = offer(org_a, available_until=now - timedelta(days=1))
    out_of_stock = offer(org_a, stock_on_hand=0)
    all_allocated = offer(org_a, stock_on_hand=2)
    Offer.objects.filter(pk=all_allocated.pk).update(stock_allocated=2)
    in_period = offer(org_a, available_from=now - timedelta(days=1), available_until=now + timedelta(days=1))

    assert set(api.ids(URL, {"available_now": "true"})) == {on_sale.pk, unlimited.pk, in_period.pk}
    assert set(api.ids(URL, {"available_now": "false"})) == {
        not_yet.pk,
        over.pk,
        out_of_stock.pk,
        all_allocated.pk,
    }
    assert len(api.ids(URL)) == 7


def test_text_search_in_name_description_brand_and_category(api, org_a):
    lamps = ProductCategoryFactory(name="API Luminaires")
    by_name = offer(org_a, name="Chaise en bois")
    by_description = offer(org_a, name="Objet", description="Une jolie chaise paillée")
    by_brand = offer(org_a, name="Fauteuil", brand="Chaiseland")
    by_category = offer(org_a, name="Objet", category=lamps)
    offer(org_a, name="Table")

    assert set(api.ids(URL, {"q": "CHAISE"})) == {by_name.pk, by_description.pk, by_brand.pk}
    assert api.ids(URL, {"q": "luminaire"}) == [by_category.pk]


def test_text_search_needs_every_word(api, org_a):
    wooden_chair = offer(org_a, name="Chaise en bois")
    offer(org_a, name="Chaise en métal")
    offer(org_a, name="Table en bois")

    assert api.ids(URL, {"q": "  bois   chaise "}) == [wooden_chair.pk]


@pytest.mark.parametrize(
    "name, query",
    [
        ("Café en grains", "cafe"),
        ("Cafe en grains", "café"),
        ("CAFÉ EN GRAINS", "café"),
        ("Crème brûlée", "CREME BRULEE"),
        ("Œuvre d'art", "oeuvre"),
        ("Oeuvre d'art", "œuvre"),
        ("Bûche de Noël", "noel"),
        ("Garçon", "garcon"),
        ("Ex-æquo", "aequo"),
    ],
)
def test_text_search_ignores_accents(api, org_a, name, query):
    item = offer(org_a, name=name)
    offer(org_a, name="Autre chose")

    assert api.ids(URL, {"q": query}) == [item.pk]


@pytest.mark.parametrize("query", ["7q%", "a_b", "(x", "c.t", "a|b", "{zz}", "x*"])
def test_text_search_takes_words_between_special_characters(api, org_a, query):
    item = offer(org_a, name="Remise 7q% sur a_b (x [ \\ * c.t ^$ a|b {zz} ' \"")
    offer(org_a, name="Rien", description="cat 5 abc")

    assert api.ids(URL, {"q": query}) == [item.pk]


@pytest.mark.parametrize("query", ["[", "\\", "*", "^$", "'", '"', "%_", "--"])
def test_a_search_without_words_filters_nothing(api, org_a, query):
    items = [offer(org_a, name="Remise 50%"), offer(org_a, name="Rien")]

    assert sorted(api.ids(URL, {"q": query})) == sorted(item.pk for item in items)


def test_too_long_a_search_is_refused(api, org_a):
    offer(org_a)

    response = api.get(URL, {"q": "a" * 201})

    assert response.status_code == 400
    assert "q" in response.json()
    assert api.get(URL, {"q": "a" * 200}).status_code == 200


def test_filters_combine(api, org_a, org_b):
    shoes = ProductCategoryFactory(name="API Chaussures")
    wanted = offer(org_a, name="Basket", category=shoes, size="42", price_excl_tax=Decimal("20"))
    offer(org_b, name="Basket", category=shoes, size="42", price_excl_tax=Decimal("20"))
    offer(org_a, name="Basket", category=shoes, size="43", price_excl_tax=Decimal("20"))
    offer(org_a, name="Basket", category=shoes, size="42", price_excl_tax=Decimal("200"))

    params = {"organisation": org_a.slug, "category": shoes.pk, "size": "42", "max_price": "30", "q": "basket"}
    assert api.ids(URL, params) == [wanted.pk]


# Pagination


def test_pagination(api, org_a):
    offers = [offer(org_a) for _ in range(5)]
    newest_first = [item.pk for item in reversed(offers)]

    first = api.get(URL, {"page_size": 2}).json()
    assert first["count"] == 5
    assert [item["id"] for item in first["results"]] == newest_first[:2]
    assert first["previous"] is None
    assert "page=2" in first["next"]

    last = api.get(URL, {"page_size": 2, "page": "last"}).json()
    assert [item["id"] for item in last["results"]] == newest_first[4:]
    assert last["next"] is None


def test_a_page_past_the_end_is_empty(api, org_a):
    for _ in range(3):
        offer(org_a)

    data = api.get(URL, {"page_size": 2, "page": 99}).json()

    assert data["count"] == 3
    assert data["results"] == []
    assert data["next"] is None
    assert "page=2" in data["previous"]


@pytest.mark.parametrize("page", ["0", "-1", "abc", "1.5", "1e3", "9" * 40])
def test_a_malformed_page_is_a_400(api, org_a, page):
    response = api.get(URL, {"page": page})

    assert response.status_code == 400
    assert response.json() == {"page": [translated("Give a page number from 1 (or “last”).")]}


def test_page_size_is_capped(api, org_a):
    product = ProductFactory(organisation=org_a)
    shop = ShopFactory(organisation=org_a)
    OfferFactory.create_batch(205, organisation=org_a, product=product, shop=shop)

    assert len(api.results(URL, {"page_size": 1000})) == 200
    assert len(api.results(URL)) == 50
