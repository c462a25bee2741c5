"""Through a real browser: staff log in to the French admin and see only their tables; a shop page wears its colours."""

import pytest

from tests import factories

from .conftest import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_staff_login_in_french_and_see_only_their_offers(live_server, page):
    mine, theirs = factories.OrganisationFactory(name="Ressourcerie Alpha"), factories.OrganisationFactory(name="Ressourcerie Bravo")
    factories.OfferFactory(organisation=mine, product__name="Buffet en chêne")
    factories.OfferFactory(organisation=theirs, product__name="Vélo de ville")
    factories.make_staff(mine, username="alice")

    page.goto(f"{live_server.url}/admin/login/")
    assert page.locator("html").get_attribute("lang") == "fr"
    page.fill("#id_username", "alice")
    page.fill("#id_password", "pass-word-123")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/admin/")
    screenshot(page, "admin-dashboard-staff")

    page.goto(f"{live_server.url}/admin/offer/")
    rows = page.locator("table.listing tbody")
    assert "Buffet en chêne" in rows.inner_text()
    assert "Vélo de ville" not in page.content()
    screenshot(page, "admin-offers-staff")


def test_shop_page_shows_its_branding(live_server, page):
    shop = factories.ShopFactory(name="La Fabrique")
    shop_page = shop.page
    shop_page.primary_colour = "#6b2d5c"
    shop_page.save_revision().publish()
    factories.OfferFactory(organisation=shop.organisation, shop=shop, product__name="Fauteuil club")

    page.goto(f"{live_server.url}{shop_page.url}")
    heading = page.locator("h1")
    assert heading.inner_text() == "La Fabrique"
    assert heading.evaluate("el => getComputedStyle(el).color") == "rgb(107, 45, 92)"
    assert "Fauteuil club" in page.content()
    screenshot(page, "shop-page-desktop")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "shop-page-phone")
