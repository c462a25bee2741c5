"""A CSA garden with two depots delivering on Tuesdays, a 2027 season with a summer break, and a weekly basket plan."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from offers.choices import SaleMode, Unit
from offers.pricing import price_excl_tax_from_incl
from shops import services as shop_services
from shops.choices import OrganisationKind, Weekday
from shops.models import PickupSlot
from subscriptions import services
from subscriptions.models import DeliveryBreak, Plan, Season
from tests.factories import (
    DepotFactory,
    MemberFactory,
    OfferFactory,
    OrganisationFactory,
    ProductFactory,
    UserFactory,
    make_staff,
)

SEASON_START = dt.date(2027, 3, 2)  # a Tuesday
SEASON_END = dt.date(2027, 12, 21)
BREAK = (dt.date(2027, 8, 9), dt.date(2027, 8, 22))


def tuesday(week: int) -> dt.date:
    """The season's ``week``-th Tuesday (0 = 2 March 2027)."""
    return SEASON_START + dt.timedelta(weeks=week)


def depot_with_days(organisation, *, weekdays=(Weekday.TUESDAY,), **kwargs):
    depot = DepotFactory.build(organisation=organisation, **kwargs)
    slots = [PickupSlot(weekday=day, starts=dt.time(17), ends=dt.time(19)) for day in weekdays]
    depot.pickup_slots = slots
    return shop_services.depot_save(depot=depot, access_code="1234" if depot.restricted else "")


@pytest.fixture
def clock(monkeypatch):
    """Set the time the services see: ``clock.set(datetime)`` (Paris time)."""

    class Clock:
        def set(self, when: dt.datetime):
            aware = timezone.make_aware(when) if timezone.is_naive(when) else when
            monkeypatch.setattr(timezone, "now", lambda: aware)

    clock = Clock()
    clock.set(dt.datetime(2027, 2, 1, 9, 0))
    return clock


@pytest.fixture
def garden(db):
    return OrganisationFactory(kind=OrganisationKind.CSA_GARDEN, name="Jardin de Cocagne")


@pytest.fixture
def depot(garden):
    return depot_with_days(garden, name="Biocoop Centre", delivery_fee=Decimal("1.50"))


@pytest.fixture
def other_depot(garden):
    return depot_with_days(garden, name="Mairie", weekdays=(Weekday.TUESDAY, Weekday.FRIDAY))


@pytest.fixture
def season(garden):
    season = Season(organisation=garden, name="Saison 2027", starts_on=SEASON_START, ends_on=SEASON_END)
    return services.season_save(
        season=season, breaks=[DeliveryBreak(starts_on=BREAK[0], ends_on=BREAK[1], reason="Congés")]
    )


def make_plan(organisation, *, name="Panier simple", price=Decimal("12.00"), **policy):
    product = ProductFactory(organisation=organisation, name=name, unit=Unit.BASKET)
    offer = OfferFactory(
        organisation=organisation,
        product=product,
        sale_mode=SaleMode.SUBSCRIPTION,
        price_excl_tax=price_excl_tax_from_incl(price_incl_tax=price, vat_rate=Decimal("5.50")),
        vat_rate=Decimal("5.50"),
        unlimited_stock=True,
    )
    return services.plan_save(plan=Plan(offer=offer, **policy))


@pytest.fixture
def plan(garden):
    return make_plan(garden, notice_hours=48, max_cancellations=3, doubling_cap=2)


@pytest.fixture
def member_user(db):
    return UserFactory(email="camille@example.org")


@pytest.fixture
def member(garden, member_user):
    return MemberFactory(organisation=garden, user=member_user, first_name="Camille", email="camille@example.org")


@pytest.fixture
def garden_staff(garden):
    return make_staff(garden)


@pytest.fixture
def subscribe(garden_staff, season, depot, clock):
    def subscribe(member, plan, **kwargs):
        kwargs.setdefault("depot", depot)
        kwargs.setdefault("weekday", Weekday.TUESDAY)
        kwargs.setdefault("starts_on", SEASON_START)
        if "delivery_count" not in kwargs:
            kwargs.setdefault("ends_on", SEASON_END)
        return services.subscription_create(member=member, plan=plan, actor=garden_staff, **kwargs)

    return subscribe
