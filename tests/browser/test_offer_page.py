"""Through a real browser: the offer page of the demo data, for a ressourcerie item and a network shoe."""

import pytest
from django.core.management import call_command

from offers.models import Offer

from .conftest import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def shoot(page, name):
    screenshot(page, f"{name}-desktop")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, f"{name}-phone")


def test_offer_pages_of_the_demo_data(live_server, page):
    call_command("load_demo_data", items=12, verbosity=0)
    item = Offer.objects.filter(product__is_unique_item=True, product__images__isnull=False, status="published")
    item = item.exclude(product__width_cm=None).order_by("pk").first()
    page.goto(f"{live_server.url}/offres/{item.pk}/")
    assert page.get_by_role("heading", level=1).inner_text() == item.product.name
    assert page.get_by_role("img", name=item.product.name).first.is_visible()
    assert "kg CO2e" in page.locator(".offer-impact").inner_text()
    page.get_by_role("link", name="Réserver pour un retrait en boutique").click()
    assert page.url.endswith("#reserve")
    shoot(page, "offer-ressourcerie")

    shoe = (
        Offer.objects.filter(product__organisation=None, status="published", stock_on_hand__gt=0)
        .exclude(product__model_code="")
        .order_by("pk")
        .first()
    )
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/offres/{shoe.pk}/")
    network = page.locator(".offer-network")
    assert network.locator(".network-shops > li").count() >= 1
    assert " km" in network.inner_text()
    page.get_by_label("Ville ou code postal").fill("Lyon")
    page.keyboard.press("Enter")
    page.wait_for_url("**ou=Lyon**")
    shoot(page, "offer-network-shoe")
