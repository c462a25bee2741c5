"""Through a real browser: a member opens "My deliveries" from their account, postpones a basket, then declares an
absence that cancels the deliveries of two subscriptions (basket and eggs).

Screenshots are saved in artifacts/screenshots/member-deliveries-*.png, on a phone and on a desktop. Selectors avoid
button texts: the pages are in French and their strings may not be translated yet.
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from shops.choices import OrganisationKind, Weekday
from subscriptions import services
from subscriptions.choices import DeliveryStatus
from subscriptions.models import DeliveryBreak, Season
from tests import factories
from tests.browser.conftest import assert_accessible, screenshot
from tests.browser.test_basket_checkout import signed_in
from tests.subscriptions.conftest import SEASON_END, SEASON_START, depot_with_days, make_plan, tuesday

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture
def february_2027(monkeypatch):
    """The services and the pages see 1 February 2027, a month before the season: every delivery is ahead."""
    now = timezone.make_aware(dt.datetime(2027, 2, 1, 9, 0))
    monkeypatch.setattr(timezone, "now", lambda: now)


def garden_member():
    garden = factories.OrganisationFactory(kind=OrganisationKind.CSA_GARDEN, name="Jardin de Cocagne")
    staff = factories.make_staff(garden)
    depot = depot_with_days(
        garden, name="Biocoop Centre", delivery_fee=Decimal("1.50"), public_note="Entrée rue Haute."
    )
    services.season_save(
        season=Season(organisation=garden, name="Saison 2027", starts_on=SEASON_START, ends_on=SEASON_END),
        breaks=[DeliveryBreak(starts_on=dt.date(2027, 8, 9), ends_on=dt.date(2027, 8, 22), reason="Congés")],
    )
    user = factories.UserFactory(username="camille", email="camille@example.org")
    member = factories.MemberFactory(organisation=garden, user=user, first_name="Camille", last_name="Martin")
    subscriptions = [
        services.subscription_create(
            member=member,
            plan=make_plan(garden, name=name, **policy),
            depot=depot,
            weekday=Weekday.TUESDAY,
            starts_on=SEASON_START,
            ends_on=SEASON_END,
            actor=staff,
        )
        for name, policy in (("Panier simple", {"max_cancellations": 4, "doubling_cap": 10}), ("Œufs", {}))
    ]
    return user, subscriptions


def test_member_postpones_a_basket_and_declares_an_absence(live_server, page, february_2027):
    user, (basket, eggs) = garden_member()
    signed_in(page, live_server, user)

    page.goto(f"{live_server.url}/compte/")
    page.locator("main a[href='/mes-livraisons/']").click()
    page.wait_for_url("**/mes-livraisons/")
    assert page.locator("section.subscription").count() == 2
    assert "Panier simple" in page.locator("h2").first.inner_text()
    assert page.locator(".delivery-calendar .delivery").count() == basket.deliveries.count() + eggs.deliveries.count()
    assert_accessible(page, name="my deliveries")
    screenshot(page, "member-deliveries-1-calendar-desktop")
    page.set_viewport_size(PHONE)
    screenshot(page, "member-deliveries-2-calendar-phone")

    # Postpone the basket of 30 March to 20 April: that day brings two baskets.
    delivery, target = basket.deliveries.get(date=tuesday(4)), basket.deliveries.get(date=tuesday(7))
    page.locator(f"a[href='/mes-livraisons/{delivery.pk}/reporter/']").click()
    page.wait_for_url(f"**/mes-livraisons/{delivery.pk}/reporter/")
    page.locator("select[name=to_date]").select_option(tuesday(7).isoformat())
    assert_accessible(page, name="postpone")
    screenshot(page, "member-deliveries-3-postpone-phone")
    page.locator("form.change-form button[type=submit]").click()
    page.wait_for_url(f"**/mes-livraisons/#delivery-{target.pk}")
    delivery.refresh_from_db()
    target.refresh_from_db()
    assert (delivery.status, target.baskets) == (DeliveryStatus.POSTPONED, 2)
    assert "20 avril 2027" in page.locator(".site-messages").inner_text()
    assert "doubled" in page.locator(f"#delivery-{target.pk} .status").get_attribute("class")
    screenshot(page, "member-deliveries-4-postponed-phone")

    # Away on 11 and 18 May: four deliveries found (basket and eggs), one is kept.
    page.locator("a[href='/mes-livraisons/absence/']").click()
    page.wait_for_url("**/mes-livraisons/absence/")
    page.locator("#id_from_date").fill("2027-05-10")
    page.locator("#id_until_date").fill("2027-05-19")
    page.locator("form.absence-dates button[type=submit]").click()
    page.wait_for_url("**/mes-livraisons/absence/?*")
    boxes = page.locator("form.absence-choose input[type=checkbox]")
    assert boxes.count() == 4
    assert all(boxes.nth(index).is_checked() for index in range(4))
    kept = eggs.deliveries.get(date=dt.date(2027, 5, 18))
    page.locator(f"form.absence-choose input[type=checkbox][value='{kept.pk}']").uncheck()
    assert_accessible(page, name="absence: choose")
    screenshot(page, "member-deliveries-5-absence-phone")
    page.locator("form.absence-choose button[type=submit]").click()
    assert page.locator("ul.absence-deliveries li").count() == 3
    assert_accessible(page, name="absence: confirm")
    screenshot(page, "member-deliveries-6-absence-confirm-phone")
    page.locator("form.absence-confirm button[type=submit]").click()
    page.wait_for_url("**/mes-livraisons/")
    cancelled = {
        (delivery.subscription_id, delivery.date)
        for subscription in (basket, eggs)
        for delivery in subscription.deliveries.filter(status=DeliveryStatus.CANCELLED)
    }
    assert cancelled == {
        (basket.pk, dt.date(2027, 5, 11)),
        (basket.pk, dt.date(2027, 5, 18)),
        (eggs.pk, dt.date(2027, 5, 11)),
    }
    page.set_viewport_size(DESKTOP)
    page.locator(f"#delivery-{kept.pk}").scroll_into_view_if_needed()
    screenshot(page, "member-deliveries-7-after-absence-desktop")

    # The other pages of the member's space: a cancellation's confirmation, a depot change, May's statement.
    page.goto(f"{live_server.url}/mes-livraisons/{basket.deliveries.get(date=tuesday(5)).pk}/annuler/")
    assert_accessible(page, name="cancel confirmation")
    page.goto(f"{live_server.url}/mes-livraisons/abonnement/{basket.pk}/depot/")
    assert_accessible(page, name="change depot")
    screenshot(page, "member-deliveries-8-change-depot-desktop")
    page.goto(f"{live_server.url}/mes-livraisons/releve/2027-05/")
    assert page.locator(".statement-table tbody tr").count() == 5  # basket: 4 and 25 May; eggs: 4, 18 and 25 May
    assert_accessible(page, name="statement")
    screenshot(page, "member-deliveries-9-statement-desktop")
    page.set_viewport_size(PHONE)
    screenshot(page, "member-deliveries-10-statement-phone")
