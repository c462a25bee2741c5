"""Through a real browser: staff log in to the French admin and see only their tables; a shop page wears its colours."""

import pytest

from tests import factories

from .conftest import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_staff_login_in_french_and_see_only_their_offers(live_server, page):
    mine, theirs = (
        factories.OrganisationFactory(name="Ressourcerie Alpha"),
        factories.OrganisationFactory(name="Ressourcerie Bravo"),
    )
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
    from datetime import time

    from shops.models import OpeningPeriod

    shop = factories.ShopFactory(name="La Fabrique", phone="01 48 70 00 00", email="bonjour@lafabrique.example")
    OpeningPeriod.objects.bulk_create(
        [OpeningPeriod(shop=shop, weekday=day, opens=time(10), closes=time(12, 30)) for day in range(1, 6)]
        + [OpeningPeriod(shop=shop, weekday=day, opens=time(14), closes=time(18)) for day in range(1, 6)]
    )
    shop_page = shop.page
    shop_page.primary_colour = "#6b2d5c"
    shop_page.secondary_colour = "#fbeef2"
    shop_page.introduction = "Meubles et objets réparés dans notre atelier."
    shop_page.body = [
        ("heading", "L'atelier"),
        ("paragraph", "<p>Nous réparons, vous <a href='https://example.org/'>réutilisez</a>.</p>"),
        ("call_to_action", {"text": "Donner un objet", "url": "https://example.org/don", "description": ""}),
        (
            "faq",
            {
                "title": "",
                "questions": [
                    {"question": "Livrez-vous ?", "answer": "<p>Oui, dans Montreuil.</p>"},
                    {"question": "Reprenez-vous l'électroménager ?", "answer": "<p>Oui, s'il est complet.</p>"},
                ],
            },
        ),
    ]
    shop_page.save_revision().publish()
    for name in ("Fauteuil club", "Table de ferme", "Lampe pied laiton"):
        factories.OfferFactory(organisation=shop.organisation, shop=shop, product__name=name)

    page.goto(f"{live_server.url}{shop_page.url}")
    heading = page.locator("h1")
    assert heading.inner_text() == "La Fabrique"
    assert heading.evaluate("el => getComputedStyle(el).color") == "rgb(107, 45, 92)"
    assert page.locator(".button").evaluate("el => getComputedStyle(el).backgroundColor") == "rgb(107, 45, 92)"
    assert page.locator(".shop-info").evaluate("el => getComputedStyle(el).backgroundColor") == "rgb(251, 238, 242)"
    assert "Fauteuil club" in page.content()
    assert page.locator(".opening-status").first.inner_text().startswith(("Ouvert jusqu’à", "Fermé · ouvre"))
    summary = page.locator("summary").first
    summary.focus()
    page.keyboard.press("Enter")
    assert page.locator("details").first.get_attribute("open") is not None
    assert summary.evaluate("el => getComputedStyle(el).outlineColor") == "rgb(107, 45, 92)"
    screenshot(page, "shop-page-desktop")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "shop-page-phone")
