"""Through a real browser: offer page → add to basket → checkout with pickup → confirmation.

Screenshots are saved in artifacts/screenshots/basket-*.png. Selectors avoid button texts: the pages are in
French and their strings may not be translated yet.
"""

from datetime import time
from decimal import Decimal

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client

from baskets.models import Reservation
from offers.models import Offer
from shops.models import OpeningPeriod
from tests import factories
from tests.browser.conftest import assert_accessible, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def signed_in(page, live_server, user):
    """The browser carries the session of a user logged in through Django's test client."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])


def test_offer_to_basket_to_pickup_confirmation(live_server, page):
    shop = factories.ShopFactory(
        name="La Fabrique — Montreuil", address="12 rue de Paris", postcode="93100", city="Montreuil"
    )
    for weekday in range(1, 6):
        OpeningPeriod.objects.create(shop=shop, weekday=weekday, opens=time(10), closes=time(18))
    offer = factories.OfferFactory(
        organisation=shop.organisation,
        shop=shop,
        product__name="Chaise bistrot en hêtre",
        price_excl_tax=Decimal("20.0000"),
        stock_on_hand=4,
    )
    customer = factories.UserFactory(username="camille", email="camille@example.org")
    signed_in(page, live_server, customer)

    page.goto(f"{live_server.url}/offres/{offer.pk}/")
    form = page.locator("form.add-to-basket")
    form.locator("input[name=quantity]").fill("2")
    screenshot(page, "basket-1-offer")
    form.locator("button[type=submit]").click()
    page.wait_for_url("**/panier/")
    assert "Chaise bistrot en hêtre" in page.locator(".basket-table").inner_text()
    assert "48,00 €" in page.locator(".basket-table tfoot").inner_text()
    assert "(2)" in page.locator(".basket-link").inner_text()
    assert_accessible(page, name="basket")
    screenshot(page, "basket-2-basket")

    page.locator("a[href='/panier/commande/']").click()
    page.wait_for_url("**/panier/commande/")
    assert page.locator("input[name=fulfilment][value=pickup]").is_checked()
    shop_radio = page.locator(f"input[name=pickup_shop_{shop.organisation_id}][value='{shop.pk}']")
    assert shop_radio.is_checked()  # the only (nearest) shop holding the items
    assert "10:00–18:00" in page.locator(".pickup-shop").inner_text()
    assert_accessible(page, name="checkout")
    screenshot(page, "basket-3-checkout")

    page.locator("form.checkout-form button[type=submit]").click()
    page.wait_for_url("**/panier/commande/*/")
    reservation = Reservation.objects.get()
    assert reservation.pickup_shop_id == shop.pk and reservation.customer_id == customer.pk
    assert Offer.objects.values_list("stock_allocated", flat=True).get(pk=offer.pk) == 2
    assert "La Fabrique — Montreuil" in page.locator(".order-card").inner_text()
    assert "(2)" not in page.locator(".basket-link").inner_text()
    assert any(message.to == [customer.email] for message in mail.outbox)
    assert_accessible(page, name="confirmation")
    screenshot(page, "basket-4-confirmation")

    # My reservations → the order → cancel it (it is still "placed").
    page.locator("a[href='/mes-reservations/']").last.click()
    page.wait_for_url("**/mes-reservations/")
    assert "La Fabrique — Montreuil" in page.locator(".order-list").inner_text()
    assert_accessible(page, name="my reservations")
    screenshot(page, "basket-5-my-reservations")
    page.locator(f".order-list a[href='/mes-reservations/{reservation.pk}/']").click()
    page.wait_for_url(f"**/mes-reservations/{reservation.pk}/")
    assert_accessible(page, name="reservation detail")
    page.locator(f"a[href='/mes-reservations/{reservation.pk}/annuler/']").click()
    page.wait_for_url(f"**/mes-reservations/{reservation.pk}/annuler/")
    assert_accessible(page, name="cancel confirmation")
    page.locator("#cancel-reason").fill("Trouvé ailleurs")
    page.locator("form button[type=submit].danger").click()
    page.wait_for_url(f"**/mes-reservations/{reservation.pk}/")
    reservation.refresh_from_db()
    assert reservation.status == "cancelled"
    assert "Trouvé ailleurs" in page.locator(".history").inner_text()
    assert page.locator(f"a[href='/mes-reservations/{reservation.pk}/annuler/']").count() == 0
    screenshot(page, "basket-6-cancelled")
