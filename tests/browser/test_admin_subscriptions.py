"""Through a real browser, in the French admin: the garden's staff open a subscription, cancel a delivery the plan
does not let members cancel (an override, with its reason), and declare a depot closure that moves deliveries.

Screenshots are saved in artifacts/screenshots/admin-subscriptions-*.png. Selectors avoid button texts: the pages
are in French and their strings may not be translated yet.
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone

from shops.choices import OrganisationKind, Weekday
from shops.models import Closure
from subscriptions import services
from subscriptions.choices import DeliveryStatus
from subscriptions.models import DeliveryBreak, DeliveryChange, Season
from tests import factories
from tests.browser.conftest import assert_accessible, screenshot
from tests.subscriptions.conftest import SEASON_END, SEASON_START, depot_with_days, make_plan, tuesday

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def february_2027(monkeypatch):
    """The services and the pages see 1 February 2027, a month before the season: every delivery is ahead."""
    now = timezone.make_aware(dt.datetime(2027, 2, 1, 9, 0))
    monkeypatch.setattr(timezone, "now", lambda: now)


def garden():
    """A garden whose weekly basket may not be cancelled by members, two subscribers at the same depot."""
    organisation = factories.OrganisationFactory(kind=OrganisationKind.CSA_GARDEN, name="Jardin de Cocagne")
    staff = factories.make_staff(organisation, username="alice", first_name="Alice", last_name="Bernard")
    depot = depot_with_days(organisation, name="Biocoop Centre", delivery_fee=Decimal("1.50"))
    mairie = depot_with_days(organisation, name="Mairie", weekdays=(Weekday.TUESDAY, Weekday.FRIDAY))
    services.season_save(
        season=Season(organisation=organisation, name="Saison 2027", starts_on=SEASON_START, ends_on=SEASON_END),
        breaks=[DeliveryBreak(starts_on=dt.date(2027, 8, 9), ends_on=dt.date(2027, 8, 22), reason="Congés")],
    )
    plan = make_plan(organisation, cancellation_allowed=False, doubling_cap=10)
    subscriptions = [
        services.subscription_create(
            member=factories.MemberFactory(
                organisation=organisation, first_name=first, last_name=last, email=f"{first.lower()}@example.org"
            ),
            plan=plan,
            depot=depot,
            weekday=Weekday.TUESDAY,
            starts_on=SEASON_START,
            ends_on=SEASON_END,
            actor=staff,
        )
        for first, last in (("Camille", "Martin"), ("Dominique", "Leroy"))
    ]
    return depot, mairie, subscriptions


def sign_in(page, live_server):
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", "alice")
    page.fill("#id_password", "pass-word-123")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/admin/")


def fill_date(page, selector, day):
    """Type the date in Wagtail's date field, then close its picker by clicking beside the form."""
    page.fill(selector, day.isoformat())
    page.locator("main").click(position={"x": 1000, "y": 10})


def test_staff_override_a_cancellation_and_declare_a_closure(live_server, page, february_2027):
    depot, mairie, (camille, dominique) = garden()
    sign_in(page, live_server)
    page.set_viewport_size({"width": 1280, "height": 1600})  # the admin scrolls inside its own pane

    page.goto(f"{live_server.url}/admin/plans/edit/{camille.plan_id}/")
    assert page.locator("[name=prices-TOTAL_FORMS]").count() == 1
    screenshot(page, "admin-subscriptions-0-plan")

    page.goto(f"{live_server.url}/admin/subscriptions/")
    rows = page.locator("table.listing tbody tr")
    assert rows.count() == 2
    screenshot(page, "admin-subscriptions-1-list")

    rows.filter(has_text="Martin").locator("td a").first.click()
    page.wait_for_url(f"{live_server.url}/admin/subscriptions/{camille.pk}/")
    assert page.locator(".pivot-calendar__month").count() == 10
    assert page.locator(".pivot-calendar__day").count() == camille.deliveries.count()
    assert_accessible(page, name="a subscription")
    screenshot(page, "admin-subscriptions-2-detail")

    # The plan lets no member cancel: staff may, by overriding the rules, and must say why.
    delivery = camille.deliveries.get(date=tuesday(1))
    page.locator(f"li[data-delivery='{delivery.pk}'] a").click()
    page.wait_for_url(f"**/subscriptions/{camille.pk}/deliveries/{delivery.pk}/")
    cancel = page.locator("form.pivot-action-cancel")
    with page.expect_navigation():
        cancel.locator("button[type=submit]").click()
    assert page.locator("form.pivot-action-cancel .help-critical, form.pivot-action-cancel .error-message").count()
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.PLANNED

    cancel = page.locator("form.pivot-action-cancel")
    cancel.locator("input[name=override]").check()
    with page.expect_navigation():
        cancel.locator("button[type=submit]").click()
    assert page.locator("form.pivot-action-cancel [id$=reason]").count() == 1
    assert_accessible(page, name="a delivery refused")
    screenshot(page, "admin-subscriptions-3-delivery-refused")

    cancel = page.locator("form.pivot-action-cancel")
    cancel.locator("input[name=override]").check()
    cancel.locator("input[name=reason]").fill("Malade, prévenu par téléphone")
    with page.expect_navigation():
        cancel.locator("button[type=submit]").click()
    page.wait_for_url(f"{live_server.url}/admin/subscriptions/{camille.pk}/")
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.CANCELLED
    change = DeliveryChange.objects.get(delivery=delivery)
    assert change.override and change.reason == "Malade, prévenu par téléphone"
    assert "Malade, prévenu par téléphone" in page.locator("#subscription-log ~ table").inner_text()
    page.set_viewport_size({"width": 1280, "height": 2400})  # down to the change log
    screenshot(page, "admin-subscriptions-4-cancelled")
    page.set_viewport_size({"width": 1280, "height": 1600})

    # Biocoop Centre closes for two weeks: both members' deliveries go to the Mairie and they are e-mailed.
    page.goto(f"{live_server.url}/admin/closures/new/")
    page.select_option("#id_depot", str(depot.pk))
    fill_date(page, "#id_starts_on", tuesday(4))
    fill_date(page, "#id_ends_on", tuesday(5))
    page.select_option("#id_replacement", str(mairie.pk))
    page.fill("#id_reason", "Travaux")
    screenshot(page, "admin-subscriptions-5-closure-form")
    with page.expect_navigation():
        page.locator("form.pivot-service-form button[type=submit]").click()
    page.wait_for_url(f"{live_server.url}/admin/closures/")
    closure = Closure.objects.get()
    assert set(closure.deliveries.values_list("depot", flat=True)) == {mairie.pk}
    assert closure.deliveries.count() == 4
    assert sorted(message.to[0] for message in mail.outbox) == ["camille@example.org", "dominique@example.org"]
    assert page.locator("table.listing tbody tr").count() == 1
    screenshot(page, "admin-subscriptions-6-closures")

    # Cancelling it says how many deliveries come back, then brings them back.
    page.locator(f"table.listing a[href$='/closures/{closure.pk}/cancel/']").click()
    page.wait_for_url(f"**/closures/{closure.pk}/cancel/")
    assert "4" in page.locator("main p").first.inner_text()
    assert_accessible(page, name="a closure's cancellation")
    screenshot(page, "admin-subscriptions-7-closure-cancel")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    assert not Closure.objects.exists()
    assert set(camille.deliveries.filter(date__in=[tuesday(4), tuesday(5)]).values_list("depot", flat=True)) == {
        depot.pk
    }
