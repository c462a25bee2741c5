"""The CSA in the Wagtail admin, through the Django test client as the garden's staff: seasons, plans and
subscriptions created through their forms, staff changes to deliveries with and without override, depot closures
and their undo with the members' e-mails, caps of doubled baskets, and tenant isolation."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse
from django.utils.translation import gettext
from wagtail.test.utils.form_data import inline_formset, nested_form_data

from offers.choices import SaleMode
from shops.choices import Weekday
from shops.models import Closure
from subscriptions import services
from subscriptions.choices import ChangeKind, DeliveryStatus
from subscriptions.models import Delivery, DeliveryChange, DoublingCount, Plan, PlanPrice, Season, Subscription
from tests import factories
from tests.subscriptions.conftest import SEASON_END, SEASON_START, make_plan, tuesday


@pytest.fixture
def staff_client(client, garden_staff, clock):
    """Signed in once the clock is set: a session opened before would have expired by then."""
    client.force_login(garden_staff)
    return client


@pytest.fixture
def subscription(subscribe, member, plan):
    return subscribe(member, plan)


def delivery_on(subscription, day):
    return subscription.deliveries.get(date=day)


def iso(day: dt.date) -> str:
    return day.isoformat()


def form_errors(response, name="form"):
    form = response.context[name]
    return {field: [str(error) for error in errors] for field, errors in form.errors.items()}


def delivery_url(subscription, delivery, action=None):
    if action is None:
        return reverse("subscriptions:delivery", args=[subscription.pk, delivery.pk])
    return reverse("subscriptions:delivery_action", args=[subscription.pk, delivery.pk, action])


def bound_form(response, action):
    return next(item["form"] for item in response.context["forms"] if item["action"] == action)


# Every page answers


@pytest.mark.django_db
def test_every_page_answers_the_garden_staff(staff_client, subscription, plan, depot, other_depot, garden_staff):
    closure = services.closure_declare(
        depot=depot, starts_on=tuesday(4), ends_on=tuesday(4), replacement=other_depot, actor=garden_staff
    )
    delivery = delivery_on(subscription, tuesday(6))
    urls = [
        reverse("subscriptions:index"),
        reverse("subscriptions:add"),
        reverse("subscriptions:detail", args=[subscription.pk]),
        reverse("subscriptions:edit", args=[subscription.pk]),
        reverse("subscriptions:change_depot", args=[subscription.pk]),
        reverse("subscriptions:change_day", args=[subscription.pk]),
        reverse("subscriptions:absence", args=[subscription.pk]),
        delivery_url(subscription, delivery),
        reverse("plans:index"),
        reverse("plans:add"),
        reverse("plans:edit", args=[plan.pk]),
        reverse("plans:doubling", args=[plan.pk]),
        reverse("seasons:index"),
        reverse("seasons:add"),
        reverse("seasons:edit", args=[Season.objects.get().pk]),
        reverse("funders:index"),
        reverse("funders:add"),
        reverse("closures:index"),
        reverse("closures:add"),
        reverse("closures:cancel", args=[closure.pk]),
        reverse("depot:edit", args=[depot.pk]),
    ]
    for url in urls:
        assert staff_client.get(url).status_code == 200, url


# The calendar, plans and funders


def season_data(garden, breaks, **overrides):
    return nested_form_data(
        {
            "name": "Saison 2028",
            "organisation": garden.pk,
            "starts_on": "2028-03-07",
            "ends_on": "2028-12-19",
            "breaks": inline_formset(breaks),
            **overrides,
        }
    )


@pytest.mark.django_db
def test_a_season_is_created_with_its_days_without_delivery(staff_client, garden):
    breaks = [{"starts_on": "2028-08-07", "ends_on": "2028-08-20", "reason": "Congés d'été"}]
    response = staff_client.post(reverse("seasons:add"), season_data(garden, breaks))
    assert response.status_code == 302
    season = Season.objects.get()
    assert season.organisation == garden
    assert [(pause.starts_on, pause.ends_on) for pause in season.breaks.all()] == [
        (dt.date(2028, 8, 7), dt.date(2028, 8, 20))
    ]


@pytest.mark.django_db
def test_a_break_outside_the_season_is_refused_on_the_form(staff_client, garden):
    breaks = [{"starts_on": "2029-01-02", "ends_on": "2029-01-09", "reason": ""}]
    response = staff_client.post(reverse("seasons:add"), season_data(garden, breaks))
    assert response.status_code == 200
    expected = gettext("The days without delivery from %(date)s must lie within the season, in order.")
    assert expected.split("%(date)s")[0] in str(response.context["form"].non_field_errors())
    assert not Season.objects.exists()


@pytest.mark.django_db
def test_overlapping_seasons_are_refused(staff_client, garden, season):
    data = season_data(garden, [], starts_on="2027-12-01", ends_on="2028-06-30")
    response = staff_client.post(reverse("seasons:add"), data)
    assert response.status_code == 200
    assert gettext("This season overlaps “%(season)s”.") % {"season": season} in form_errors(response)["starts_on"]
    assert Season.objects.count() == 1


def plan_data(offer, prices, **overrides):
    return nested_form_data(
        {
            "offer": offer.pk,
            "frequency": "weekly",
            "postponement_allowed": "on",
            "cancellation_allowed": "on",
            "notice_hours": "48",
            "max_cancellations": "4",
            "quota_window_starts_on": "2027-07-01",
            "quota_window_ends_on": "2027-08-31",
            "quota_window_max": "3",
            "doubling_product": "",
            "doubling_cap": "15",
            "prices": inline_formset(prices),
            **overrides,
        }
    )


@pytest.mark.django_db
def test_a_plan_is_created_with_its_policy_and_prices_by_category(staff_client, garden):
    offer = factories.OfferFactory(organisation=garden, sale_mode=SaleMode.SUBSCRIPTION, product__name="Panier œufs")
    one_off = factories.OfferFactory(organisation=garden, product__name="Confiture")
    solidarity = factories.CustomerCategoryFactory(organisation=garden, name="Solidaire")
    form = staff_client.get(reverse("plans:add")).context["form"]
    assert list(form.fields["offer"].queryset) == [offer] and one_off not in form.fields["offer"].queryset

    response = staff_client.post(reverse("plans:add"), plan_data(offer, [{"category": solidarity.pk, "price": "4,50"}]))
    assert response.status_code == 302
    plan = Plan.objects.get()
    assert (plan.organisation, plan.quota_window_max, plan.doubling_cap) == (garden, 3, 15)
    assert PlanPrice.objects.get(plan=plan).price == Decimal("4.50")


@pytest.mark.django_db
def test_a_limited_period_without_its_last_day_is_refused(staff_client, garden):
    offer = factories.OfferFactory(organisation=garden, sale_mode=SaleMode.SUBSCRIPTION)
    response = staff_client.post(reverse("plans:add"), plan_data(offer, [], quota_window_ends_on=""))
    assert response.status_code == 200
    assert form_errors(response)["quota_window_starts_on"] == [
        gettext("A limited period needs its first and last day and its maximum.")
    ]
    assert not Plan.objects.exists()


@pytest.mark.django_db
def test_a_funder_is_created(staff_client, garden):
    response = staff_client.post(reverse("funders:add"), {"name": "MSA", "organisation": garden.pk})
    assert response.status_code == 302
    assert garden.funders.get().name == "MSA"


# Subscriptions


def subscription_data(member, plan, depot, **overrides):
    return {
        "member": member.pk,
        "plan": plan.pk,
        "quantity": "1",
        "depot": depot.pk,
        "weekday": str(Weekday.TUESDAY),
        "starts_on": iso(SEASON_START),
        "ends_on": iso(SEASON_END),
        "delivery_count": "",
        "price_per_delivery": "",
        "discount_percent": "0",
        "funder": "",
        **overrides,
    }


@pytest.mark.django_db
def test_a_subscription_is_created_and_its_deliveries_planned(staff_client, member, plan, depot, season, clock):
    response = staff_client.post(reverse("subscriptions:add"), subscription_data(member, plan, depot))
    subscription = Subscription.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("subscriptions:detail", args=[subscription.pk])
    assert subscription.price_per_delivery == Decimal("12.00")
    tuesdays = [tuesday(week) for week in range(43)]
    assert len(tuesdays) == 43 and tuesdays[-1] == SEASON_END
    assert subscription.deliveries.count() == 41  # less the two Tuesdays of the summer break
    assert subscription.deliveries.filter(date__range=(dt.date(2027, 8, 9), dt.date(2027, 8, 22))).count() == 0

    page = staff_client.get(response["Location"])
    assert page.status_code == 200
    assert len(page.context["months"]) == 10
    assert all(item["change_url"] for month in page.context["months"] for item in month["deliveries"])


@pytest.mark.django_db
def test_a_count_based_subscription_is_created(staff_client, member, plan, depot, season, clock):
    data = subscription_data(member, plan, depot, ends_on="", delivery_count="10", price_per_delivery="9,50")
    assert staff_client.post(reverse("subscriptions:add"), data).status_code == 302
    subscription = Subscription.objects.get()
    assert subscription.delivery_count == 10 and subscription.price_per_delivery == Decimal("9.50")
    assert subscription.deliveries.count() == 10


@pytest.mark.django_db
def test_a_day_without_delivery_at_the_depot_is_refused_on_its_field(staff_client, member, plan, depot, season, clock):
    data = subscription_data(member, plan, depot, weekday=str(Weekday.FRIDAY))
    response = staff_client.post(reverse("subscriptions:add"), data)
    assert response.status_code == 200
    assert form_errors(response)["weekday"] == [
        gettext("There is no delivery at “%(depot)s” on %(day)s.")
        % {"depot": depot, "day": Weekday.FRIDAY.label.lower()}
    ]
    assert not Subscription.objects.exists()


@pytest.mark.django_db
def test_the_terms_are_changed_and_the_deliveries_follow(staff_client, subscription, clock):
    data = {
        "ends_on": iso(tuesday(9)),
        "delivery_count": "",
        "quantity": "2",
        "price_per_delivery": "10,00",
        "discount_percent": "50",
        "funder": "",
    }
    response = staff_client.post(reverse("subscriptions:edit", args=[subscription.pk]), data)
    assert response.status_code == 302
    subscription.refresh_from_db()
    assert (subscription.quantity, subscription.price_per_delivery, subscription.discount_percent) == (
        2,
        Decimal("10.00"),
        Decimal("50"),
    )
    assert subscription.deliveries.count() == 10


@pytest.mark.django_db
def test_the_list_filters_by_depot(staff_client, subscribe, member, plan, depot, other_depot, garden):
    subscribe(member, plan)
    other = factories.MemberFactory(organisation=garden, last_name="Lefebvre")
    subscribe(other, plan, depot=other_depot)
    response = staff_client.get(reverse("subscriptions:index"), {"depot": other_depot.pk})
    assert [row.member for row in response.context["object_list"]] == [other]
    response = staff_client.get(reverse("subscriptions:index"), {"q": "lefeb"})
    assert [row.member for row in response.context["object_list"]] == [other]


# Staff changes to one delivery


@pytest.mark.django_db
def test_staff_cancel_past_the_notice_only_by_overriding_with_a_reason(staff_client, subscription, clock, garden_staff):
    delivery = delivery_on(subscription, tuesday(1))
    clock.set(dt.datetime(2027, 3, 8, 9, 0))  # 32 hours before the delivery of 9 March, 17:00: notice is 48 hours
    staff_client.force_login(garden_staff)  # the session opened five weeks earlier has expired

    response = staff_client.post(delivery_url(subscription, delivery, "cancel"), {"reason": ""})
    assert response.status_code == 200
    errors = bound_form(response, "cancel").non_field_errors()
    assert gettext("changes close %(hours)s hours before.").split("%")[0] in str(errors)

    response = staff_client.post(delivery_url(subscription, delivery, "cancel"), {"override": "on", "reason": " "})
    assert response.status_code == 200
    assert bound_form(response, "cancel").errors["reason"] == [gettext("Give the reason for overriding the rules.")]
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.PLANNED and not DeliveryChange.objects.exists()

    response = staff_client.post(
        delivery_url(subscription, delivery, "cancel"), {"override": "on", "reason": "Malade, prévenu par téléphone"}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("subscriptions:detail", args=[subscription.pk])
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.CANCELLED
    change = DeliveryChange.objects.get()
    assert (change.kind, change.override, change.reason, change.actor) == (
        ChangeKind.CANCEL,
        True,
        "Malade, prévenu par téléphone",
        garden_staff,
    )
    page = staff_client.get(response["Location"])
    assert "Malade, prévenu par téléphone" in page.content.decode()


@pytest.mark.django_db
def test_staff_postpone_a_delivery_to_another_week(staff_client, subscription, clock):
    delivery = delivery_on(subscription, tuesday(2))
    response = staff_client.post(delivery_url(subscription, delivery, "postpone"), {"to_date": iso(tuesday(5))})
    assert response.status_code == 302
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.POSTPONED
    assert delivery_on(subscription, tuesday(5)).baskets == 2
    assert DeliveryChange.objects.get().override is False

    # The same week is refused on its field, and nothing changes.
    other = delivery_on(subscription, tuesday(3))
    response = staff_client.post(
        delivery_url(subscription, other, "postpone"), {"to_date": iso(tuesday(3) + dt.timedelta(days=1))}
    )
    assert bound_form(response, "postpone").errors["to_date"] == [gettext("Choose a date in another week.")]
    other.refresh_from_db()
    assert other.status == DeliveryStatus.PLANNED


@pytest.mark.django_db
def test_a_full_date_is_doubled_only_by_overriding(staff_client, subscribe, subscription, plan, garden, clock):
    date = tuesday(3)
    for name in ("Alix", "Bao"):
        other = subscribe(factories.MemberFactory(organisation=garden, first_name=name), plan)
        assert staff_client.post(delivery_url(other, delivery_on(other, date), "double"), {}).status_code == 302
    assert DoublingCount.objects.get(plan=plan, date=date).doubled == plan.doubling_cap == 2

    delivery = delivery_on(subscription, date)
    response = staff_client.post(delivery_url(subscription, delivery, "double"), {})
    assert response.status_code == 200
    error = str(bound_form(response, "double").non_field_errors())
    assert gettext("No more baskets can be doubled on %(date)s.").split("%")[0] in error
    assert "/" in error.split(gettext("No more baskets can be doubled on %(date)s.").split("%")[0])[1]
    delivery.refresh_from_db()
    assert delivery.baskets == 1

    response = staff_client.post(
        delivery_url(subscription, delivery, "double"), {"override": "on", "reason": "Fête de quartier"}
    )
    assert response.status_code == 302
    delivery.refresh_from_db()
    assert delivery.baskets == 2
    assert DoublingCount.objects.get(plan=plan, date=date).doubled == 3
    assert DeliveryChange.objects.get(delivery=delivery).override is True


@pytest.mark.django_db
def test_staff_raise_the_cap_of_one_date(staff_client, subscribe, plan, garden, clock, garden_staff):
    date = tuesday(3)
    subscriptions = [
        subscribe(factories.MemberFactory(organisation=garden, first_name=name), plan) for name in ("A", "B", "C")
    ]
    for subscription in subscriptions[:2]:
        services.delivery_double(delivery=delivery_on(subscription, date), actor=garden_staff)

    url = reverse("plans:doubling", args=[plan.pk])
    response = staff_client.post(url, {"date": iso(date), "cap": "1"})
    assert response.status_code == 200
    assert form_errors(response)["cap"]  # two are already doubled
    assert staff_client.post(url, {"date": iso(date), "cap": "3"}).status_code == 302
    assert DoublingCount.objects.get(plan=plan, date=date).cap == 3
    page = staff_client.get(url)
    assert [(row["count"].date, row["count"].doubled, row["cap"]) for row in page.context["rows"]] == [(date, 2, 3)]

    response = staff_client.post(
        delivery_url(subscriptions[2], delivery_on(subscriptions[2], date), "double"), {"reason": ""}
    )
    assert response.status_code == 302
    assert DoublingCount.objects.get(plan=plan, date=date).doubled == 3


# Depot and day changes


@pytest.mark.django_db
def test_staff_change_the_depot_for_one_date_then_for_the_rest(staff_client, subscription, depot, other_depot, clock):
    url = reverse("subscriptions:change_depot", args=[subscription.pk])
    data = {"depot": other_depot.pk, "scope": "one", "from_date": iso(tuesday(2)), "until_date": "", "reason": ""}
    assert staff_client.post(url, data).status_code == 302
    assert delivery_on(subscription, tuesday(2)).depot == other_depot
    assert delivery_on(subscription, tuesday(3)).depot == depot

    response = staff_client.post(url, {**data, "scope": "period"})
    assert form_errors(response)["until_date"]

    assert staff_client.post(url, {**data, "scope": "rest", "from_date": iso(tuesday(10))}).status_code == 302
    subscription.refresh_from_db()
    assert subscription.depot == other_depot
    assert delivery_on(subscription, tuesday(9)).depot == depot
    assert delivery_on(subscription, tuesday(12)).depot == other_depot


@pytest.mark.django_db
def test_staff_change_the_delivery_day_and_depot(staff_client, subscription, other_depot, clock):
    url = reverse("subscriptions:change_day", args=[subscription.pk])
    response = staff_client.post(url, {"weekday": str(Weekday.FRIDAY), "from_date": iso(tuesday(4)), "depot": ""})
    assert response.status_code == 200  # Biocoop Centre delivers on Tuesdays only
    assert form_errors(response)["weekday"]

    data = {"weekday": str(Weekday.FRIDAY), "from_date": iso(tuesday(4)), "depot": other_depot.pk}
    assert staff_client.post(url, data).status_code == 302
    subscription.refresh_from_db()
    assert (subscription.weekday, subscription.depot) == (Weekday.FRIDAY, other_depot)
    assert subscription.deliveries.filter(date=tuesday(4) + dt.timedelta(days=3), depot=other_depot).exists()


def test_staff_declare_an_absence_across_the_members_subscriptions(
    staff_client, subscribe, subscription, member, garden, garden_staff, clock
):
    eggs = subscribe(member, make_plan(garden, name="Œufs", price=Decimal("4.00")))
    url = reverse("subscriptions:absence", args=[subscription.pk])
    assert staff_client.get(url).status_code == 200
    clock.set(dt.datetime(2027, 3, 22, 12, 0))  # tuesday(3) is within the notice
    staff_client.force_login(garden_staff)  # the session would have expired by then
    data = {"from_date": iso(tuesday(3)), "until_date": iso(tuesday(4))}
    response = staff_client.post(url, data)
    assert response.status_code == 200 and "48" in str(form_errors(response))
    assert not subscription.deliveries.filter(status=DeliveryStatus.CANCELLED).exists()
    response = staff_client.post(url, {**data, "override": "on", "reason": "Hospitalisation, appel du lundi"})
    assert response.status_code == 302
    for each in (subscription, eggs):
        cancelled = each.deliveries.filter(status=DeliveryStatus.CANCELLED).values_list("date", flat=True)
        assert sorted(cancelled) == [tuesday(3), tuesday(4)]
    assert set(DeliveryChange.objects.values_list("kind", "override")) == {(ChangeKind.CANCEL, True)}


# Depot closures


def closure_data(depot, replacement, **overrides):
    return {
        "depot": depot.pk,
        "starts_on": iso(tuesday(4)),
        "ends_on": iso(tuesday(5)),
        "replacement": replacement.pk if replacement else "",
        "reason": "Travaux",
        "remind_days_before": "3",
        **overrides,
    }


@pytest.mark.django_db
def test_a_closure_moves_the_deliveries_and_its_cancellation_brings_them_back(
    staff_client, subscription, depot, other_depot, member, clock, django_capture_on_commit_callbacks
):
    response = staff_client.post(reverse("closures:add"), closure_data(depot, None))
    assert response.status_code == 200
    assert form_errors(response)["replacement"]
    assert not Closure.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(reverse("closures:add"), closure_data(depot, other_depot))
    assert response.status_code == 302
    closure = Closure.objects.get()
    moved = Delivery.objects.filter(closure=closure)
    assert sorted(moved.values_list("date", flat=True)) == [tuesday(4), tuesday(5)]
    assert {delivery.depot for delivery in moved} == {other_depot}
    assert [message.to for message in mail.outbox] == [[member.email]]

    listing = staff_client.get(reverse("closures:index"))
    assert [(row.pk, row.moved) for row in listing.context["object_list"]] == [(closure.pk, 2)]
    page = staff_client.get(reverse("closures:cancel", args=[closure.pk]))
    assert page.context["coming_back"] == 2

    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(reverse("closures:cancel", args=[closure.pk]))
    assert response.status_code == 302
    assert not Closure.objects.exists()
    assert set(subscription.deliveries.filter(date__in=[tuesday(4), tuesday(5)]).values_list("depot", flat=True)) == {
        depot.pk
    }
    assert len(mail.outbox) == 2 and mail.outbox[1].to == [member.email]
    kinds = list(DeliveryChange.objects.order_by("pk").values_list("kind", flat=True))
    assert kinds == [ChangeKind.CLOSURE] * 2 + [ChangeKind.REOPENING] * 2


@pytest.mark.django_db
def test_a_replacement_closed_itself_is_refused(staff_client, depot, other_depot, garden_staff, clock, season):
    services.closure_declare(depot=other_depot, starts_on=tuesday(4), ends_on=tuesday(4), actor=garden_staff)
    response = staff_client.post(reverse("closures:add"), closure_data(depot, other_depot))
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert Closure.objects.count() == 1


@pytest.mark.django_db
def test_overlapping_closures_of_a_depot_are_refused(staff_client, depot, garden_staff, clock, season):
    services.closure_declare(depot=depot, starts_on=tuesday(4), ends_on=tuesday(6), actor=garden_staff)
    response = staff_client.post(reverse("closures:add"), closure_data(depot, None, starts_on=iso(tuesday(5))))
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert Closure.objects.count() == 1


@pytest.mark.django_db
def test_upcoming_closures_come_first(staff_client, depot, other_depot, garden_staff, clock, season):
    clock.set(dt.datetime(2027, 1, 1, 9, 0))
    past = services.closure_declare(
        depot=depot, starts_on=dt.date(2027, 1, 5), ends_on=dt.date(2027, 1, 6), actor=garden_staff
    )
    later = services.closure_declare(depot=depot, starts_on=tuesday(20), ends_on=tuesday(20), actor=garden_staff)
    sooner = services.closure_declare(depot=other_depot, starts_on=tuesday(2), ends_on=tuesday(2), actor=garden_staff)
    clock.set(dt.datetime(2027, 2, 1, 9, 0))
    listing = staff_client.get(reverse("closures:index"))
    assert list(listing.context["object_list"]) == [sooner, later, past]


# Tenant isolation


@pytest.mark.django_db
def test_staff_of_another_organisation_neither_see_nor_change(
    client, staff_b, org_b, subscription, plan, depot, other_depot, member, garden_staff, clock
):
    closure = services.closure_declare(
        depot=depot, starts_on=tuesday(4), ends_on=tuesday(4), replacement=other_depot, actor=garden_staff
    )
    delivery = delivery_on(subscription, tuesday(6))
    client.force_login(staff_b)
    hidden = [
        reverse("subscriptions:detail", args=[subscription.pk]),
        reverse("subscriptions:edit", args=[subscription.pk]),
        reverse("subscriptions:change_depot", args=[subscription.pk]),
        reverse("subscriptions:change_day", args=[subscription.pk]),
        reverse("subscriptions:absence", args=[subscription.pk]),
        delivery_url(subscription, delivery),
        reverse("plans:edit", args=[plan.pk]),
        reverse("plans:doubling", args=[plan.pk]),
        reverse("seasons:edit", args=[Season.objects.get().pk]),
        reverse("closures:cancel", args=[closure.pk]),
    ]
    for url in hidden:
        assert client.get(url).status_code == 404, url
    response = client.post(delivery_url(subscription, delivery, "cancel"), {"override": "on", "reason": "x"})
    assert response.status_code == 404
    assert client.post(reverse("closures:cancel", args=[closure.pk])).status_code == 404
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.PLANNED and Closure.objects.filter(pk=closure.pk).exists()

    assert not client.get(reverse("subscriptions:index")).context["object_list"]
    assert not client.get(reverse("plans:index")).context["object_list"]
    assert not client.get(reverse("closures:index")).context["object_list"]
    form = client.get(reverse("subscriptions:add")).context["form"]
    for field in ("member", "plan", "depot", "funder"):
        assert not form.fields[field].queryset.exists(), field
    form = client.get(reverse("closures:add")).context["form"]
    assert not form.fields["depot"].queryset.exists() and not form.fields["replacement"].queryset.exists()

    foreign_plan = make_plan(org_b, name="Panier B")
    form = client.get(reverse("plans:add")).context["form"]
    assert plan.offer not in form.fields["offer"].queryset
    category = factories.CustomerCategoryFactory(organisation=member.organisation, name="Solidaire")
    prices = form.formsets["prices"].empty_form.fields["category"].queryset
    assert category not in prices
    response = client.post(
        reverse("plans:edit", args=[foreign_plan.pk]),
        plan_data(foreign_plan.offer, [{"category": category.pk, "price": "1"}]),
    )
    assert response.status_code == 200 and not PlanPrice.objects.exists()

    # Posting another organisation's member, depot or plan is refused by the form's choices.
    data = subscription_data(member, plan, depot)
    response = client.post(reverse("subscriptions:add"), data)
    assert {"member", "plan", "depot"} <= set(form_errors(response))
    assert Subscription.objects.count() == 1
