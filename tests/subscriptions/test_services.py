"""The plan's rules at their boundaries, through the services every door calls."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail

from shops.choices import Weekday
from subscriptions import services
from subscriptions.choices import ChangeKind, DeliveryStatus, Frequency
from subscriptions.exceptions import ChangeRefused, InvalidSubscription
from subscriptions.generation import deliveries_generate
from subscriptions.models import DeliveryChange, Season
from subscriptions.notifications import closure_reminders_send
from subscriptions.selectors import subscription_counters
from tests.factories import MemberFactory, UserFactory, make_staff
from tests.subscriptions.conftest import BREAK, SEASON_END, SEASON_START, depot_with_days, make_plan, tuesday

pytestmark = pytest.mark.django_db


def delivery(subscription, week):
    return subscription.deliveries.get(date=tuesday(week))


def snapshot(subscription):
    return list(subscription.deliveries.values_list("date", "status", "baskets", "depot_id").order_by("date"))


def refused(code, function, **kwargs):
    """Call the service, expect ``code``; return the refusal."""
    with pytest.raises((ChangeRefused, InvalidSubscription)) as caught:
        function(**kwargs)
    assert caught.value.code == code, (caught.value.code, caught.value.message)
    return caught.value


def second_member(garden, name="Dominique"):
    user = UserFactory()
    return MemberFactory(organisation=garden, user=user, first_name=name), user


class TestCalendar:
    def test_weekly_plan_gets_every_season_tuesday_but_the_break(self, subscribe, plan, member):
        subscription = subscribe(member, plan)
        dates = list(subscription.deliveries.values_list("date", flat=True))
        tuesdays = [SEASON_START + dt.timedelta(weeks=n) for n in range(43)]
        assert dates == [day for day in tuesdays if not BREAK[0] <= day <= BREAK[1]]
        assert len(dates) == 41
        assert {d.fee for d in subscription.deliveries.all()} == {Decimal("1.50")}

    def test_fortnightly_plan_every_other_week(self, subscribe, garden, member):
        eggs = make_plan(garden, name="Œufs", frequency=Frequency.FORTNIGHTLY)
        dates = list(subscribe(member, eggs).deliveries.values_list("date", flat=True))
        assert dates[:3] == [tuesday(0), tuesday(2), tuesday(4)]
        assert all((day - tuesday(0)).days % 14 == 0 for day in dates)

    def test_generation_is_idempotent(self, subscribe, plan, member):
        subscription = subscribe(member, plan)
        before = snapshot(subscription)
        assert deliveries_generate() == 0
        assert snapshot(subscription) == before

    def test_a_new_season_is_planned_once_saved(
        self, subscribe, garden, plan, member, django_capture_on_commit_callbacks
    ):
        subscription = subscribe(member, plan, ends_on=dt.date(2028, 3, 28))
        assert subscription.deliveries.count() == 41
        with django_capture_on_commit_callbacks(execute=True):
            services.season_save(
                season=Season(
                    organisation=garden, name="2028", starts_on=dt.date(2028, 3, 1), ends_on=dt.date(2028, 12, 1)
                )
            )
        assert subscription.deliveries.filter(date__year=2028).count() == 4

    def test_count_based_subscription_plans_n_baskets(self, subscribe, plan, member):
        subscription = subscribe(member, plan, delivery_count=10)
        assert subscription.deliveries.count() == 10
        assert subscription.deliveries.order_by("-date").first().date == tuesday(9)

    def test_a_depot_without_delivery_that_weekday_is_refused(self, subscribe, plan, member):
        refused("no_delivery_that_day", subscribe, member=member, plan=plan, weekday=Weekday.WEDNESDAY)

    def test_start_outside_the_season_is_refused(self, subscribe, plan, member):
        refused("outside_season", subscribe, member=member, plan=plan, starts_on=dt.date(2027, 1, 5))

    def test_category_price_applies(self, subscribe, garden, plan, member):
        from shops.models import CustomerCategory
        from subscriptions.models import PlanPrice

        solidarity = CustomerCategory.objects.create(organisation=garden, name="Solidaire")
        member.categories.add(solidarity)
        services.plan_save(plan=plan, prices=[PlanPrice(category=solidarity, price=Decimal("6.00"))])
        assert subscribe(member, plan).price_per_delivery == Decimal("6.00")
        other, _user = second_member(garden)
        assert subscribe(other, plan).price_per_delivery == Decimal("12.00")


class TestNotice:
    """48 hours before the depot's first pickup slot (Tuesday 17:00): Sunday 17:00 is the last moment."""

    def test_change_allowed_exactly_at_the_limit(self, subscribe, plan, member, member_user, clock):
        subscription = subscribe(member, plan)
        clock.set(dt.datetime(2027, 3, 14, 17, 0))  # Sunday before tuesday(2), 16 March at 17:00
        services.delivery_cancel(delivery=delivery(subscription, 2), actor=member_user)
        assert delivery(subscription, 2).status == DeliveryStatus.CANCELLED

    def test_change_refused_one_second_late_and_nothing_changes(self, subscribe, plan, member, member_user, clock):
        subscription = subscribe(member, plan)
        before = snapshot(subscription)
        clock.set(dt.datetime(2027, 3, 14, 17, 0, 1))
        error = refused(
            "notice_too_short", services.delivery_cancel, delivery=delivery(subscription, 2), actor=member_user
        )
        assert error.details["counters"]["cancelled"] == 0
        assert "48" in error.message
        refused("notice_too_short", services.delivery_double, delivery=delivery(subscription, 2), actor=member_user)
        refused(
            "notice_too_short",
            services.delivery_postpone,
            delivery=delivery(subscription, 5),
            to_date=tuesday(2),
            actor=member_user,
        )
        assert snapshot(subscription) == before

    def test_past_delivery_is_refused_even_to_staff(self, subscribe, plan, member, garden_staff, clock):
        subscription = subscribe(member, plan)
        clock.set(dt.datetime(2027, 4, 1, 9, 0))
        refused(
            "date_in_past",
            services.delivery_cancel,
            delivery=delivery(subscription, 1),
            actor=garden_staff,
            override=True,
            reason="Oubli",
        )


class TestQuotas:
    def test_last_allowed_cancellation_then_refused(self, subscribe, plan, member, member_user):
        subscription = subscribe(member, plan)  # 3 cancellations allowed
        for week in (1, 2, 3):
            services.delivery_cancel(delivery=delivery(subscription, week), actor=member_user)
        error = refused(
            "quota_exceeded", services.delivery_cancel, delivery=delivery(subscription, 4), actor=member_user
        )
        assert error.details["counters"]["cancelled"] == 3
        assert error.details["counters"]["max_cancellations"] == 3
        assert delivery(subscription, 4).status == DeliveryStatus.PLANNED

    def test_window_quota_counts_cancellations_and_postponements(self, subscribe, garden, member, member_user):
        summer = make_plan(
            garden,
            quota_window_starts_on=dt.date(2027, 7, 1),
            quota_window_ends_on=dt.date(2027, 8, 31),
            quota_window_max=2,
        )
        subscription = subscribe(member, summer)
        july = [day for day in subscription.deliveries.values_list("date", flat=True) if day.month == 7]
        services.delivery_cancel(delivery=subscription.deliveries.get(date=july[0]), actor=member_user)
        services.delivery_postpone(
            delivery=subscription.deliveries.get(date=july[1]), to_date=dt.date(2027, 9, 7), actor=member_user
        )
        error = refused(
            "quota_exceeded",
            services.delivery_cancel,
            delivery=subscription.deliveries.get(date=july[2]),
            actor=member_user,
        )
        assert error.details["counters"]["window_used"] == 2
        # Outside the window, still allowed.
        services.delivery_cancel(delivery=subscription.deliveries.get(date=dt.date(2027, 9, 14)), actor=member_user)

    def test_plan_without_cancellation(self, subscribe, garden, member, member_user, garden_staff):
        strict = make_plan(garden, cancellation_allowed=False, postponement_allowed=False)
        subscription = subscribe(member, strict)
        refused(
            "cancellation_not_allowed", services.delivery_cancel, delivery=delivery(subscription, 1), actor=member_user
        )
        refused(
            "postponement_not_allowed",
            services.delivery_postpone,
            delivery=delivery(subscription, 1),
            to_date=tuesday(2),
            actor=member_user,
        )
        services.delivery_cancel(
            delivery=delivery(subscription, 1), actor=garden_staff, override=True, reason="Hospitalisation"
        )

    def test_cancellations_to_make_up_by_doubling(self, subscribe, garden, member, member_user):
        compensated = make_plan(garden, cancellation_needs_doubling=True)
        subscription = subscribe(member, compensated)
        services.delivery_cancel(delivery=delivery(subscription, 1), actor=member_user)
        services.delivery_cancel(delivery=delivery(subscription, 2), actor=member_user)
        services.delivery_double(delivery=delivery(subscription, 5), actor=member_user)
        counters = subscription_counters(subscription=subscription)
        assert (counters.cancelled, counters.doubled, counters.to_make_up) == (2, 1, 1)
        assert counters.make_up_before == SEASON_END


class TestDoublingCap:
    def test_cap_reached_lists_dates_with_room_and_staff_raise_it(self, subscribe, garden, plan, garden_staff):
        users = []
        subscriptions = []
        for name in ("A", "B", "C"):
            other, user = second_member(garden, name)
            users.append(user)
            subscriptions.append(subscribe(other, plan))
        services.delivery_double(delivery=delivery(subscriptions[0], 3), actor=users[0])
        services.delivery_double(delivery=delivery(subscriptions[1], 3), actor=users[1])  # cap 2 reached
        error = refused(
            "doubling_cap_reached", services.delivery_double, delivery=delivery(subscriptions[2], 3), actor=users[2]
        )
        assert tuesday(3).isoformat() not in error.details["dates_with_room"]
        assert tuesday(4).isoformat() in error.details["dates_with_room"]
        assert delivery(subscriptions[2], 3).baskets == 1
        # A postponement into that date is a doubling too.
        refused(
            "doubling_cap_reached",
            services.delivery_postpone,
            delivery=delivery(subscriptions[2], 5),
            to_date=tuesday(3),
            actor=users[2],
        )
        with pytest.raises(InvalidSubscription):
            services.doubling_cap_set(plan=plan, date=tuesday(3), cap=1, actor=garden_staff)
        services.doubling_cap_set(plan=plan, date=tuesday(3), cap=3, actor=garden_staff)
        services.delivery_double(delivery=delivery(subscriptions[2], 3), actor=users[2])
        assert delivery(subscriptions[2], 3).is_doubled

    def test_a_cancelled_doubling_frees_its_place(self, subscribe, garden, plan, garden_staff):
        pairs = [second_member(garden, name) for name in ("A", "B", "C")]
        subscriptions = [subscribe(member, plan) for member, _user in pairs]
        for subscription, (_member, user) in zip(subscriptions[:2], pairs[:2]):
            services.delivery_double(delivery=delivery(subscription, 3), actor=user)
        refused("delivery_doubled", services.delivery_cancel, delivery=delivery(subscriptions[0], 3), actor=pairs[0][1])
        services.delivery_cancel(
            delivery=delivery(subscriptions[0], 3), actor=garden_staff, override=True, reason="Décès"
        )
        services.delivery_double(delivery=delivery(subscriptions[2], 3), actor=pairs[2][1])


class TestPostpone:
    def test_postponed_basket_is_doubled_on_the_new_date(self, subscribe, plan, member, member_user):
        subscription = subscribe(member, plan)
        target = services.delivery_postpone(delivery=delivery(subscription, 1), to_date=tuesday(4), actor=member_user)
        source = delivery(subscription, 1)
        assert (source.status, source.postponed_to_id) == (DeliveryStatus.POSTPONED, target.pk)
        assert target.baskets == 2 and target.is_doubled
        change = DeliveryChange.objects.get(delivery=source)
        assert (change.kind, change.to_date, change.actor, change.override) == (
            ChangeKind.POSTPONE,
            tuesday(4),
            member_user,
            False,
        )

    def test_bad_targets_change_nothing(self, subscribe, plan, member, member_user, clock):
        subscription = subscribe(member, plan)
        before = snapshot(subscription)
        source = delivery(subscription, 3)
        cases = [
            ("outside_period", dt.date(2028, 1, 4)),
            ("same_week", tuesday(3) + dt.timedelta(days=3)),
            ("no_delivery_that_day", tuesday(5) + dt.timedelta(days=1)),
            ("no_delivery_that_day", BREAK[0] + dt.timedelta(days=1)),
            ("date_in_past", dt.date(2027, 1, 5)),
        ]
        for code, day in cases:
            refused(code, services.delivery_postpone, delivery=source, to_date=day, actor=member_user)
        assert snapshot(subscription) == before

    def test_count_based_postponement_may_go_past_the_calendar(self, subscribe, plan, member, member_user):
        subscription = subscribe(member, plan, delivery_count=5)
        later = tuesday(20)
        target = services.delivery_postpone(delivery=delivery(subscription, 1), to_date=later, actor=member_user)
        assert target.date == later and target.baskets == 1
        planned = subscription.deliveries.filter(status=DeliveryStatus.PLANNED)
        assert sum(planned.values_list("baskets", flat=True)) == 5

    def test_a_doubled_target_takes_no_more(self, subscribe, plan, member, member_user):
        subscription = subscribe(member, plan)
        services.delivery_double(delivery=delivery(subscription, 4), actor=member_user)
        refused(
            "already_doubled",
            services.delivery_postpone,
            delivery=delivery(subscription, 1),
            to_date=tuesday(4),
            actor=member_user,
        )


class TestCancel:
    def test_count_based_cancellation_adds_a_delivery_at_the_end(self, subscribe, plan, member, member_user):
        subscription = subscribe(member, plan, delivery_count=5)
        services.delivery_cancel(delivery=delivery(subscription, 1), actor=member_user)
        planned = list(subscription.deliveries.filter(status=DeliveryStatus.PLANNED).values_list("date", flat=True))
        assert planned == [tuesday(0), tuesday(2), tuesday(3), tuesday(4), tuesday(5)]

    def test_another_members_delivery_is_not_theirs(self, subscribe, garden, plan, member):
        subscription = subscribe(member, plan)
        _other, stranger = second_member(garden)
        refused("not_yours", services.delivery_cancel, delivery=delivery(subscription, 1), actor=stranger)
        refused("not_yours", services.delivery_cancel, delivery=delivery(subscription, 1), actor=make_staff_elsewhere())


def make_staff_elsewhere():
    from tests.factories import OrganisationFactory

    return make_staff(OrganisationFactory())


class TestOverride:
    def test_member_cannot_override(self, subscribe, plan, member, member_user):
        subscription = subscribe(member, plan)
        refused(
            "override_not_allowed",
            services.delivery_cancel,
            delivery=delivery(subscription, 1),
            actor=member_user,
            override=True,
            reason="x",
        )

    def test_override_needs_a_reason_and_is_logged(self, subscribe, plan, member, garden_staff, clock):
        subscription = subscribe(member, plan)
        clock.set(dt.datetime(2027, 3, 8, 12, 0))  # the day before tuesday(1): within notice
        refused(
            "reason_required",
            services.delivery_cancel,
            delivery=delivery(subscription, 1),
            actor=garden_staff,
            override=True,
            reason=" ",
        )
        refused("notice_too_short", services.delivery_cancel, delivery=delivery(subscription, 1), actor=garden_staff)
        services.delivery_cancel(
            delivery=delivery(subscription, 1), actor=garden_staff, override=True, reason="Appel du lundi"
        )
        change = DeliveryChange.objects.get(delivery__date=tuesday(1))
        assert (change.override, change.reason, change.actor) == (True, "Appel du lundi", garden_staff)


class TestAbsence:
    def test_absence_cancels_every_subscription_of_the_member(self, subscribe, garden, plan, member, member_user):
        eggs = make_plan(garden, name="Œufs", price=Decimal("4.00"))
        basket, eggs_subscription = subscribe(member, plan), subscribe(member, eggs)
        cancelled = services.absence_declare(
            members=[member], from_date=tuesday(2), until_date=tuesday(3), actor=member_user
        )
        assert len(cancelled) == 4
        for subscription in (basket, eggs_subscription):
            assert delivery(subscription, 2).status == delivery(subscription, 3).status == DeliveryStatus.CANCELLED

    def test_absence_on_chosen_deliveries_only(self, subscribe, garden, plan, member, member_user):
        eggs = make_plan(garden, name="Œufs", price=Decimal("4.00"))
        basket, eggs_subscription = subscribe(member, plan), subscribe(member, eggs)
        chosen = delivery(basket, 2)
        services.absence_declare(
            members=[member], from_date=tuesday(2), until_date=tuesday(2), delivery_ids=[chosen.pk], actor=member_user
        )
        assert delivery(basket, 2).status == DeliveryStatus.CANCELLED
        assert delivery(eggs_subscription, 2).status == DeliveryStatus.PLANNED

    def test_one_refusal_refuses_the_whole_absence(self, subscribe, garden, plan, member, member_user):
        strict = make_plan(garden, name="Fromage", cancellation_allowed=False)
        basket, cheese = subscribe(member, plan), subscribe(member, strict)
        before = snapshot(basket), snapshot(cheese)
        error = refused(
            "cancellation_not_allowed",
            services.absence_declare,
            members=[member],
            from_date=tuesday(2),
            until_date=tuesday(3),
            actor=member_user,
        )
        assert error.details["delivery"] in {delivery(cheese, 2).pk, delivery(cheese, 3).pk}
        assert (snapshot(basket), snapshot(cheese)) == before

    def test_bad_periods(self, subscribe, plan, member, member_user):
        subscribe(member, plan)
        refused(
            "invalid_dates",
            services.absence_declare,
            members=[member],
            from_date=tuesday(3),
            until_date=tuesday(2),
            actor=member_user,
        )
        refused(
            "no_delivery_in_period",
            services.absence_declare,
            members=[member],
            from_date=BREAK[0],
            until_date=BREAK[1],
            actor=member_user,
        )


class TestDepotAndDay:
    def test_depot_for_one_date_a_period_or_the_rest(self, subscribe, plan, member, member_user, depot, other_depot):
        subscription = subscribe(member, plan)
        services.subscription_change_depot(
            subscription=subscription, depot=other_depot, from_date=tuesday(2), until_date=tuesday(2), actor=member_user
        )
        assert [delivery(subscription, week).depot for week in (1, 2, 3)] == [depot, other_depot, depot]
        assert delivery(subscription, 2).fee == other_depot.delivery_fee
        services.subscription_change_depot(
            subscription=subscription, depot=other_depot, from_date=tuesday(10), until_date=None, actor=member_user
        )
        subscription.refresh_from_db()
        assert subscription.depot == other_depot
        assert set(subscription.deliveries.filter(date__gte=tuesday(10)).values_list("depot", flat=True)) == {
            other_depot.pk
        }
        assert delivery(subscription, 9).depot == depot

    def test_restricted_depot_needs_its_code(self, subscribe, garden, plan, member, member_user, garden_staff):
        subscription = subscribe(member, plan)
        private = depot_with_days(garden, name="Entreprise", restricted=True, public_note="Badge à l'accueil")
        before = snapshot(subscription)
        for code in ("", "9999"):
            refused(
                "wrong_access_code",
                services.subscription_change_depot,
                subscription=subscription,
                depot=private,
                from_date=tuesday(2),
                access_code=code,
                actor=member_user,
            )
        assert snapshot(subscription) == before
        services.subscription_change_depot(
            subscription=subscription, depot=private, from_date=tuesday(2), access_code="1234", actor=member_user
        )
        assert delivery(subscription, 2).depot == private

    def test_depot_without_delivery_that_day_changes_nothing(self, subscribe, garden, plan, member, member_user):
        subscription = subscribe(member, plan)
        fridays = depot_with_days(garden, name="Vendredi", weekdays=(Weekday.FRIDAY,))
        before = snapshot(subscription)
        refused(
            "no_delivery_that_day",
            services.subscription_change_depot,
            subscription=subscription,
            depot=fridays,
            from_date=tuesday(2),
            actor=member_user,
        )
        assert snapshot(subscription) == before

    def test_day_change_moves_each_week(self, subscribe, plan, member, member_user, other_depot):
        subscription = subscribe(member, plan)
        services.delivery_double(delivery=delivery(subscription, 6), actor=member_user)
        services.subscription_change_day(
            subscription=subscription,
            weekday=Weekday.FRIDAY,
            depot=other_depot,
            from_date=tuesday(5),
            actor=member_user,
        )
        friday = tuesday(6) + dt.timedelta(days=3)
        moved = subscription.deliveries.get(date=friday)
        assert (moved.depot, moved.baskets) == (other_depot, 2)
        assert delivery(subscription, 4).depot_id != other_depot.pk
        tuesdays = subscription.deliveries.filter(date__gte=tuesday(5), date__week_day=3)  # 3: Tuesday in Django
        # The season's last week has no Friday in the season: its delivery is cancelled, not counted against the member.
        assert list(tuesdays.values_list("date", "status")) == [(SEASON_END, DeliveryStatus.CANCELLED)]
        assert subscription_counters(subscription=subscription).cancelled == 0
        assert deliveries_generate() == 0


class TestClosures:
    def test_closure_moves_deliveries_mails_members_and_undo_moves_back(
        self,
        subscribe,
        garden,
        plan,
        member,
        depot,
        other_depot,
        garden_staff,
        clock,
        django_capture_on_commit_callbacks,
    ):
        subscription = subscribe(member, plan)
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            closure = services.closure_declare(
                depot=depot,
                starts_on=tuesday(4),
                ends_on=tuesday(5),
                replacement=other_depot,
                reason="Inventaire",
                remind_days_before=2,
                actor=garden_staff,
            )
        assert [delivery(subscription, week).depot for week in (3, 4, 5, 6)] == [depot, other_depot, other_depot, depot]
        assert delivery(subscription, 4).closure == closure
        assert len(mail.outbox) == 1 and "Mairie" in mail.outbox[0].body
        # The reminder goes once, within two days of the start.
        clock.set(dt.datetime(2027, 3, 27, 8, 0))
        assert closure_reminders_send() == "0 reminder(s) sent"
        clock.set(dt.datetime(2027, 3, 28, 8, 0))
        assert closure_reminders_send() == "1 reminder(s) sent"
        assert closure_reminders_send() == "0 reminder(s) sent"
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            assert services.closure_cancel(closure=closure, actor=garden_staff) == 2
        assert {delivery(subscription, week).depot for week in (4, 5)} == {depot}
        assert len(mail.outbox) == 1
        kinds = set(DeliveryChange.objects.values_list("kind", flat=True))
        assert {ChangeKind.CLOSURE, ChangeKind.REOPENING} <= kinds

    def test_closure_without_replacement_is_refused_when_deliveries_exist(
        self, subscribe, plan, member, depot, garden_staff
    ):
        subscription = subscribe(member, plan)
        refused(
            "replacement_required",
            services.closure_declare,
            depot=depot,
            starts_on=tuesday(4),
            ends_on=tuesday(4),
            actor=garden_staff,
        )
        assert not depot.closures.exists()
        assert delivery(subscription, 4).depot == depot

    def test_deliveries_planned_during_a_closure_go_to_the_replacement(
        self, subscribe, garden, plan, member, depot, other_depot, garden_staff
    ):
        services.closure_declare(
            depot=depot, starts_on=tuesday(4), ends_on=tuesday(4), replacement=other_depot, actor=garden_staff
        )
        subscription = subscribe(member, plan)
        assert delivery(subscription, 4).depot == other_depot
        assert delivery(subscription, 4).fee == other_depot.delivery_fee
