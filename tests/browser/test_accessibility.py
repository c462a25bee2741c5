"""Through a real browser: public pages and the admin login pass axe-core and keep a visible keyboard focus.

Each page is checked at phone (390×844) and desktop (1280×900) widths; screenshots are saved as
artifacts/screenshots/a11y-<page>-<width>.png.
"""

from datetime import timedelta
from decimal import Decimal
from functools import partial

import pytest
from django.urls import reverse
from django.utils import timezone

from offers.models import Offer
from offers.services import offer_mark_sold
from shops.geocoding import town_index
from tests import factories

from .conftest import assert_accessible, assert_keyboard_focus_visible, screenshot
from .test_catalog import make_catalogue
from .test_offer_page import ressourcerie_item
from .test_shops_near import make_places

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

WIDTHS = {390: 844, 1280: 900}


def check(browser, url, name, *, prepare=None, skip_link=True):
    """Check one page at both widths and report every problem found, not only the first."""
    problems = []
    for width, height in WIDTHS.items():
        context = browser.new_context(locale="fr-FR", viewport={"width": width, "height": height})
        page = context.new_page()
        label = f"{name} at {width}px"
        checks = [
            partial(assert_accessible, page, name=label),
            partial(assert_keyboard_focus_visible, page, name=label, skip_link=skip_link),
        ]
        try:
            response = page.goto(url)
            if prepare:
                prepare(page, width)
            screenshot(page, f"a11y-{name}-{width}")
            for run in checks:
                try:
                    run()
                except (AssertionError, pytest.fail.Exception) as error:
                    problems.append(str(error))
        finally:
            context.close()
    assert not problems, "\n".join(problems)
    return response


def test_home_page(live_server, browser):
    make_catalogue()
    check(browser, f"{live_server.url}/", "home")


def test_impact_page(live_server, browser):
    make_catalogue()
    # Sales in three months, so that the chart draws bars (and their colours meet axe).
    for months_ago, offer in enumerate(Offer.objects.select_related("product").order_by("pk")[:3]):
        offer.product.weight_kg = Decimal("8.5")
        offer.product.save(update_fields=["weight_kg"])
        offer_mark_sold(offer=offer, sold_at=timezone.now() - timedelta(days=31 * months_ago))
    check(browser, f"{live_server.url}{reverse('impact')}", "impact")


def test_catalogue_with_results_and_facets(live_server, browser):
    catalogue = make_catalogue()
    check(browser, f"{live_server.url}{catalogue.url}", "catalogue")

    def open_facets(page, width):
        # Opened by script: a click would move the keyboard's starting point into the panel (test_catalog taps it).
        page.locator("[data-catalog-facets]").evaluate("d => { d.open = true; }")
        assert page.locator("#id_condition").is_visible()

    check(browser, f"{live_server.url}{catalogue.url}", "catalogue-facets", prepare=open_facets)


def test_catalogue_live_search_with_suggestions(live_server, page):
    """The states that only scripts create: live results and the open autocomplete listbox."""
    catalogue = make_catalogue()
    page.goto(f"{live_server.url}{catalogue.url}")
    page.locator("#id_q").press_sequentially("velo", delay=30)
    page.wait_for_function("document.querySelectorAll('.catalog-cards h3').length === 2")
    page.locator("#catalog-suggestions [role=option]").first.wait_for()
    page.keyboard.press("ArrowDown")
    screenshot(page, "a11y-catalogue-suggestions-1280")
    assert_accessible(page, name="catalogue with suggestions")


def test_catalogue_search_without_result(live_server, browser):
    catalogue = make_catalogue()

    def no_result(page, width):
        assert page.locator(".catalog-cards h3").count() == 0

    check(browser, f"{live_server.url}{catalogue.url}?q=zzzzzz", "catalogue-no-result", prepare=no_result)


def test_offer_page(live_server, browser):
    offer = ressourcerie_item()
    check(browser, f"{live_server.url}{reverse('offer_detail', args=[offer.pk])}", "offer")


def test_branded_shop_page_shows_its_colours(live_server, browser):
    shop = factories.ShopFactory(name="La Fabrique", phone="01 48 70 00 00", email="bonjour@lafabrique.example")
    shop_page = shop.page
    shop_page.primary_colour = "#6b2d5c"
    shop_page.secondary_colour = "#fbeef2"
    shop_page.introduction = "Meubles et objets réparés dans notre atelier."
    shop_page.body = [
        ("heading", "L'atelier"),
        ("paragraph", "<p>Nous réparons, vous <a href='https://example.org/'>réutilisez</a>.</p>"),
        ("call_to_action", {"text": "Donner un objet", "url": "https://example.org/don", "description": ""}),
        ("faq", {"title": "", "questions": [{"question": "Livrez-vous ?", "answer": "<p>Oui, dans Montreuil.</p>"}]}),
    ]
    shop_page.save_revision().publish()
    factories.OfferFactory(organisation=shop.organisation, shop=shop, product__name="Fauteuil club")

    def colours_reach_the_page(page, width):
        root = "getComputedStyle(document.documentElement).getPropertyValue"
        assert page.evaluate(f"{root}('--brand-primary').trim()") == "#6b2d5c"
        assert page.evaluate(f"{root}('--brand-secondary').trim()") == "#fbeef2"
        assert page.locator("h1").evaluate("el => getComputedStyle(el).color") == "rgb(107, 45, 92)"
        assert page.locator(".site-header").evaluate("el => getComputedStyle(el).backgroundColor") == "rgb(107, 45, 92)"
        assert page.locator(".shop-info").evaluate("el => getComputedStyle(el).backgroundColor") == "rgb(251, 238, 242)"

    check(browser, f"{live_server.url}{shop_page.url}", "shop", prepare=colours_reach_the_page)


def test_shops_near_with_results_and_unknown_place(live_server, browser):
    make_places()
    # Built here rather than in the page's first request: on a busy machine the one-off build outlasts goto's timeout.
    town_index()
    url = f"{live_server.url}{reverse('shops_near')}"

    def results(page, width):
        assert page.locator(".near-result").count() == 5

    def unknown(page, width):
        assert page.locator(".near-result").count() == 0
        assert page.get_by_role("alert").is_visible()

    check(browser, f"{url}?ou=Montreuil", "shops-near", prepare=results)
    check(browser, f"{url}?ou=Zzyzxville", "shops-near-unknown", prepare=unknown)


def test_not_found_page(live_server, browser):
    response = check(browser, f"{live_server.url}/offres/999999/", "404")
    assert response.status == 404


def test_admin_login_page_in_french(live_server, browser):
    def french(page, width):
        assert page.locator("html").get_attribute("lang") == "fr"

    # Wagtail's login page has no skip link, and needs none: the form is its only content.
    check(browser, f"{live_server.url}/admin/login/", "admin-login", prepare=french, skip_link=False)
