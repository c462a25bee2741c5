"""Through a real browser: the home page's map shows every shop and depot, the what/where form leads to the
catalogue, "Use my position" fills the where box, and "shops near me" maps its results."""

import io
from decimal import Decimal

import pytest
from PIL import Image as PILImage
from wagtail.models import Collection

from cms.models import CatalogPage, HomePage
from shops.choices import OrganisationKind
from tests import factories

from .conftest import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

# Records each Leaflet map as django-leaflet creates it, so that the test can find its markers' pixels.
RECORD_MAPS = "window.addEventListener('map:init', function (e) { (window.testMaps = window.testMaps || {})[e.detail.id] = e.detail.map; });"


def serve_blank_tiles(page):
    """Tiles from the test, not from OpenStreetMap: the test runs offline and must not load a tile server."""
    buffer = io.BytesIO()
    PILImage.new("RGB", (256, 256), "#ebe7df").save(buffer, format="PNG")
    tile = buffer.getvalue()
    page.route("**/tile.openstreetmap.org/**", lambda route: route.fulfill(content_type="image/png", body=tile))


@pytest.fixture
def offline_tiles(page):
    serve_blank_tiles(page)
    page.add_init_script(RECORD_MAPS)
    return page


def make_places():
    if Collection.get_first_root_node() is None:
        Collection.add_root(name="Root")
    fabrique = factories.OrganisationFactory(name="Ressourcerie La Fabrique")
    garden = factories.OrganisationFactory(name="Jardin de Cocagne", kind=OrganisationKind.CSA_GARDEN)
    network = factories.OrganisationFactory(name="Réseau Vélo", kind=OrganisationKind.SHOP_NETWORK)
    montreuil = factories.ShopFactory(
        organisation=fabrique, name="La Fabrique — Montreuil", postcode="93100", city="Montreuil",
        latitude=Decimal("48.854530"), longitude=Decimal("2.418960"),
    )  # fmt: skip
    factories.ShopFactory(
        organisation=network, name="Vélo Lyon", postcode="69001", city="Lyon",
        latitude=Decimal("45.767000"), longitude=Decimal("4.834000"),
    )  # fmt: skip
    factories.ShopFactory(
        organisation=fabrique, name="La Fabrique — Nantes", postcode="44000", city="Nantes",
        latitude=Decimal("47.218000"), longitude=Decimal("-1.553000"),
    )  # fmt: skip
    factories.DepotFactory(
        organisation=garden, name="Dépôt de Rosny", postcode="93110", city="Rosny-sous-Bois",
        latitude=Decimal("48.874500"), longitude=Decimal("2.486000"),
    )  # fmt: skip
    factories.ShopFactory(organisation=fabrique, name="Fermée", active=False)
    factories.OfferFactory(organisation=fabrique, shop=montreuil, product__name="Vélo de ville")
    factories.OfferFactory(organisation=fabrique, shop=montreuil, product__name="Chaise paillée")
    catalogue = CatalogPage(title="Catalogue", slug="catalogue")
    HomePage.objects.get().add_child(instance=catalogue)
    return catalogue


def wait_for_points(page, count):
    page.wait_for_selector(f"#home-map[data-points-loaded='{count}']")


def test_the_map_shows_every_active_shop_and_depot_with_a_popup(live_server, offline_tiles):
    page = offline_tiles
    make_places()
    page.goto(f"{live_server.url}/")
    assert page.locator("[data-map-section]").is_visible()  # shown by map.js
    wait_for_points(page, 4)  # 3 active shops and 1 depot; the inactive shop is left out
    assert page.locator(".map-legend").inner_text().count("\n") >= 5  # 4 kinds, shop, depot
    # Markers are drawn on a canvas: click where Montreuil's is.
    point = page.evaluate(
        "(() => { var p = window.testMaps['home-map'].latLngToContainerPoint([48.85453, 2.41896]); return [p.x, p.y]; })()"
    )
    page.locator("#home-map").click(position={"x": point[0], "y": point[1]})
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for()
    assert "La Fabrique — Montreuil" in popup.inner_text()
    assert "Montreuil" in popup.inner_text()
    link = popup.get_by_role("link", name="La Fabrique — Montreuil")
    link.click()
    page.wait_for_url("**/la-fabrique-montreuil/")
    page.locator("#shop-map .leaflet-marker-icon").wait_for()  # the shop page's own small map
    screenshot(page, "shop-map-1280")


def test_screenshots_on_a_phone_and_a_desktop(live_server, browser):
    make_places()
    for width, height, name in [(390, 844, "home-390"), (1280, 900, "home-1280")]:
        context = browser.new_context(locale="fr-FR", viewport={"width": width, "height": height})
        page = context.new_page()
        serve_blank_tiles(page)
        page.goto(f"{live_server.url}/")
        wait_for_points(page, 4)
        assert page.evaluate("document.documentElement.scrollWidth") <= width  # nothing wider than the screen
        screenshot(page, name)
        context.close()


def test_the_what_and_where_form_leads_to_the_catalogue(live_server, offline_tiles):
    page = offline_tiles
    make_places()
    page.goto(f"{live_server.url}/")
    page.locator("#home-what").fill("velo")
    page.locator("#home-where").fill("Montreuil")
    page.locator("#home-where").press("Enter")
    page.wait_for_url("**/catalogue/?q=velo&ou=Montreuil")
    names = page.locator(".catalog-cards h3").all_inner_texts()
    assert names == ["Vélo de ville"]


def test_use_my_position_fills_the_where_box(live_server, browser):
    make_places()
    context = browser.new_context(
        locale="fr-FR", geolocation={"latitude": 48.8545, "longitude": 2.419}, permissions=["geolocation"]
    )
    page = context.new_page()
    serve_blank_tiles(page)
    page.goto(f"{live_server.url}/")
    page.locator("[data-home-locate]").click()
    page.wait_for_function("document.querySelector('#home-where').value !== ''")
    assert page.locator("#home-where").input_value() == "48.85450, 2.41900"
    page.locator("#home-what").fill("chaise")
    page.locator("#home-what").press("Enter")
    page.wait_for_url("**/catalogue/?**")
    assert page.locator(".catalog-cards h3").all_inner_texts() == ["Chaise paillée"]
    context.close()


def test_shops_near_maps_the_searched_place_and_the_results(live_server, offline_tiles):
    page = offline_tiles
    make_places()
    page.goto(f"{live_server.url}/boutiques-pres-de-chez-moi/?ou=Montreuil")
    page.locator("#near-map .leaflet-marker-icon").wait_for()  # the searched place's pin
    bounds = page.evaluate(
        "(() => { var b = window.testMaps['near-map'].getBounds(); return [b.getSouth(), b.getWest(), b.getNorth(), b.getEast()]; })()"
    )
    south, west, north, east = bounds
    # The results reach Lyon and Nantes: the map is fitted to them all.
    assert south < 45.77 and west < -1.55 and north > 48.87 and east > 4.83
    screenshot(page, "near-map-1280")
