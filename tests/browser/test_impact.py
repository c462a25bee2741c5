"""Through a real browser: the impact page's server-drawn chart, on a phone and on a desktop screen."""

import random
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from offers.models import Offer
from tests import factories

from .conftest import assert_accessible, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def make_sales():
    """A ressourcerie that sold about forty items over the past year, more of them lately."""
    organisation = factories.OrganisationFactory(name="Ressourcerie La Fabrique", slug="la-fabrique")
    shop = factories.ShopFactory(
        organisation=organisation, name="La Fabrique — Montreuil", slug="la-fabrique-montreuil"
    )
    furniture = factories.ProductCategoryFactory(
        co2e_per_item_kg=Decimal("47"), waste_per_item_kg=Decimal("14"), impact_source="ADEME"
    )
    clothes = factories.ProductCategoryFactory(
        co2e_per_item_kg=Decimal("9.6"), waste_per_item_kg=Decimal("0.6"), impact_source="ADEME"
    )
    rng = random.Random("impact-browser")
    now = timezone.now()
    for index in range(40):
        product = factories.ProductFactory(
            organisation=organisation, category=furniture if index % 3 == 0 else clothes, condition="good"
        )
        offer = factories.OfferFactory(organisation=organisation, shop=shop, product=product)
        sold_at = now - timedelta(days=int(rng.triangular(1, 360, 1)))
        Offer.objects.filter(pk=offer.pk).update(sold_at=sold_at, sold_quantity=rng.choice([1, 1, 2]))
    return organisation


def test_impact_page_needs_no_javascript(live_server, browser):
    organisation = make_sales()
    context = browser.new_context(locale="fr-FR", java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(f"{live_server.url}/impact/organisations/{organisation.slug}/")
        assert page.locator("svg.impact-svg rect.bar-waste").count() >= 6
        assert page.locator(".impact-table tbody tr").count() == 12
        page.locator('a[href="?mois=24"]').click()
        page.wait_for_url(re.compile(r"\?mois=24$"))
        assert page.locator(".impact-table tbody tr").count() == 24
    finally:
        context.close()


@pytest.mark.parametrize("width", [390, 1280])
def test_impact_page_on_a_phone_and_a_desktop(live_server, page, width):
    organisation = make_sales()
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{live_server.url}/impact/organisations/{organisation.slug}/")
    chart = page.locator("svg.impact-svg")
    assert chart.get_attribute("role") == "img" and chart.get_attribute("aria-label")
    assert chart.bounding_box()["width"] <= width
    assert page.evaluate("document.documentElement.scrollWidth") <= width  # no sideways scrolling
    page.get_by_role("link", name="La Fabrique — Montreuil").wait_for()
    screenshot(page, f"impact-{width}")
    assert_accessible(page, name=f"impact page at {width} px")
