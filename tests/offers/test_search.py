"""Full-text search through Wagtail's search backend (FTS5 on SQLite, tsvector on PostgreSQL)."""

import pytest
from django.db import connection

from offers.models import Offer, Product
from offers.search import fold, matching_offer_ids, offer_search, offers_reindex, search_words
from offers.services import product_category_save, product_save
from tests.factories import OfferFactory, ProductCategoryFactory

pytestmark = pytest.mark.django_db


def found(text):
    return sorted(offer_search(Offer.objects.all(), text=text).values_list("product__name", flat=True))


@pytest.fixture
def catalogue():
    furniture = ProductCategoryFactory(name="Meubles")
    shoes = ProductCategoryFactory(name="Chaussures")
    OfferFactory(product__name="Étagère en chêne", product__category=furniture)
    OfferFactory(product__name="Buffet Henri II", product__category=furniture, product__description="Bois massif")
    OfferFactory(
        product__name="Basket Aster",
        product__category=shoes,
        product__brand="Œuvre Légère",
        product__model_code="AST-38",
    )
    return furniture, shoes


def test_the_backend_is_the_databases_full_text_search():
    from wagtail.search.backends import get_search_backend

    expected = {"sqlite": "SQLiteSearchBackend", "postgresql": "PostgresSearchBackend"}[connection.vendor]
    assert type(get_search_backend()).__name__ == expected


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("etagere", ["Étagère en chêne"]),
        ("ÉTAGÈRE", ["Étagère en chêne"]),
        ("chene etag", ["Étagère en chêne"]),  # every word, the last one as typed so far
        ("eta", ["Étagère en chêne"]),
        ("meubles", ["Buffet Henri II", "Étagère en chêne"]),  # the category's name
        ("massif", ["Buffet Henri II"]),  # the description
        ("oeuvre legere", ["Basket Aster"]),  # the brand, ligature spelt out
        ("ast 38", ["Basket Aster"]),  # the model code
        ("etagere buffet", []),
        ("armoire", []),
    ],
)
def test_words_are_found_whatever_their_accents_and_case(catalogue, text, names):
    assert found(text) == names


def test_no_word_leaves_the_queryset_as_it_is(catalogue):
    assert matching_offer_ids(text="  ,;!  ") is None
    assert len(found("  -- ")) == 3


@pytest.mark.parametrize(
    "text",
    [
        "'; DROP TABLE offers_offer; --",
        '"unbalanced',
        "NEAR(a b) OR NOT AND *",
        "a" * 10_000,
        "x " * 5_000,
        "\x00\ufffd\u202e",
        "title:foo body:bar",
        "^chêne*",
        "%_\\",
    ],
)
def test_hostile_text_never_breaks_the_query(catalogue, text):
    assert isinstance(found(text), list)


def test_search_words_are_bounded():
    assert search_words("Œuvre d'ÉTÉ, n°5 " + "mot " * 50) == ["oeuvre", "d", "ete", "n", "5", *["mot"] * 5]
    assert len(search_words("a" * 500)[0]) == 50
    assert fold("Ça coûte") == "ca coute"


def test_renaming_a_product_or_its_category_updates_the_index(catalogue):
    furniture, _ = catalogue
    product = Product.objects.get(name="Buffet Henri II")
    product.name = "Vaisselier"
    product_save(product=product)
    assert found("vaisselier") == ["Vaisselier"]
    assert found("buffet") == []
    furniture.name = "Mobilier ancien"
    product_category_save(category=furniture)
    assert found("mobilier") == ["Vaisselier", "Étagère en chêne"]
    assert found("meubles") == []


def test_a_new_or_deleted_offer_is_indexed_at_once(catalogue):
    offer = OfferFactory(product__name="Lampe à pétrole")
    assert found("petrole") == ["Lampe à pétrole"]
    offer.delete()
    assert found("petrole") == []


def test_rows_written_in_bulk_are_indexed_by_offers_reindex(catalogue):
    source = Offer.objects.get(product__name="Basket Aster")
    copies = []
    for size in ("39", "40"):
        product = Product.objects.get(pk=source.product_id)
        product.pk = None
        product.name = f"Basket Aster {size}"
        product.save()
        copies.append(
            Offer(
                organisation=source.organisation,
                product=product,
                category=product.category,
                price_excl_tax=source.price_excl_tax,
            )
        )
    Offer.objects.bulk_create(copies)
    assert found("aster") == ["Basket Aster"]
    assert offers_reindex(Offer.objects.filter(product__name__startswith="Basket Aster ")) == 2
    assert found("aster") == ["Basket Aster", "Basket Aster 39", "Basket Aster 40"]
