"""Through a real browser: the offer page of a ressourcerie item with photos and of a network shoe.

Screenshots at phone and desktop widths are saved in artifacts/screenshots/offer-*.png. (The data is
built here rather than with load_demo_data: under pytest-xdist the transactional browser tests may start
from a flushed database, without the wagtail root collection the demo loader needs.)
"""

from decimal import Decimal

import pytest
from wagtail.images import get_image_model
from wagtail.images.tests.utils import get_test_image_file
from wagtail.models import Collection

from offers.models import ProductImage
from tests import factories
from tests.offers.test_offer_page import make_network

from .conftest import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def shoot(page, name):
    screenshot(page, f"{name}-desktop")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, f"{name}-phone")
    page.set_viewport_size({"width": 1280, "height": 900})


def ressourcerie_item():
    if Collection.get_first_root_node() is None:
        Collection.add_root(name="Root")
    organisation = factories.OrganisationFactory(name="Ressourcerie La Fabrique")
    category = factories.ProductCategoryFactory(
        name="Chaises (test)", co2e_per_item_kg=Decimal("19"), waste_per_item_kg=Decimal("6"), impact_source="ADEME"
    )
    offer = factories.OfferFactory(
        organisation=organisation,
        shop__name="La Fabrique — Montreuil",
        product__name="Chaise bistrot en hêtre",
        product__category=category,
        product__condition="good",
        product__is_unique_item=True,
        product__width_cm=Decimal("42.0"),
        product__height_cm=Decimal("86.5"),
        product__depth_cm=Decimal("45.0"),
        product__weight_kg=Decimal("4.700"),
        product__provenance="Collecte à domicile, Fontenay-sous-Bois",
        stock_on_hand=1,
    )
    for n in range(3):
        image = get_image_model().objects.create(title=f"Chaise {n}", file=get_test_image_file())
        ProductImage.objects.create(product=offer.product, image=image, sort_order=n)
    return offer


def test_second_hand_item_page(live_server, page):
    offer = ressourcerie_item()
    page.goto(f"{live_server.url}/offres/{offer.pk}/")
    assert page.get_by_role("heading", level=1).inner_text() == "Chaise bistrot en hêtre"
    assert page.get_by_role("img", name="Chaise bistrot en hêtre").first.is_visible()
    assert "19 kg CO2e" in page.locator(".offer-impact").inner_text()
    assert "42 × 86,5 × 45 cm" in page.locator(".offer-facts").inner_text()
    page.get_by_role("link", name="Réserver pour un retrait en boutique").click()
    assert page.url.endswith("#reserve")
    shoot(page, "offer-ressourcerie")


def test_network_shoe_lists_nearby_sizes(live_server, page):
    _shops, offers = make_network(4)
    page.goto(f"{live_server.url}/offres/{offers[0].pk}/")
    network = page.locator(".offer-network")
    assert network.locator(".network-shops > li").count() == 4
    assert "3,7 km" in network.inner_text()
    page.get_by_label("Ville ou code postal").fill("Lyon")
    page.keyboard.press("Enter")
    page.wait_for_url("**ou=Lyon**")
    assert "Boutiques les plus proches de Lyon" in page.locator(".offer-network").inner_text()
    shoot(page, "offer-network-shoe")
