"""Through a real browser: the catalogue updates as the visitor types, suggests names, and keeps facets in the URL."""

from decimal import Decimal

import pytest
from wagtail.images import get_image_model
from wagtail.images.tests.utils import get_test_image_file
from wagtail.models import Collection

from cms.models import CatalogPage, HomePage
from offers.models import ProductImage
from tests import factories

from .conftest import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def make_catalogue():
    # After a transactional test's flush, the serialized restore may lack Wagtail's root collection.
    if Collection.get_first_root_node() is None:
        Collection.add_root(name="Root")
    furniture = factories.ProductCategoryFactory(name="Meubles anciens")
    bikes = factories.ProductCategoryFactory(name="Cycles")
    shop = factories.ShopFactory(name="La Fabrique", city="Montreuil", postcode="93100")
    image = get_image_model().objects.create(title="Photo", file=get_test_image_file(colour="teal", size=(320, 240)))
    items = [
        ("Étagère en chêne", furniture, "good", "40"),
        ("Buffet de cuisine", furniture, "very_good", "120"),
        ("Chaise paillée", furniture, "fair", "15"),
        ("Vélo de ville", bikes, "good", "90"),
        ("Vélo enfant", bikes, "very_good", "35"),
    ]
    for name, category, condition, price in items:
        offer = factories.OfferFactory(
            organisation=shop.organisation,
            shop=shop,
            product__name=name,
            product__category=category,
            product__condition=condition,
            price_excl_tax=Decimal(price),
        )
        ProductImage.objects.create(product=offer.product, image=image)
    page = CatalogPage(title="Catalogue", slug="catalogue")
    HomePage.objects.get().add_child(instance=page)
    return page


def card_names(page):
    return page.locator(".catalog-cards h3").all_inner_texts()


def test_typing_shows_matching_offers_without_reload(live_server, page):
    catalogue = make_catalogue()
    page.goto(f"{live_server.url}{catalogue.url}")
    assert len(card_names(page)) == 5
    page.evaluate("window.notReloaded = true")
    page.locator("#id_q").press_sequentially("etagere", delay=30)
    page.wait_for_function("document.querySelectorAll('.catalog-cards h3').length === 1")
    assert card_names(page) == ["Étagère en chêne"]
    assert page.evaluate("window.notReloaded") is True
    assert "q=etagere" in page.url
    # The autocomplete listbox offers the product name.
    listbox = page.locator("#catalog-suggestions")
    listbox.locator("[role=option]").first.wait_for()
    assert page.locator("#id_q").get_attribute("aria-expanded") == "true"
    assert "Étagère en chêne" in listbox.inner_text()
    page.keyboard.press("ArrowDown")
    assert page.locator("#id_q").get_attribute("aria-activedescendant") == "catalog-suggestion-0"
    screenshot(page, "catalog-search-1280")


def test_a_facet_narrows_results_and_survives_reload(live_server, browser):
    catalogue = make_catalogue()
    for width, height in ((390, 844), (1280, 900)):
        context = browser.new_context(locale="fr-FR", viewport={"width": width, "height": height})
        page = context.new_page()
        page.goto(f"{live_server.url}{catalogue.url}")
        facets = page.locator("[data-catalog-facets]")
        # Folded on phones so that the results come first; one tap opens them.
        assert facets.evaluate("d => d.open") is (width > 900)
        if width < 900:
            facets.locator("summary").click()
        page.select_option("#id_condition", "good")
        page.wait_for_function("document.querySelectorAll('.catalog-cards h3').length === 2")
        assert sorted(card_names(page)) == ["Vélo de ville", "Étagère en chêne"]
        assert "condition=good" in page.url
        page.reload()
        assert sorted(card_names(page)) == ["Vélo de ville", "Étagère en chêne"]
        if width < 900:
            facets.locator("summary").click()
        assert page.locator("#id_condition").input_value() == "good"
        # Without JavaScript's help, the submit button applies a category as a plain GET.
        page.get_by_label("Cycles").check()
        page.locator(".facet-actions button").click()
        page.wait_for_load_state()
        page.wait_for_function("document.querySelectorAll('.catalog-cards h3').length === 1")
        page.reload()
        assert card_names(page) == ["Vélo de ville"]
        if width < 900:
            facets.locator("summary").click()
        assert page.get_by_label("Cycles").is_checked()
        screenshot(page, f"catalog-{width}")
        context.close()
