"""Through a real browser: choosing a town, or the browser's position, orders shops and depots by distance."""

from decimal import Decimal

import pytest

from shops.choices import OrganisationKind
from tests import factories

from .conftest import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def make_places():
    fabrique = factories.OrganisationFactory(name="Ressourcerie La Fabrique")
    garden = factories.OrganisationFactory(name="Jardin de Cocagne de l’Est", kind=OrganisationKind.CSA_GARDEN)
    factories.ShopFactory(
        organisation=fabrique,
        name="La Fabrique — Montreuil",
        address="38 rue de Paris",
        postcode="93100",
        city="Montreuil",
        latitude=Decimal("48.854530"),
        longitude=Decimal("2.418960"),
    )
    factories.ShopFactory(
        organisation=fabrique,
        name="La Fabrique — Vincennes",
        address="12 rue du Midi",
        postcode="94300",
        city="Vincennes",
        latitude=Decimal("48.847600"),
        longitude=Decimal("2.439000"),
    )
    factories.ShopFactory(organisation=fabrique, name="La Fabrique — Paris 2e")
    factories.DepotFactory(
        organisation=garden,
        name="Dépôt de la Croix-de-Chavaux",
        address="Place de la Croix-de-Chavaux",
        latitude=Decimal("48.858000"),
        longitude=Decimal("2.436000"),
    )
    factories.DepotFactory(
        organisation=garden, name="Dépôt de Rosny", postcode="93110", city="Rosny-sous-Bois",
        latitude=Decimal("48.874500"), longitude=Decimal("2.486000"),
    )  # fmt: skip


def result_names(page):
    return page.locator(".near-result h3").all_inner_texts()


def test_choosing_a_town_orders_shops_by_distance(live_server, page):
    make_places()
    page.goto(f"{live_server.url}/")
    page.get_by_role("link", name="Boutiques près de chez moi").click()
    page.get_by_label("Ville ou code postal").fill("Montreuil")
    page.keyboard.press("Enter")
    page.wait_for_selector(".near-result")
    assert result_names(page) == [
        "Dépôt de la Croix-de-Chavaux",
        "La Fabrique — Vincennes",
        "La Fabrique — Montreuil",
        "Dépôt de Rosny",
        "La Fabrique — Paris 2e",
    ]
    assert page.locator(".near-result .distance").first.inner_text().endswith(" km")
    assert "," in page.locator(".near-result .distance").first.inner_text()
    screenshot(page, "shops-near-montreuil-desktop")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "shops-near-montreuil-phone")


def test_use_my_position(live_server, browser):
    make_places()
    context = browser.new_context(
        locale="fr-FR",
        viewport={"width": 1280, "height": 900},
        geolocation={"latitude": 48.8745, "longitude": 2.486},
        permissions=["geolocation"],
    )
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/boutiques-pres-de-chez-moi/")
        page.get_by_role("button", name="Utiliser ma position").click()
        page.wait_for_selector(".near-result")
        assert result_names(page)[0] == "Dépôt de Rosny"
        assert "lat=48.87450" in page.url
    finally:
        context.close()
