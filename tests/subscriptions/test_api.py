"""The subscriptions API through the real stack: own vs staff vs other organisations, each change, its refusals."""

import datetime as dt
from decimal import Decimal
from urllib.parse import quote

import pytest
import yaml
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from drf_spectacular.validation import validate_schema
from rest_framework.authtoken.models import Token

from shops.choices import OrganisationKind, Weekday
from subscriptions import services
from subscriptions.choices import ChangeKind, DeliveryStatus
from subscriptions.models import Delivery, DeliveryChange, Season, Subscription
from tests.api.utils import Client
from tests.factories import MemberFactory, OrganisationFactory, UserFactory, make_staff

from .conftest import SEASON_END, SEASON_START, depot_with_days, make_plan, tuesday

pytestmark = pytest.mark.django_db

SUBSCRIPTIONS = "/api/v1/subscriptions/"
DELIVERIES = "/api/v1/deliveries/"
ABSENCES = "/api/v1/absences/"


def api(user=None) -> Client:
    """A client authenticated with a token (a session would expire when the tests move the clock)."""
    client = Client()
    if user is not None:
        client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}")
    return client


def delivery_on(subscription, day) -> Delivery:
    return subscription.deliveries.get(date=day)


def post(client, url, body=None):
    return client.post(url, body or {}, format="json")


@pytest.fixture
def mine(subscribe, member, plan):
    return subscribe(member, plan)


@pytest.fixture
def neighbour(garden):
    """Another member of the same garden, with a login."""
    return MemberFactory(organisation=garden, user=UserFactory(), first_name="Dominique")


@pytest.fixture
def theirs(subscribe, neighbour, plan):
    return subscribe(neighbour, plan)


@pytest.fixture
def eggs(garden):
    return make_plan(garden, name="Œufs", price=Decimal("4.00"), notice_hours=48)


@pytest.fixture
def restricted(garden):
    return depot_with_days(garden, name="Entreprise Solidaire", restricted=True, public_note="Badge à l'accueil.")


# Authentication and tenant isolation


def test_anonymous_clients_are_asked_to_sign_in(mine):
    client = api()
    delivery = delivery_on(mine, tuesday(2))
    for url in (SUBSCRIPTIONS, f"{SUBSCRIPTIONS}{mine.pk}/", DELIVERIES, f"{DELIVERIES}{delivery.pk}/"):
        assert client.get(url).status_code == 401, url
    for url in (
        f"{DELIVERIES}{delivery.pk}/cancel/",
        f"{DELIVERIES}{delivery.pk}/double/",
        f"{DELIVERIES}{delivery.pk}/postpone/",
        f"{SUBSCRIPTIONS}{mine.pk}/change-depot/",
        f"{SUBSCRIPTIONS}{mine.pk}/change-day/",
        ABSENCES,
    ):
        response = post(client, url)
        assert response.status_code == 401, url
        assert response.json()["code"] == "not_authenticated"
    assert not DeliveryChange.objects.exists()


def test_a_member_sees_their_subscriptions_with_counters_in_every_organisation(mine, theirs, member_user, garden_staff):
    other_garden = OrganisationFactory(kind=OrganisationKind.CSA_GARDEN, name="Jardin du Val")
    other_staff = make_staff(other_garden)
    services.season_save(
        season=Season(organisation=other_garden, name="2027", starts_on=SEASON_START, ends_on=SEASON_END)
    )
    elsewhere = services.subscription_create(
        member=MemberFactory(organisation=other_garden, user=member_user),
        plan=make_plan(other_garden, name="Fromage"),
        depot=depot_with_days(other_garden, name="Halle"),
        weekday=Weekday.TUESDAY,
        starts_on=SEASON_START,
        ends_on=SEASON_END,
        actor=other_staff,
    )

    results = api(member_user).results(SUBSCRIPTIONS)

    assert sorted(row["id"] for row in results) == sorted([mine.pk, elsewhere.pk])
    row = next(row for row in results if row["id"] == mine.pk)
    assert {key: row[key] for key in ("product", "quantity", "depot", "depot_name", "weekday", "starts_on")} == {
        "product": "Panier simple",
        "quantity": 1,
        "depot": mine.depot_id,
        "depot_name": "Biocoop Centre",
        "weekday": Weekday.TUESDAY,
        "starts_on": SEASON_START.isoformat(),
    }
    assert row["ends_on"] == SEASON_END.isoformat() and row["delivery_count"] is None
    assert row["price_per_delivery"] == "12.00" and row["discount_percent"] == "0.00" and row["funder"] is None
    assert row["counters"] == {
        "cancelled": 0,
        "max_cancellations": 3,
        "postponed": 0,
        "doubled": 0,
        "window_starts_on": None,
        "window_ends_on": None,
        "window_used": 0,
        "window_max": None,
        "to_make_up": 0,
        "make_up_before": None,
    }
    assert api(member_user).get(f"{SUBSCRIPTIONS}{mine.pk}/").json()["id"] == mine.pk
    assert api(member_user).get(f"{SUBSCRIPTIONS}{theirs.pk}/").status_code == 404
    assert sorted(api(garden_staff).ids(SUBSCRIPTIONS)) == sorted([mine.pk, theirs.pk])
    assert api(other_staff).ids(SUBSCRIPTIONS) == [elsewhere.pk]


def test_staff_of_another_organisation_see_nothing_and_change_nothing(mine, member, staff_b, other_depot):
    client = api(staff_b)
    delivery = delivery_on(mine, tuesday(2))

    assert client.results(SUBSCRIPTIONS) == [] and client.results(DELIVERIES) == []
    assert client.get(f"{SUBSCRIPTIONS}{mine.pk}/").status_code == 404
    assert client.get(f"{DELIVERIES}{delivery.pk}/").status_code == 404
    override = {"override": True, "reason": "Essai"}
    for url, body in (
        (f"{DELIVERIES}{delivery.pk}/cancel/", override),
        (f"{DELIVERIES}{delivery.pk}/double/", override),
        (f"{DELIVERIES}{delivery.pk}/postpone/", {"to_date": tuesday(3).isoformat(), **override}),
        (
            f"{SUBSCRIPTIONS}{mine.pk}/change-depot/",
            {"depot": other_depot.pk, "from_date": tuesday(2).isoformat(), **override},
        ),
        (f"{SUBSCRIPTIONS}{mine.pk}/change-day/", {"weekday": 4, "from_date": tuesday(2).isoformat(), **override}),
    ):
        assert post(client, url, body).status_code == 404, url
    body = {"from_date": tuesday(2).isoformat(), "until_date": tuesday(3).isoformat(), "deliveries": "all"}
    response = post(client, ABSENCES, {**body, "member": member.pk})
    assert response.status_code == 400
    assert "member" in response.json()
    assert not DeliveryChange.objects.exists()
    assert Delivery.objects.filter(subscription=mine).exclude(status=DeliveryStatus.PLANNED).count() == 0


def test_another_members_delivery_is_not_found(mine, theirs, neighbour):
    client = api(neighbour.user)
    delivery = delivery_on(mine, tuesday(2))

    assert client.ids(DELIVERIES, {"to": tuesday(1).isoformat()}) == [
        theirs.deliveries.get(date=tuesday(0)).pk,
        theirs.deliveries.get(date=tuesday(1)).pk,
    ]
    assert client.results(DELIVERIES, {"subscription": mine.pk}) == []
    assert client.get(f"{DELIVERIES}{delivery.pk}/").status_code == 404
    for action in ("cancel", "double"):
        assert post(client, f"{DELIVERIES}{delivery.pk}/{action}/").status_code == 404
    response = post(client, f"{DELIVERIES}{delivery.pk}/postpone/", {"to_date": tuesday(3).isoformat()})
    assert response.status_code == 404
    assert response.json()["detail"]
    body = {"from_date": tuesday(2).isoformat(), "until_date": tuesday(2).isoformat(), "deliveries": [delivery.pk]}
    response = post(client, ABSENCES, body)
    assert response.status_code == 400 and response.json()["code"] == "not_in_absence"
    assert Delivery.objects.get(pk=delivery.pk).status == DeliveryStatus.PLANNED
    assert not DeliveryChange.objects.exists()


# Listing deliveries


def test_deliveries_between_two_dates_paginated(mine, member_user, eggs, subscribe, member):
    egg_subscription = subscribe(member, eggs)
    client = api(member_user)

    response = client.get(DELIVERIES, {"from": tuesday(2).isoformat(), "to": tuesday(3).isoformat(), "page_size": 3})

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 4 and body["next"]
    row = body["results"][0]
    assert row == {
        "id": row["id"],
        "subscription": row["subscription"],
        "product": row["product"],
        "date": tuesday(2).isoformat(),
        "depot": mine.depot_id,
        "depot_name": "Biocoop Centre",
        "status": "planned",
        "baskets": 1,
        "doubled": False,
        "fee": "1.50",
        "moved_by_closure": False,
        "postponed_to": None,
    }
    assert {row["product"] for row in body["results"][:2]} == {"Panier simple", "Œufs"}
    only_eggs = client.results(DELIVERIES, {"from": tuesday(2).isoformat(), "subscription": egg_subscription.pk})
    assert only_eggs[0]["date"] == tuesday(2).isoformat()
    assert {row["subscription"] for row in only_eggs} == {egg_subscription.pk}


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"from": "2027-13-45"}, "from"),
        ({"from": "demain"}, "from"),
        ({"to": "16/03/2027"}, "to"),
        ({"from": "2027-03-16", "to": "2027-03-02"}, "to"),
        ({"subscription": "abc"}, "subscription"),
        ({"subscription": "9" * 30}, "subscription"),
    ],
)
def test_malformed_list_parameters_are_400s_naming_the_parameter(mine, member_user, query, field):
    response = api(member_user).get(DELIVERIES, query)

    assert response.status_code == 400
    assert list(response.json()) == [field]
    assert response.json()[field][0]


def test_hostile_parameters_and_ids_never_break_the_list(mine, member_user):
    client = api(member_user)
    for param in ("from", "to", "subscription", "page", "page_size"):
        for value in ("", "0", "-1", "1e400", "9" * 5000, "\x00", "１２", "' OR 1=1 --", "2027-02-30", "null"):
            response = client.get(f"{DELIVERIES}?{param}={quote(value, safe='')}")
            assert response.status_code in (200, 400), (param, value, response.status_code)
    for raw in ("abc", "0", "-1", "9" * 30, "1e3"):
        for url in (SUBSCRIPTIONS, DELIVERIES):
            assert client.get(f"{url}{raw}/").status_code == 404, (url, raw)
        assert post(client, f"{DELIVERIES}{raw}/cancel/").status_code == 404
    delivery = delivery_on(mine, tuesday(2))
    for url, expected in (
        (f"{DELIVERIES}?format=api", 200),
        (f"{DELIVERIES}?format=api&from=abc", 400),
        (f"{SUBSCRIPTIONS}?format=api", 200),
        (f"{SUBSCRIPTIONS}{mine.pk}/change-depot/?format=api", 405),
        (f"{DELIVERIES}{delivery.pk}/postpone/?format=api", 405),
    ):
        assert client.get(url).status_code == expected, url


# The changes


def test_a_member_cancels_a_delivery(mine, member_user):
    delivery = delivery_on(mine, tuesday(2))

    response = post(api(member_user), f"{DELIVERIES}{delivery.pk}/cancel/")

    assert response.status_code == 200, response.content
    assert response.json()["id"] == delivery.pk and response.json()["status"] == "cancelled"
    assert Delivery.objects.get(pk=delivery.pk).status == DeliveryStatus.CANCELLED
    change = DeliveryChange.objects.get()
    assert (change.kind, change.actor, change.override) == (ChangeKind.CANCEL, member_user, False)
    counters = api(member_user).get(f"{SUBSCRIPTIONS}{mine.pk}/").json()["counters"]
    assert counters["cancelled"] == 1


def test_a_member_postpones_a_delivery_to_another_week(mine, member_user):
    delivery, target = delivery_on(mine, tuesday(2)), delivery_on(mine, tuesday(4))

    response = post(api(member_user), f"{DELIVERIES}{delivery.pk}/postpone/", {"to_date": tuesday(4).isoformat()})

    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["delivery"]["id"], body["delivery"]["status"], body["delivery"]["postponed_to"]) == (
        delivery.pk,
        "postponed",
        target.pk,
    )
    assert (body["to"]["id"], body["to"]["baskets"], body["to"]["doubled"]) == (target.pk, 2, True)
    assert Delivery.objects.get(pk=target.pk).baskets == 2
    assert Delivery.objects.get(pk=delivery.pk).status == DeliveryStatus.POSTPONED


def test_a_member_doubles_a_delivery(mine, member_user):
    delivery = delivery_on(mine, tuesday(2))

    response = post(api(member_user), f"{DELIVERIES}{delivery.pk}/double/")

    assert response.status_code == 200, response.content
    assert (response.json()["baskets"], response.json()["doubled"]) == (2, True)
    assert Delivery.objects.get(pk=delivery.pk).baskets == 2
    assert DeliveryChange.objects.get().kind == ChangeKind.DOUBLE


def test_a_member_changes_depot_for_two_weeks(mine, member_user, other_depot, depot):
    body = {"depot": other_depot.pk, "from_date": tuesday(2).isoformat(), "until_date": tuesday(3).isoformat()}

    response = post(api(member_user), f"{SUBSCRIPTIONS}{mine.pk}/change-depot/", body)

    assert response.status_code == 200, response.content
    answer = response.json()
    assert answer["moved"] == 2
    assert answer["depot"] == {"id": other_depot.pk, "name": "Mairie", "restricted": False, "public_note": ""}
    assert answer["subscription"]["id"] == mine.pk and answer["subscription"]["depot"] == depot.pk
    moved = mine.deliveries.filter(depot=other_depot).values_list("date", flat=True)
    assert sorted(moved) == [tuesday(2), tuesday(3)]
    assert Subscription.objects.get(pk=mine.pk).depot == depot


def test_a_restricted_depot_needs_its_access_code(mine, member_user, restricted, depot):
    client = api(member_user)
    url = f"{SUBSCRIPTIONS}{mine.pk}/change-depot/"
    body = {"depot": restricted.pk, "from_date": tuesday(2).isoformat(), "until_date": None}

    for code in ("0000", ""):
        response = post(client, url, {**body, "access_code": code})
        assert response.status_code == 409
        assert response.json()["code"] == "wrong_access_code" and response.json()["field"] == "access_code"
    assert not mine.deliveries.filter(depot=restricted).exists()
    assert Subscription.objects.get(pk=mine.pk).depot == depot
    assert not DeliveryChange.objects.exists()

    response = post(client, url, {**body, "access_code": "1234"})

    assert response.status_code == 200, response.content
    answer = response.json()
    assert answer["depot"]["public_note"] == "Badge à l'accueil." and answer["depot"]["restricted"] is True
    planned_from_then = mine.deliveries.filter(date__gte=tuesday(2))
    assert answer["moved"] == planned_from_then.count()
    assert set(planned_from_then.values_list("depot", flat=True)) == {restricted.pk}
    assert answer["subscription"]["depot"] == restricted.pk
    assert Subscription.objects.get(pk=mine.pk).depot == restricted


def test_a_member_changes_the_delivery_day(mine, member_user, other_depot):
    body = {"weekday": Weekday.FRIDAY, "from_date": tuesday(2).isoformat(), "depot": other_depot.pk}

    response = post(api(member_user), f"{SUBSCRIPTIONS}{mine.pk}/change-day/", body)

    assert response.status_code == 200, response.content
    answer = response.json()
    assert answer["subscription"]["weekday"] == Weekday.FRIDAY
    assert answer["depot"]["id"] == other_depot.pk and answer["moved"] > 0
    friday = tuesday(2) + dt.timedelta(days=3)
    assert mine.deliveries.get(date=friday).depot == other_depot
    assert not mine.deliveries.filter(date=tuesday(2)).exists()
    assert mine.deliveries.get(date=tuesday(1)).depot_id == mine.depot_id


# Refusals: 409 with a code and the counters


def test_too_late_to_change_is_notice_too_short(mine, member_user, clock):
    delivery = delivery_on(mine, tuesday(2))
    clock.set(dt.datetime.combine(tuesday(2), dt.time(17)) - dt.timedelta(hours=47))

    response = post(api(member_user), f"{DELIVERIES}{delivery.pk}/cancel/")

    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "notice_too_short" and body["date"] == tuesday(2).isoformat()
    assert body["counters"]["cancelled"] == 0 and body["detail"]
    assert Delivery.objects.get(pk=delivery.pk).status == DeliveryStatus.PLANNED


def test_the_fourth_cancellation_is_quota_exceeded(mine, member_user):
    client = api(member_user)
    for week in (2, 3, 4):
        assert post(client, f"{DELIVERIES}{delivery_on(mine, tuesday(week)).pk}/cancel/").status_code == 200

    response = post(client, f"{DELIVERIES}{delivery_on(mine, tuesday(5)).pk}/cancel/")

    assert response.status_code == 409
    assert response.json()["code"] == "quota_exceeded"
    assert response.json()["counters"]["cancelled"] == 3 and response.json()["counters"]["max_cancellations"] == 3
    assert delivery_on(mine, tuesday(5)).status == DeliveryStatus.PLANNED


def test_a_full_date_is_doubling_cap_reached_with_the_dates_with_room(mine, member_user, subscribe, plan, garden):
    for _ in range(2):
        other = MemberFactory(organisation=garden, user=UserFactory())
        services.delivery_double(delivery=delivery_on(subscribe(other, plan), tuesday(2)), actor=other.user)
    delivery = delivery_on(mine, tuesday(2))

    response = post(api(member_user), f"{DELIVERIES}{delivery.pk}/double/")

    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "doubling_cap_reached" and body["date"] == tuesday(2).isoformat()
    assert tuesday(3).isoformat() in body["dates_with_room"] and tuesday(2).isoformat() not in body["dates_with_room"]
    assert body["counters"]["doubled"] == 0
    assert Delivery.objects.get(pk=delivery.pk).baskets == 1


def test_postponing_past_the_subscription_is_outside_period(subscribe, member, plan, member_user):
    subscription = subscribe(member, plan, ends_on=tuesday(10))
    delivery = delivery_on(subscription, tuesday(9))

    response = post(api(member_user), f"{DELIVERIES}{delivery.pk}/postpone/", {"to_date": tuesday(12).isoformat()})

    assert response.status_code == 409
    assert response.json()["code"] == "outside_period" and response.json()["field"] == "to_date"
    assert Delivery.objects.get(pk=delivery.pk).status == DeliveryStatus.PLANNED
    assert not subscription.deliveries.filter(date=tuesday(12)).exists()


@pytest.mark.parametrize("value", ["2027-13-45", "next tuesday", "", None, 20270316])
def test_malformed_dates_in_bodies_are_400s(mine, member_user, value):
    client = api(member_user)
    delivery = delivery_on(mine, tuesday(2))

    response = post(client, f"{DELIVERIES}{delivery.pk}/postpone/", {"to_date": value})
    assert response.status_code == 400 and "to_date" in response.json()
    response = post(client, ABSENCES, {"from_date": value, "until_date": "2027-03-16", "deliveries": "all"})
    assert response.status_code == 400 and "from_date" in response.json()
    response = post(client, f"{SUBSCRIPTIONS}{mine.pk}/change-depot/", {"depot": mine.depot_id, "from_date": value})
    assert response.status_code == 400 and "from_date" in response.json()
    assert Delivery.objects.get(pk=delivery.pk).status == DeliveryStatus.PLANNED


def test_a_date_in_the_past_is_refused(mine, member_user, clock):
    clock.set(dt.datetime.combine(tuesday(5), dt.time(9)))
    delivery = delivery_on(mine, tuesday(6))

    response = post(api(member_user), f"{DELIVERIES}{delivery.pk}/postpone/", {"to_date": tuesday(3).isoformat()})

    assert response.status_code == 409 and response.json()["code"] == "date_in_past"


# Absences


def test_an_absence_cancels_every_subscription_of_the_member(mine, eggs, subscribe, member, member_user):
    egg_subscription = subscribe(member, eggs)
    body = {"from_date": tuesday(4).isoformat(), "until_date": tuesday(5).isoformat(), "deliveries": "all"}

    response = post(api(member_user), ABSENCES, body)

    assert response.status_code == 200, response.content
    cancelled = response.json()["deliveries"]
    assert len(cancelled) == 4 and {row["status"] for row in cancelled} == {"cancelled"}
    assert {row["subscription"] for row in cancelled} == {mine.pk, egg_subscription.pk}
    for subscription in (mine, egg_subscription):
        statuses = subscription.deliveries.filter(date__range=(tuesday(4), tuesday(5))).values_list("status", flat=True)
        assert set(statuses) == {DeliveryStatus.CANCELLED}
    assert delivery_on(mine, tuesday(6)).status == DeliveryStatus.PLANNED


def test_an_absence_cancels_only_the_chosen_deliveries(mine, eggs, subscribe, member, member_user):
    egg_subscription = subscribe(member, eggs)
    chosen = [delivery_on(mine, tuesday(4)).pk, delivery_on(mine, tuesday(5)).pk]
    body = {"from_date": tuesday(4).isoformat(), "until_date": tuesday(5).isoformat(), "deliveries": chosen}

    response = post(api(member_user), ABSENCES, body)

    assert response.status_code == 200, response.content
    assert [row["id"] for row in response.json()["deliveries"]] == chosen
    assert set(Delivery.objects.filter(pk__in=chosen).values_list("status", flat=True)) == {DeliveryStatus.CANCELLED}
    assert not egg_subscription.deliveries.exclude(status=DeliveryStatus.PLANNED).exists()


@pytest.mark.parametrize("deliveries", ["some", [], ["x"], [0], {"a": 1}, None])
def test_an_absence_needs_all_or_delivery_ids(mine, member_user, deliveries):
    body = {"from_date": tuesday(4).isoformat(), "until_date": tuesday(5).isoformat(), "deliveries": deliveries}

    response = post(api(member_user), ABSENCES, body)

    assert response.status_code == 400 and "deliveries" in response.json()
    assert not DeliveryChange.objects.exists()


def test_staff_declare_an_absence_for_a_member(mine, theirs, member, garden_staff):
    client = api(garden_staff)
    body = {"from_date": tuesday(4).isoformat(), "until_date": tuesday(4).isoformat(), "deliveries": "all"}

    response = post(client, ABSENCES, body)
    assert response.status_code == 400 and "member" in response.json()

    response = post(client, ABSENCES, {**body, "member": member.pk})

    assert response.status_code == 200, response.content
    assert [row["id"] for row in response.json()["deliveries"]] == [delivery_on(mine, tuesday(4)).pk]
    assert delivery_on(theirs, tuesday(4)).status == DeliveryStatus.PLANNED
    assert DeliveryChange.objects.get().actor == garden_staff


# Staff overrides


def test_staff_override_needs_a_reason_and_is_logged(mine, garden_staff, clock):
    delivery = delivery_on(mine, tuesday(2))
    clock.set(dt.datetime.combine(tuesday(2), dt.time(9)))
    client = api(garden_staff)
    url = f"{DELIVERIES}{delivery.pk}/cancel/"

    response = post(client, url)
    assert response.status_code == 409 and response.json()["code"] == "notice_too_short"
    response = post(client, url, {"override": True})
    assert response.status_code == 400
    assert (response.json()["code"], response.json()["field"]) == ("reason_required", "reason")
    response = post(client, url, {"override": True, "reason": "  "})
    assert response.status_code == 400 and response.json()["code"] == "reason_required"
    assert Delivery.objects.get(pk=delivery.pk).status == DeliveryStatus.PLANNED

    response = post(client, url, {"override": True, "reason": "Hospitalisation"})

    assert response.status_code == 200, response.content
    assert response.json()["status"] == "cancelled"
    change = DeliveryChange.objects.get()
    assert (change.override, change.reason, change.actor) == (True, "Hospitalisation", garden_staff)


def test_staff_override_the_doubling_cap(mine, garden_staff, subscribe, plan, garden):
    for _ in range(2):
        other = MemberFactory(organisation=garden, user=UserFactory())
        services.delivery_double(delivery=delivery_on(subscribe(other, plan), tuesday(2)), actor=other.user)
    delivery = delivery_on(mine, tuesday(2))
    url = f"{DELIVERIES}{delivery.pk}/double/"

    assert post(api(garden_staff), url).json()["code"] == "doubling_cap_reached"
    response = post(api(garden_staff), url, {"override": True, "reason": "Fête du jardin"})

    assert response.status_code == 200 and response.json()["doubled"] is True
    assert DeliveryChange.objects.get(delivery=delivery).override is True


def test_members_cannot_override(mine, member_user, clock):
    delivery = delivery_on(mine, tuesday(2))
    clock.set(dt.datetime.combine(tuesday(2), dt.time(9)))

    response = post(api(member_user), f"{DELIVERIES}{delivery.pk}/cancel/", {"override": True, "reason": "Urgent"})

    assert response.status_code == 400 and response.json()["code"] == "override_not_allowed"
    assert Delivery.objects.get(pk=delivery.pk).status == DeliveryStatus.PLANNED


def test_a_session_works_as_well_as_a_token(mine, member_user):
    client = Client()
    client.force_login(member_user)

    assert client.ids(SUBSCRIPTIONS) == [mine.pk]


# The schema


def test_the_schema_describes_the_endpoints_and_their_refusals(client):
    response = client.get("/api/v1/schema/", {"format": "json"})
    assert response.status_code == 200
    schema = response.json()
    validate_schema(schema)
    paths = schema["paths"]

    assert {
        "/api/v1/subscriptions/",
        "/api/v1/subscriptions/{id}/",
        "/api/v1/subscriptions/{id}/change-depot/",
        "/api/v1/subscriptions/{id}/change-day/",
        "/api/v1/deliveries/",
        "/api/v1/deliveries/{id}/",
        "/api/v1/deliveries/{id}/postpone/",
        "/api/v1/deliveries/{id}/cancel/",
        "/api/v1/deliveries/{id}/double/",
        "/api/v1/absences/",
    } <= set(paths)
    assert {p["name"] for p in paths["/api/v1/deliveries/"]["get"]["parameters"]} >= {"from", "to", "subscription"}
    postpone = paths["/api/v1/deliveries/{id}/postpone/"]["post"]
    assert "requestBody" in postpone and {"200", "400", "401", "404", "409"} <= set(postpone["responses"])
    refusals = postpone["responses"]["409"]["content"]["application/json"]["examples"]
    codes = {example["value"]["code"] for example in refusals.values()}
    assert {"notice_too_short", "quota_exceeded", "doubling_cap_reached", "outside_period"} <= codes
    refusal = schema["components"]["schemas"]["Refusal"]["properties"]
    assert {"code", "detail", "counters", "dates_with_room"} <= set(refusal)
    assert "409" in paths["/api/v1/absences/"]["post"]["responses"]


def test_the_schema_generates_without_warnings(tmp_path):
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yml"))

    schema = yaml.safe_load((tmp_path / "schema.yml").read_text())
    assert "/api/v1/subscriptions/{id}/change-depot/" in schema["paths"]


def test_lists_cost_the_same_queries_whatever_their_length(
    subscribe, garden, plan, eggs, garden_staff, django_assert_num_queries
):
    def members(count):
        for _ in range(count):
            member = MemberFactory(organisation=garden)
            subscribe(member, plan)
            subscribe(member, eggs, delivery_count=4)

    client = api(garden_staff)
    members(2)
    client.get(SUBSCRIPTIONS)  # warms the token and permission caches
    with CaptureQueriesContext(connection) as few:
        assert client.get(SUBSCRIPTIONS).status_code == 200
        assert client.get(DELIVERIES).status_code == 200
    members(8)
    with django_assert_num_queries(len(few.captured_queries)):
        assert len(client.get(SUBSCRIPTIONS).json()["results"]) == 20
        assert client.get(DELIVERIES).status_code == 200
