"""Through a real browser: shop staff open their orders and one order, in the French admin."""

from datetime import timedelta

import pytest
from django.utils import timezone

from baskets.models import Reservation
from baskets.services import LineRequest, reservation_create
from tests import factories
from tests.browser import conftest as browser_conftest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_staff_open_their_orders_and_one_order(live_server, page):
    organisation = factories.OrganisationFactory(name="Ressourcerie Alpha")
    shop = factories.ShopFactory(organisation=organisation, name="La Fabrique")
    factories.make_staff(organisation, username="alice")
    customers = [
        factories.UserFactory(first_name=first, last_name=last, email=f"{first.lower()}@example.org")
        for first, last in (("Camille", "Durand"), ("Dominique", "Leroy"), ("Sacha", "Morel"))
    ]
    offers = [
        factories.OfferFactory(organisation=organisation, shop=shop, product__name=name, stock_on_hand=5)
        for name in ("Buffet en chêne", "Lampe pied laiton", "Fauteuil club")
    ]
    orders = [
        reservation_create(
            customer=customer,
            lines=[LineRequest(offer.pk, 1) for offer in offers[: index + 1]],
            fulfilment="pickup",
            pickup_shop_id=shop.pk,
        )
        for index, customer in enumerate(customers)
    ]
    Reservation.objects.filter(pk=orders[1].pk).update(due_at=timezone.now() - timedelta(hours=5))

    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", "alice")
    page.fill("#id_password", "pass-word-123")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/admin/")
    assert page.locator("#orders-to-handle-section").count() == 1
    browser_conftest.screenshot(page, "admin-dashboard-orders-staff")

    page.goto(f"{live_server.url}/admin/orders/")
    rows = page.locator("table.listing tbody tr")
    assert rows.count() == 3
    assert "Dominique Leroy" in rows.first.inner_text()  # overdue first
    browser_conftest.screenshot(page, "admin-orders-staff")
    browser_conftest.assert_accessible(page, name="the order list")

    page.set_viewport_size({"width": 1280, "height": 1600})  # the admin scrolls inside its own pane
    rows.nth(1).locator("td a").first.click()
    page.wait_for_url(f"{live_server.url}/admin/orders/*/")
    assert "Buffet en chêne" in page.locator("main").inner_text()
    browser_conftest.screenshot(page, "admin-order-staff")
    browser_conftest.assert_accessible(page, name="an order")

    with page.expect_navigation():
        page.locator("form.pivot-action-accepted button").click()
    assert Reservation.objects.filter(status="accepted").count() == 1
    with page.expect_navigation():
        page.locator("form.pivot-action-ready button").click()
    assert page.locator("form.pivot-action-collected select").count() == 1
    browser_conftest.screenshot(page, "admin-order-ready-staff")
