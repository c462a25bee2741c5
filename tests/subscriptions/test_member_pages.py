"""The member's delivery pages (/mes-livraisons/) through the Django test client: the calendar and its counters,
postpone, cancel, double, absences, depot and day changes, the monthly statement. Every action goes through the
services; a refusal is shown with its message on the page and changes nothing."""

import datetime as dt
from decimal import Decimal

import pytest
from django.conf import settings
from django.contrib.messages import get_messages
from django.db import connection
from django.shortcuts import resolve_url
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from shops.choices import Weekday
from subscriptions import services
from subscriptions.choices import DeliveryStatus, Frequency
from subscriptions.models import Delivery, DeliveryChange
from tests.factories import MemberFactory, UserFactory
from tests.subscriptions.conftest import depot_with_days, make_plan, tuesday

pytestmark = pytest.mark.django_db

LIST = reverse("my_deliveries:list")
ABSENCE = reverse("my_deliveries:absence")


def url(name, pk):
    return reverse(f"my_deliveries:{name}", args=[pk])


def delivery_on(subscription, day):
    return subscription.deliveries.get(date=day)


def state(delivery):
    delivery.refresh_from_db()
    return delivery.status, delivery.baskets


def message_texts(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


@pytest.fixture
def signed_in(client, member_user, member, clock):
    """Logged in at the time the services see (a session opened at the real time would have expired)."""
    client.force_login(member_user)
    return client


@pytest.fixture
def travel(clock, client, member_user):
    """Move the clock, and log in again: the session opened at the fixture's time would have expired."""

    def travel(when: dt.datetime):
        clock.set(when)
        client.force_login(member_user)

    return travel


@pytest.fixture
def subscription(subscribe, member, plan):
    return subscribe(member, plan)


# --- the calendar ----------------------------------------------------------------------------------------


def test_pages_ask_to_log_in(client, subscription):
    delivery = delivery_on(subscription, tuesday(4))
    login = resolve_url(settings.LOGIN_URL)
    for address in (
        LIST,
        ABSENCE,
        url("postpone", delivery.pk),
        url("cancel", delivery.pk),
        url("change_depot", subscription.pk),
        reverse("my_deliveries:statement", kwargs={"year": "2027", "month": "05"}),
    ):
        response = client.get(address)
        assert response.status_code == 302
        assert response["Location"] == f"{login}?next={address}"
    assert client.post(url("double", delivery.pk)).status_code == 302
    assert state(delivery) == (DeliveryStatus.PLANNED, 1)


def test_account_page_links_to_my_deliveries(signed_in):
    response = signed_in.get(reverse("accounts:account"))
    assert f'href="{LIST}"' in response.content.decode()


def test_calendar_by_month_with_statuses_and_replacement_depot(
    signed_in, travel, subscription, member, garden_staff, depot, other_depot
):
    services.delivery_cancel(delivery=delivery_on(subscription, tuesday(1)), actor=garden_staff)
    services.delivery_postpone(delivery=delivery_on(subscription, tuesday(2)), to_date=tuesday(6), actor=garden_staff)
    services.delivery_double(delivery=delivery_on(subscription, tuesday(3)), actor=garden_staff)
    services.closure_declare(
        depot=depot, starts_on=tuesday(8), ends_on=tuesday(8), replacement=other_depot, actor=garden_staff
    )
    travel(dt.datetime(2027, 3, 5, 12, 0))  # after the first Tuesday
    response = signed_in.get(LIST)
    assert response.status_code == 200
    html = response.content.decode()
    (calendar,) = response.context["calendars"]
    states = {row.delivery.date: (row.state, row.label) for month in calendar.upcoming for row in month.rows}
    past = {row.delivery.date: row.state for month in calendar.past for row in month.rows}
    assert past == {tuesday(0): "delivered"}
    assert states[tuesday(1)][0] == "cancelled"
    assert states[tuesday(2)] == ("postponed", "Reportée au 13 avril 2027")
    assert states[tuesday(3)][0] == "doubled"
    assert states[tuesday(4)][0] == "planned"
    assert states[tuesday(6)][0] == "doubled"
    assert [month.first_day for month in calendar.upcoming][:3] == [
        dt.date(2027, 3, 1),
        dt.date(2027, 4, 1),
        dt.date(2027, 5, 1),
    ]
    assert "Mars 2027" in html and "Avril 2027" in html
    # Closed depot: the delivery is at the replacement, and the page says so.
    moved = delivery_on(subscription, tuesday(8))
    assert moved.depot_id == other_depot.pk
    item = html.split(f'id="delivery-{moved.pk}"')[1].split("</li>")[0]
    assert "Mairie" in item and "Biocoop Centre" in item
    # The basket received from the postponed delivery is named on its new date.
    target = delivery_on(subscription, tuesday(6))
    assert "16 mars 2027" in html.split(f'id="delivery-{target.pk}"')[1].split("</li>")[0]
    # Actions only on coming planned deliveries: not on the cancelled, postponed or past ones.
    for day in (tuesday(0), tuesday(1), tuesday(2)):
        assert url("postpone", delivery_on(subscription, day).pk) not in html
    planned = delivery_on(subscription, tuesday(4))
    for name in ("postpone", "double", "cancel"):
        assert url(name, planned.pk) in html
    assert url("postpone", delivery_on(subscription, tuesday(3)).pk) not in html  # already doubled


def test_counters_in_plain_words(client, member_user, member, subscribe, garden, garden_staff):
    plan = make_plan(
        garden,
        max_cancellations=3,
        cancellation_needs_doubling=True,
        quota_window_starts_on=dt.date(2027, 7, 1),
        quota_window_ends_on=dt.date(2027, 8, 31),
        quota_window_max=3,
    )
    subscription = subscribe(member, plan)
    for week in (1, 2):
        services.delivery_cancel(delivery=delivery_on(subscription, tuesday(week)), actor=member_user)
    services.delivery_double(delivery=delivery_on(subscription, tuesday(5)), actor=member_user)
    client.force_login(member_user)
    html = client.get("/en" + LIST).content.decode()
    assert "You have cancelled 2 baskets this season and doubled 1: 1 basket to double before 21 December 2027." in html
    assert "1 cancellation left out of 3." in html
    assert "Between 1 July 2027 and 31 August 2027: 0 of 3 cancellations or postponements used." in html


def test_counters_leave_out_limits_the_plan_does_not_set(client, member_user, member, subscribe, garden):
    subscribe(member, make_plan(garden, name="Œufs"))
    client.force_login(member_user)
    response = client.get("/en" + LIST)
    (calendar,) = response.context["calendars"]
    assert calendar.counters == ["You have cancelled 0 baskets this season and doubled 0."]


def test_every_member_record_of_the_user_is_listed(signed_in, subscribe, member_user, member, plan, garden):
    other_garden = make_plan(garden, name="Fromage")
    subscribe(member, other_garden)
    other_member = MemberFactory(organisation=garden, user=UserFactory())
    subscribe(other_member, plan)
    subscribe(member, plan)
    calendars = signed_in.get(LIST).context["calendars"]
    assert sorted(str(calendar.subscription.plan) for calendar in calendars) == ["Fromage", "Panier simple"]


# --- postpone --------------------------------------------------------------------------------------------


def test_postpone_to_another_planned_date(signed_in, subscription):
    delivery, target = delivery_on(subscription, tuesday(4)), delivery_on(subscription, tuesday(7))
    page = signed_in.get(url("postpone", delivery.pk))
    assert page.status_code == 200
    choices = dict(page.context["form"].fields["to_date"].choices)
    assert tuesday(7).isoformat() in choices and tuesday(4).isoformat() not in choices
    response = signed_in.post(url("postpone", delivery.pk), {"to_date": tuesday(7).isoformat()})
    assert response.status_code == 302 and response["Location"] == f"{LIST}#delivery-{target.pk}"
    assert state(delivery) == (DeliveryStatus.POSTPONED, 1)
    assert state(target) == (DeliveryStatus.PLANNED, 2)
    assert "20 avril 2027" in message_texts(response)[0]


def test_postpone_to_a_date_typed_in(signed_in, subscribe, member, garden):
    eggs = subscribe(member, make_plan(garden, name="Œufs", frequency=Frequency.FORTNIGHTLY))
    delivery = delivery_on(eggs, tuesday(4))
    assert not eggs.deliveries.filter(date=tuesday(5)).exists()
    response = signed_in.post(url("postpone", delivery.pk), {"to_date": "other", "other_date": tuesday(5).isoformat()})
    assert response.status_code == 302
    assert state(delivery)[0] == DeliveryStatus.POSTPONED
    assert eggs.deliveries.get(date=tuesday(5)).baskets == 1


def test_postpone_refused_for_a_day_without_delivery(signed_in, subscription):
    delivery = delivery_on(subscription, tuesday(4))
    friday = tuesday(5) + dt.timedelta(days=3)
    response = signed_in.post(url("postpone", delivery.pk), {"to_date": "other", "other_date": friday.isoformat()})
    assert response.status_code == 200
    assert response.context["refusal"].code == "no_delivery_that_day"
    errors = response.context["form"].errors["other_date"]
    assert "Biocoop Centre" in errors[0] and errors[0] in response.content.decode().replace("&#x27;", "'")
    assert state(delivery) == (DeliveryStatus.PLANNED, 1)
    assert not DeliveryChange.objects.exists()


def test_postpone_needs_a_date(signed_in, subscription):
    delivery = delivery_on(subscription, tuesday(4))
    response = signed_in.post(url("postpone", delivery.pk), {"to_date": "other", "other_date": ""})
    assert response.status_code == 200 and "other_date" in response.context["form"].errors
    assert state(delivery) == (DeliveryStatus.PLANNED, 1)


def test_postpone_to_a_full_date_lists_the_dates_with_room(signed_in, subscribe, subscription, plan, garden):
    for _index in range(2):  # the plan's cap: 2 doubled baskets per date
        other = subscribe(MemberFactory(organisation=garden, user=UserFactory()), plan)
        services.delivery_double(delivery=delivery_on(other, tuesday(7)), actor=other.member.user)
    delivery = delivery_on(subscription, tuesday(4))
    page = signed_in.get(url("postpone", delivery.pk))
    assert (
        "plus aucun panier ne peut être doublé"
        in dict(page.context["form"].fields["to_date"].choices)[tuesday(7).isoformat()]
    )
    response = signed_in.post(url("postpone", delivery.pk), {"to_date": tuesday(7).isoformat()})
    refusal = response.context["refusal"]
    assert refusal.code == "doubling_cap_reached"
    assert refusal.dates_with_room and tuesday(7) not in refusal.dates_with_room
    assert tuesday(4) not in refusal.dates_with_room  # the delivery being postponed
    html = response.content.decode()
    assert 'data-code="doubling_cap_reached"' in html and "16 mars 2027" in html
    assert state(delivery) == (DeliveryStatus.PLANNED, 1)
    assert state(delivery_on(subscription, tuesday(7))) == (DeliveryStatus.PLANNED, 1)


# --- cancel ----------------------------------------------------------------------------------------------


def test_cancel_asks_for_confirmation_first(signed_in, subscription):
    delivery = delivery_on(subscription, tuesday(4))
    page = signed_in.get(url("cancel", delivery.pk))
    assert page.status_code == 200 and page.context["counters"]
    assert state(delivery) == (DeliveryStatus.PLANNED, 1)
    response = signed_in.post(url("cancel", delivery.pk))
    assert response.status_code == 302 and response["Location"] == f"{LIST}#delivery-{delivery.pk}"
    assert state(delivery)[0] == DeliveryStatus.CANCELLED
    assert DeliveryChange.objects.get().actor_id == delivery.subscription.member.user_id


def test_cancel_refused_within_the_notice(signed_in, travel, subscription):
    delivery = delivery_on(subscription, tuesday(1))  # 9 March 2027 at 17:00; changes close 48 hours before
    travel(dt.datetime(2027, 3, 7, 17, 1))
    response = signed_in.post(url("cancel", delivery.pk))
    assert response.status_code == 200
    assert response.context["refusal"].code == "notice_too_short"
    assert "48" in response.context["refusal"].message
    assert response.context["refusal"].message in response.content.decode()
    assert state(delivery) == (DeliveryStatus.PLANNED, 1)
    travel(dt.datetime(2027, 3, 7, 17, 0))  # exactly at the limit: still allowed
    assert signed_in.post(url("cancel", delivery.pk)).status_code == 302
    assert state(delivery)[0] == DeliveryStatus.CANCELLED


def test_cancel_refused_beyond_the_quota_shows_the_counters(signed_in, member_user, subscription):
    for week in (1, 2, 3):  # the plan allows 3 cancellations
        services.delivery_cancel(delivery=delivery_on(subscription, tuesday(week)), actor=member_user)
    delivery = delivery_on(subscription, tuesday(4))
    response = signed_in.post("/en" + url("cancel", delivery.pk))
    refusal = response.context["refusal"]
    assert refusal.code == "quota_exceeded"
    html = response.content.decode()
    assert "This subscription allows 3 cancellations, all already used." in html
    assert "0 cancellations left out of 3." in html
    assert state(delivery) == (DeliveryStatus.PLANNED, 1)
    assert DeliveryChange.objects.count() == 3


# --- double ----------------------------------------------------------------------------------------------


def test_double_from_the_calendar(signed_in, subscription):
    delivery = delivery_on(subscription, tuesday(4))
    assert signed_in.get(url("double", delivery.pk)).status_code == 200
    assert state(delivery) == (DeliveryStatus.PLANNED, 1)
    response = signed_in.post(url("double", delivery.pk))
    assert response.status_code == 302
    assert state(delivery) == (DeliveryStatus.PLANNED, 2)
    assert "30 mars 2027" in message_texts(response)[0]


def test_double_refused_at_the_cap_offers_dates_with_room(signed_in, subscribe, subscription, plan, garden):
    for _index in range(2):
        other = subscribe(MemberFactory(organisation=garden, user=UserFactory()), plan)
        services.delivery_double(delivery=delivery_on(other, tuesday(4)), actor=other.member.user)
    delivery = delivery_on(subscription, tuesday(4))
    response = signed_in.post(url("double", delivery.pk))
    assert response.status_code == 200
    assert response.context["refusal"].code == "doubling_cap_reached"
    alternatives = response.context["alternatives"]
    assert alternatives and delivery not in alternatives
    assert all(other.subscription_id == subscription.pk for other in alternatives)
    html = response.content.decode()
    assert f'action="{url("double", alternatives[0].pk)}"' in html
    assert state(delivery) == (DeliveryStatus.PLANNED, 1)
    assert signed_in.post(url("double", alternatives[0].pk)).status_code == 302
    assert state(alternatives[0]) == (DeliveryStatus.PLANNED, 2)


# --- another member's deliveries -------------------------------------------------------------------------


def test_another_members_delivery_is_not_found(signed_in, subscribe, plan, garden):
    stranger = subscribe(MemberFactory(organisation=garden, user=UserFactory()), plan)
    delivery = delivery_on(stranger, tuesday(4))
    for name in ("postpone", "cancel", "double"):
        assert signed_in.get(url(name, delivery.pk)).status_code == 404
        assert signed_in.post(url(name, delivery.pk), {"to_date": tuesday(6).isoformat()}).status_code == 404
    for name in ("change_depot", "change_day"):
        assert signed_in.get(url(name, stranger.pk)).status_code == 404
        assert signed_in.post(url(name, stranger.pk)).status_code == 404
    assert state(delivery) == (DeliveryStatus.PLANNED, 1)
    assert not DeliveryChange.objects.exists()


# --- absences --------------------------------------------------------------------------------------------


def test_absence_lists_every_subscription_then_confirms(signed_in, subscribe, subscription, member, garden):
    eggs = subscribe(member, make_plan(garden, name="Œufs"))
    period = {"from_date": tuesday(4).isoformat(), "until_date": tuesday(5).isoformat()}
    page = signed_in.get(ABSENCE, period)
    assert page.context["step"] == "choose"
    form = page.context["form"]
    found = set(form.fields["deliveries"].queryset)
    expected = {delivery_on(s, day) for s in (subscription, eggs) for day in (tuesday(4), tuesday(5))}
    assert found == expected
    assert set(form["deliveries"].value()) == {delivery.pk for delivery in expected}  # all checked
    assert page.content.decode().count('type="checkbox"') == 4 and page.content.decode().count("checked") == 4

    chosen = [delivery_on(subscription, tuesday(4)), delivery_on(eggs, tuesday(4)), delivery_on(eggs, tuesday(5))]
    data = {**period, "deliveries": [delivery.pk for delivery in chosen]}
    review = signed_in.post(ABSENCE, data)
    assert review.status_code == 200 and review.context["step"] == "confirm"
    assert not Delivery.objects.filter(status=DeliveryStatus.CANCELLED).exists()

    response = signed_in.post(ABSENCE, {**data, "confirm": "1"})
    assert response.status_code == 302 and response["Location"] == LIST
    assert set(Delivery.objects.filter(status=DeliveryStatus.CANCELLED)) == set(chosen)
    assert state(delivery_on(subscription, tuesday(5)))[0] == DeliveryStatus.PLANNED
    assert message_texts(response)


def test_absence_needs_a_delivery_and_dates_in_order(signed_in, subscription):
    period = {"from_date": tuesday(5).isoformat(), "until_date": tuesday(4).isoformat()}
    assert "until_date" in signed_in.get(ABSENCE, period).context["dates_form"].errors
    period = {"from_date": tuesday(4).isoformat(), "until_date": tuesday(5).isoformat()}
    response = signed_in.post(ABSENCE, {**period, "confirm": "1"})
    assert response.context["step"] == "choose" and "deliveries" in response.context["form"].errors
    assert not DeliveryChange.objects.exists()


def test_absence_refused_changes_nothing(signed_in, travel, subscribe, subscription, member, garden):
    eggs = subscribe(member, make_plan(garden, name="Œufs"))
    chosen = [delivery_on(eggs, tuesday(2)), delivery_on(subscription, tuesday(1))]
    travel(dt.datetime(2027, 3, 8, 9, 0))  # the 9 March delivery is within its 48 hours' notice
    data = {
        "from_date": tuesday(1).isoformat(),
        "until_date": tuesday(2).isoformat(),
        "deliveries": [delivery.pk for delivery in chosen],
        "confirm": "1",
    }
    response = signed_in.post(ABSENCE, data)
    assert response.status_code == 200
    assert response.context["refusal"].code == "notice_too_short"
    assert response.context["refusal"].message in response.content.decode()
    assert not Delivery.objects.filter(status=DeliveryStatus.CANCELLED).exists()


# --- depot and day changes -------------------------------------------------------------------------------


def test_change_depot_for_the_rest_of_the_subscription(signed_in, subscription, other_depot):
    page = signed_in.get(url("change_depot", subscription.pk))
    assert page.status_code == 200 and "Mairie" in page.content.decode()
    response = signed_in.post(
        url("change_depot", subscription.pk),
        {"depot": other_depot.pk, "from_date": tuesday(10).isoformat(), "scope": "rest"},
    )
    assert response.status_code == 302
    subscription.refresh_from_db()
    assert subscription.depot_id == other_depot.pk
    assert delivery_on(subscription, tuesday(9)).depot_id != other_depot.pk
    assert delivery_on(subscription, tuesday(10)).depot_id == other_depot.pk
    assert delivery_on(subscription, tuesday(30)).depot_id == other_depot.pk


def test_change_depot_for_a_period(signed_in, subscription, depot, other_depot):
    data = {"depot": other_depot.pk, "from_date": tuesday(10).isoformat(), "scope": "period", "until_date": ""}
    response = signed_in.post(url("change_depot", subscription.pk), data)
    assert "until_date" in response.context["form"].errors
    data["until_date"] = tuesday(11).isoformat()
    assert signed_in.post(url("change_depot", subscription.pk), data).status_code == 302
    subscription.refresh_from_db()
    assert subscription.depot_id == depot.pk
    moved = set(subscription.deliveries.filter(depot=other_depot).values_list("date", flat=True))
    assert moved == {tuesday(10), tuesday(11)}


def test_restricted_depot_asks_its_access_code_then_shows_its_note(signed_in, subscription, garden):
    hidden = depot_with_days(garden, name="Jardin partagé", restricted=True, public_note="Portail vert, au fond.")
    page = signed_in.get(url("change_depot", subscription.pk)).content.decode()
    assert "Jardin partagé" in page and 'name="access_code"' in page
    data = {"depot": hidden.pk, "from_date": tuesday(10).isoformat(), "scope": "rest", "access_code": "0000"}
    response = signed_in.post(url("change_depot", subscription.pk), data)
    assert response.status_code == 200
    assert response.context["refusal"].code == "wrong_access_code"
    assert response.context["form"].errors["access_code"]
    assert not subscription.deliveries.filter(depot=hidden).exists()
    response = signed_in.post(url("change_depot", subscription.pk), {**data, "access_code": "1234"})
    assert response.status_code == 302
    assert subscription.deliveries.filter(depot=hidden, date=tuesday(10)).exists()
    assert any("Portail vert, au fond." in text for text in message_texts(response))


def test_change_delivery_day_and_depot(signed_in, subscription, other_depot):
    page = signed_in.get(url("change_day", subscription.pk))
    assert set(dict(page.context["form"].fields["weekday"].choices)) == {Weekday.TUESDAY, Weekday.FRIDAY}
    data = {"weekday": Weekday.FRIDAY, "depot": other_depot.pk, "from_date": tuesday(10).isoformat()}
    response = signed_in.post(url("change_day", subscription.pk), data)
    assert response.status_code == 302
    subscription.refresh_from_db()
    assert (subscription.weekday, subscription.depot_id) == (Weekday.FRIDAY, other_depot.pk)
    friday = tuesday(10) + dt.timedelta(days=3)
    assert delivery_on(subscription, friday).depot_id == other_depot.pk
    assert subscription.deliveries.filter(date=tuesday(9)).exists()


def test_change_day_refused_where_the_depot_does_not_deliver(signed_in, subscription, depot, other_depot):
    data = {"weekday": Weekday.FRIDAY, "from_date": tuesday(10).isoformat()}  # Biocoop Centre: Tuesdays only
    response = signed_in.post(url("change_day", subscription.pk), data)
    assert response.status_code == 200
    assert response.context["refusal"].code == "no_delivery_that_day"
    assert response.context["form"].errors["weekday"]
    subscription.refresh_from_db()
    assert subscription.weekday == Weekday.TUESDAY
    assert not DeliveryChange.objects.exists()


# --- monthly statement -----------------------------------------------------------------------------------


def test_monthly_statement(signed_in, member_user, subscription):
    may = [day for day in (tuesday(week) for week in range(8, 14)) if day.month == 5]
    assert len(may) == 4
    services.delivery_cancel(delivery=delivery_on(subscription, may[0]), actor=member_user)
    services.delivery_double(delivery=delivery_on(subscription, may[1]), actor=member_user)
    response = signed_in.get(reverse("my_deliveries:statement", kwargs={"year": "2027", "month": "05"}))
    assert response.status_code == 200
    statement = response.context["statement"]
    assert [line.date for line in statement.lines] == may[1:]
    # 4 baskets at 12.00 and 3 deliveries with a 1.50 fee.
    assert statement.total_baskets == 4
    assert statement.total_due == Decimal("52.50")
    html = response.content.decode()
    assert "52,50 €" in html and "4,50 €" in html


def test_statement_month_navigation(signed_in, travel):
    travel(dt.datetime(2027, 5, 3, 10, 0))
    response = signed_in.get(reverse("my_deliveries:statement_current"))
    assert response["Location"] == reverse("my_deliveries:statement", kwargs={"year": "2027", "month": "05"})
    assert signed_in.get("/mes-livraisons/releve/2027-13/").status_code == 404
    page = signed_in.get("/mes-livraisons/releve/2027-12/")
    assert not page.context["statement"].lines
    assert reverse("my_deliveries:statement", kwargs={"year": "2028", "month": "01"}) in page.content.decode()


def test_the_calendar_costs_the_same_queries_whatever_the_number_of_subscriptions(
    signed_in, subscribe, subscription, member, garden, django_assert_num_queries
):
    signed_in.get(LIST)  # warms the session and permission caches
    with CaptureQueriesContext(connection) as one:
        assert signed_in.get(LIST).status_code == 200
    for name in ("Œufs", "Fromage"):
        subscribe(member, make_plan(garden, name=name, price=Decimal("4.00")))
    with django_assert_num_queries(len(one.captured_queries)):
        assert len(signed_in.get(LIST).context["calendars"]) == 3
