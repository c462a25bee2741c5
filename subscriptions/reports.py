"""What staff print and invoice: delivery sheets, the farm's totals to prepare, the solidarity report per funder and
the members' monthly statements.

Each report is a handful of queries whatever the number of deliveries (flat ``values_list`` rows, grouped in
Python), so that a sheet of 2,000 deliveries renders in well under the two seconds of the bar. Only planned
deliveries bring baskets: cancelled and postponed ones are neither prepared nor billed.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import F, Sum
from django.utils.translation import gettext as _

from cms.templatetags.pivot_tags import phone_display
from shops.models import Depot, Member, Organisation, PickupSlot

from .choices import DeliveryStatus
from .models import Delivery, Subscription
from .services import discount_per_basket

ZERO = Decimal("0.00")


def _product(baskets: int, quantity: int, product: str, doubling_product: str | None) -> tuple[str, int]:
    """What is prepared for a delivery: a doubled basket becomes the plan's doubling product when it has one
    (one per subscribed quantity), otherwise twice the product."""
    if baskets > 1 and doubling_product is not None:
        return doubling_product, quantity
    return product, quantity * baskets


def _month(year: int, month: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])


# Delivery sheets


@dataclass(frozen=True)
class SheetLine:
    delivery_id: int
    last_name: str
    first_name: str
    phone: str
    product: str
    quantity: int
    doubled: bool
    notes: tuple[str, ...] = ()


@dataclass
class DepotSheet:
    depot_id: int
    name: str
    address: str
    hours: str
    restricted: bool
    public_note: str
    lines: list[SheetLine] = field(default_factory=list)

    @property
    def totals(self) -> dict[str, int]:
        """Quantity to bring per product, by product name."""
        totals: dict[str, int] = defaultdict(int)
        for line in self.lines:
            totals[line.product] += line.quantity
        return dict(sorted(totals.items()))

    @property
    def doubled(self) -> int:
        return sum(1 for line in self.lines if line.doubled)


@dataclass
class DeliverySheet:
    organisation: str
    date: dt.date
    depots: list[DepotSheet]

    @property
    def line_count(self) -> int:
        return sum(len(depot.lines) for depot in self.depots)


def delivery_sheet(*, organisation_id: int, date: dt.date, depot_ids: Iterable[int] | None = None) -> DeliverySheet:
    """Per depot (by name), the planned deliveries of ``date``: who collects what. Four queries."""
    deliveries = Delivery.objects.filter(organisation_id=organisation_id, date=date, status=DeliveryStatus.PLANNED)
    if depot_ids is not None:
        deliveries = deliveries.filter(depot_id__in=list(depot_ids))
    rows = deliveries.order_by(
        "depot__name",
        "depot_id",
        "subscription__member__last_name",
        "subscription__member__first_name",
        "subscription__plan__offer__product__name",
        "pk",
    ).values_list(
        "pk",
        "depot_id",
        "baskets",
        "subscription__quantity",
        "subscription__member__last_name",
        "subscription__member__first_name",
        "subscription__member__phone",
        "subscription__plan__offer__product__name",
        "subscription__plan__doubling_product__name",
        "closure__depot__name",
        "depot__restricted",
    )
    restricted_note = _("Restricted depot")
    lines_by_depot: dict[int, list[SheetLine]] = {}
    for row in rows:
        pk, depot_id, baskets, quantity, last_name, first_name, phone, product, doubling, moved_from, restricted = row
        name, count = _product(baskets, quantity, product, doubling)
        notes = [restricted_note] if restricted else []
        if moved_from:
            notes.append(_("Moved from %(depot)s by a closure") % {"depot": moved_from})
        lines_by_depot.setdefault(depot_id, []).append(
            SheetLine(
                pk, last_name, first_name, phone_display(phone) if phone else "", name, count, baskets > 1, tuple(notes)
            )
        )
    hours: dict[int, list[str]] = defaultdict(list)
    for depot_id, starts, ends in (
        PickupSlot.objects.filter(depot_id__in=lines_by_depot, weekday=date.weekday())
        .order_by("starts")
        .values_list("depot_id", "starts", "ends")
    ):
        hours[depot_id].append(f"{starts:%H:%M}–{ends:%H:%M}")
    depots = []
    for depot in Depot.objects.filter(pk__in=lines_by_depot).order_by("name", "pk"):
        depots.append(
            DepotSheet(
                depot_id=depot.pk,
                name=depot.name,
                address=", ".join(filter(None, [depot.address, f"{depot.postcode} {depot.city}".strip()])),
                hours=", ".join(hours[depot.pk]),
                restricted=depot.restricted,
                public_note=depot.public_note,
                lines=lines_by_depot[depot.pk],
            )
        )
    organisation = Organisation.objects.values_list("name", flat=True).get(pk=organisation_id)
    return DeliverySheet(organisation=organisation, date=date, depots=depots)


def next_delivery_date(*, organisation_id: int, after: dt.date) -> dt.date | None:
    """The first date on or after ``after`` with a planned delivery: the sheet staff most likely want."""
    return (
        Delivery.objects.filter(organisation_id=organisation_id, date__gte=after, status=DeliveryStatus.PLANNED)
        .order_by("date")
        .values_list("date", flat=True)
        .first()
    )


# What the farm prepares


@dataclass
class FarmDay:
    date: dt.date
    # (depot name, {product: quantity}) by depot name
    depots: list[tuple[str, dict[str, int]]]
    totals: dict[str, int]


@dataclass
class FarmTotals:
    date_from: dt.date
    date_to: dt.date
    products: list[str]
    days: list[FarmDay]


def farm_totals(*, organisation_id: int, date_from: dt.date, date_to: dt.date) -> FarmTotals:
    """Per date, the quantity of each product to prepare per depot and for all depots: doubled baskets count as
    the plan's doubling product. Summed in SQL per date, depot, plan and basket count: two queries."""
    rows = (
        Delivery.objects.filter(
            organisation_id=organisation_id, date__range=(date_from, date_to), status=DeliveryStatus.PLANNED
        )
        .values_list(
            "date",
            "depot_id",
            "baskets",
            "subscription__plan__offer__product__name",
            "subscription__plan__doubling_product__name",
        )
        .annotate(quantity=Sum("subscription__quantity"))
        .order_by()
    )
    per_depot: dict[dt.date, dict[int, dict[str, int]]] = defaultdict(lambda: defaultdict(lambda: defaultdict(int)))
    products = set()
    for day, depot_id, baskets, product, doubling, quantity in rows:
        name, count = _product(baskets, quantity, product, doubling)
        per_depot[day][depot_id][name] += count
        products.add(name)
    depot_ids = {depot_id for depots in per_depot.values() for depot_id in depots}
    names = dict(Depot.objects.filter(pk__in=depot_ids).values_list("pk", "name"))
    days = []
    for day in sorted(per_depot):
        depots = sorted(((names[pk], dict(counts)) for pk, counts in per_depot[day].items()), key=lambda d: d[0])
        totals: dict[str, int] = defaultdict(int)
        for _name, counts in depots:
            for product, count in counts.items():
                totals[product] += count
        days.append(FarmDay(date=day, depots=depots, totals=dict(totals)))
    return FarmTotals(date_from=date_from, date_to=date_to, products=sorted(products), days=days)


# Solidarity baskets


@dataclass(frozen=True)
class FundedSubscription:
    member: str
    product: str
    baskets: int
    discount_per_basket: Decimal
    discount: Decimal


@dataclass
class FunderLine:
    funder_id: int
    funder: str
    baskets: int
    discount: Decimal
    subscriptions: list[FundedSubscription]


@dataclass
class FunderReport:
    date_from: dt.date
    date_to: dt.date
    lines: list[FunderLine]

    @property
    def total_baskets(self) -> int:
        return sum(line.baskets for line in self.lines)

    @property
    def total_discount(self) -> Decimal:
        return sum((line.discount for line in self.lines), ZERO)


def funder_report(*, organisation_id: int, date_from: dt.date, date_to: dt.date) -> FunderReport:
    """Per funder, the baskets delivered over the period to the subscriptions it funds and their discount: what
    the garden invoices to it. Baskets are summed per subscription in SQL, the discount priced once per
    subscription: two queries."""
    baskets = dict(
        Delivery.objects.filter(
            organisation_id=organisation_id,
            date__range=(date_from, date_to),
            status=DeliveryStatus.PLANNED,
            subscription__funder__isnull=False,
        )
        .values_list("subscription_id")
        .annotate(baskets=Sum(F("baskets") * F("subscription__quantity")))
        .order_by()
    )
    subscriptions = (
        Subscription.objects.filter(pk__in=baskets)
        .select_related("member", "funder", "plan__offer__product")
        .order_by("funder__name", "funder_id", "member__last_name", "member__first_name", "pk")
    )
    lines: dict[int, FunderLine] = {}
    for subscription in subscriptions:
        line = lines.setdefault(
            subscription.funder_id,
            FunderLine(subscription.funder_id, subscription.funder.name, 0, ZERO, []),
        )
        count = baskets[subscription.pk]
        per_basket = discount_per_basket(subscription)
        line.baskets += count
        line.discount += count * per_basket
        line.subscriptions.append(
            FundedSubscription(
                member=f"{subscription.member.last_name} {subscription.member.first_name}".strip(),
                product=subscription.plan.offer.product.name,
                baskets=count,
                discount_per_basket=per_basket,
                discount=count * per_basket,
            )
        )
    return FunderReport(date_from=date_from, date_to=date_to, lines=list(lines.values()))


# Monthly statements


@dataclass(frozen=True)
class StatementLine:
    delivery_id: int
    date: dt.date
    product: str
    depot: str
    baskets: int
    quantity: int
    unit_price: Decimal
    amount: Decimal
    fee: Decimal
    discount: Decimal
    funder: str
    doubled: bool

    @property
    def due(self) -> Decimal:
        return self.amount + self.fee - self.discount


@dataclass
class Statement:
    """A member's billable deliveries of a month: planned ones (past ones were delivered, later ones are due).
    ``amount`` = subscribed quantity × baskets × price per delivery; ``discount`` = quantity × baskets ×
    discount per basket (paid by the funder); the delivery fee is due once per delivery."""

    year: int
    month: int
    lines: list[StatementLine]
    member: Member | None = None

    @property
    def first_day(self) -> dt.date:
        return dt.date(self.year, self.month, 1)

    @property
    def total_baskets(self) -> int:
        return sum(line.quantity * line.baskets for line in self.lines)

    @property
    def total_amount(self) -> Decimal:
        return sum((line.amount for line in self.lines), ZERO)

    @property
    def total_fees(self) -> Decimal:
        return sum((line.fee for line in self.lines), ZERO)

    @property
    def total_discounts(self) -> Decimal:
        return sum((line.discount for line in self.lines), ZERO)

    @property
    def total_due(self) -> Decimal:
        return self.total_amount + self.total_fees - self.total_discounts


def _statement_lines(deliveries) -> list[tuple[int, StatementLine]]:
    """(member id, line) for each billable delivery, with the discount priced once per subscription."""
    rows = (
        deliveries.filter(status=DeliveryStatus.PLANNED)
        .select_related("subscription__plan__offer__product", "subscription__funder", "depot")
        .order_by("date", "subscription__plan__offer__product__name", "pk")
    )
    discounts: dict[int, Decimal] = {}
    lines = []
    for delivery in rows:
        subscription = delivery.subscription
        if subscription.pk not in discounts:
            discounts[subscription.pk] = discount_per_basket(subscription)
        units = subscription.quantity * delivery.baskets
        lines.append(
            (
                subscription.member_id,
                StatementLine(
                    delivery_id=delivery.pk,
                    date=delivery.date,
                    product=subscription.plan.offer.product.name,
                    depot=delivery.depot.name,
                    baskets=delivery.baskets,
                    quantity=subscription.quantity,
                    unit_price=subscription.price_per_delivery,
                    amount=units * subscription.price_per_delivery,
                    fee=delivery.fee,
                    discount=units * discounts[subscription.pk],
                    funder=subscription.funder.name if subscription.funder else "",
                    doubled=delivery.baskets > 1,
                ),
            )
        )
    return lines


def member_statement(*, members: Iterable[Member], year: int, month: int) -> Statement:
    """The statement of a person's member records (one per organisation they subscribe to) for a month."""
    members = list(members)
    deliveries = Delivery.objects.filter(subscription__member__in=members, date__range=_month(year, month))
    lines = [line for _member_id, line in _statement_lines(deliveries)]
    return Statement(year=year, month=month, lines=lines, member=members[0] if len(members) == 1 else None)


def organisation_statements(*, organisation_id: int, year: int, month: int) -> list[Statement]:
    """One statement per member with billable deliveries in the month, by name: three queries."""
    deliveries = Delivery.objects.filter(organisation_id=organisation_id, date__range=_month(year, month))
    lines: dict[int, list[StatementLine]] = defaultdict(list)
    for member_id, line in _statement_lines(deliveries):
        lines[member_id].append(line)
    members = Member.objects.filter(pk__in=lines).order_by("last_name", "first_name", "pk")
    return [Statement(year=year, month=month, lines=lines[member.pk], member=member) for member in members]
