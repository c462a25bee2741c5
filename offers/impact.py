"""Environmental impact of buying goods second-hand.

One unit bought second-hand avoids the manufacture of a new one (kg CO2e) and keeps the object out of
the waste stream (kg diverted). The factors come from the category tree (see the ADEME seed in
``offers/migrations/0003_seed_categories.py``); a category without a factor inherits its nearest
ancestor's.

- kg CO2e avoided: the category's ``co2e_per_item_kg`` if set, else ``co2e_per_kg`` × the product's
  ``weight_kg`` when both are known, walking up to the nearest ancestor that has a usable factor.
- kg diverted: the product's ``weight_kg`` if set, else the nearest ``waste_per_item_kg``.
- Both are rounded half-up to 0.1 kg. New goods (condition "new", or no condition on a catalogue
  product that is not a unique item) avoid nothing: their impact is None.

The functions are pure (they take already-loaded categories); the selectors load what they need in a
constant number of queries.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from django.db.models import Count, F, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from .choices import Condition
from .models import Offer, Product, ProductCategory

PARIS = ZoneInfo("Europe/Paris")
TENTH = Decimal("0.1")
ZERO = Decimal("0.0")


@dataclass(frozen=True)
class CategoryFactors:
    """The impact fields of one category (a light copy, so that totals can work on ``values()`` rows)."""

    pk: int
    path: str
    co2e_per_item_kg: Decimal | None = None
    co2e_per_kg: Decimal | None = None
    waste_per_item_kg: Decimal | None = None
    impact_source: str = ""

    @classmethod
    def of(cls, category: ProductCategory) -> CategoryFactors:
        return cls(
            pk=category.pk,
            path=category.path,
            co2e_per_item_kg=category.co2e_per_item_kg,
            co2e_per_kg=category.co2e_per_kg,
            waste_per_item_kg=category.waste_per_item_kg,
            impact_source=category.impact_source,
        )


FACTOR_FIELDS = ("pk", "path", "co2e_per_item_kg", "co2e_per_kg", "waste_per_item_kg", "impact_source")


@dataclass(frozen=True)
class Impact:
    """What buying one unit second-hand saves; either figure may be None when no factor is known."""

    co2e_kg: Decimal | None
    waste_kg: Decimal | None
    source: str  # the source of the CO2e factor used (else of the waste factor), "" if none is recorded


@dataclass(frozen=True)
class ImpactTotals:
    co2e_kg: Decimal
    waste_kg: Decimal
    items: int  # second-hand units counted


def round_kg(value: Decimal) -> Decimal:
    return value.quantize(TENTH, rounding=ROUND_HALF_UP)


def is_second_hand(*, condition: str, is_unique_item: bool) -> bool:
    """Unique items and products with a used condition count; new goods and catalogue products without a
    condition do not."""
    return is_unique_item or (bool(condition) and condition != Condition.NEW)


def ancestor_ids(path: str) -> list[int]:
    """Ids of a category and its ancestors from its ``path`` ("3/7/" → [7, 3]), nearest first."""
    return [int(part) for part in reversed(path.split("/")) if part.isdigit()]


def category_chain(*, category_id: int, path: str, factors: Mapping[int, CategoryFactors]) -> list[CategoryFactors]:
    """The category then its ancestors, nearest first, among the loaded ``factors``."""
    ids = ancestor_ids(path) or [category_id]
    if ids[0] != category_id:
        ids.insert(0, category_id)
    return [factors[pk] for pk in ids if pk in factors]


def unit_impact(
    *, condition: str, is_unique_item: bool, weight_kg: Decimal | None, chain: Iterable[CategoryFactors]
) -> Impact | None:
    """The impact of buying one unit second-hand, or None for new goods or when nothing is known."""
    if not is_second_hand(condition=condition, is_unique_item=is_unique_item):
        return None
    co2e = waste = None
    co2e_source = waste_source = ""
    for category in chain:
        if co2e is None:
            if category.co2e_per_item_kg is not None:
                co2e, co2e_source = category.co2e_per_item_kg, category.impact_source
            elif category.co2e_per_kg is not None and weight_kg is not None:
                co2e, co2e_source = category.co2e_per_kg * weight_kg, category.impact_source
        if waste is None and weight_kg is None and category.waste_per_item_kg is not None:
            waste, waste_source = category.waste_per_item_kg, category.impact_source
    if weight_kg is not None:
        waste = weight_kg
    if co2e is None and waste is None:
        return None
    return Impact(
        co2e_kg=round_kg(co2e) if co2e is not None else None,
        waste_kg=round_kg(waste) if waste is not None else None,
        source=co2e_source or waste_source,
    )


def load_factors(paths: Iterable[str]) -> dict[int, CategoryFactors]:
    """The categories named in ``paths`` and all their ancestors, in one query."""
    ids = {pk for path in paths for pk in ancestor_ids(path)}
    if not ids:
        return {}
    rows = ProductCategory.objects.filter(pk__in=ids).values_list(*FACTOR_FIELDS)
    return {row[0]: CategoryFactors(*row) for row in rows}


# --- selectors -----------------------------------------------------------------------------------


def product_impact(*, product: Product) -> Impact | None:
    """The impact of buying one unit of ``product`` second-hand (at most one query: its category chain)."""
    if not is_second_hand(condition=product.condition, is_unique_item=product.is_unique_item):
        return None
    category = product.category
    own = CategoryFactors.of(category)
    has_own_factor = own.co2e_per_item_kg is not None or (own.co2e_per_kg is not None and product.weight_kg is not None)
    has_own_waste = product.weight_kg is not None or own.waste_per_item_kg is not None
    if has_own_factor and has_own_waste:
        chain = [own]
    else:
        factors = load_factors([category.path])
        factors[own.pk] = own
        chain = category_chain(category_id=own.pk, path=category.path, factors=factors)
    return unit_impact(
        condition=product.condition, is_unique_item=product.is_unique_item, weight_kg=product.weight_kg, chain=chain
    )


def _second_hand_rows(rows: Iterable[dict]) -> list[dict]:
    return [row for row in rows if is_second_hand(condition=row["condition"], is_unique_item=row["is_unique_item"])]


def _sum_rows(rows: Iterable[dict], factors: Mapping[int, CategoryFactors]) -> ImpactTotals:
    """Totals of second-hand rows, each a group of ``units`` sharing what the rules need (``ROW_FIELDS``)."""
    co2e_total = waste_total = ZERO
    items = 0
    for row in rows:
        chain = category_chain(category_id=row["category_id"], path=row["category_path"], factors=factors)
        impact = unit_impact(
            condition=row["condition"], is_unique_item=row["is_unique_item"], weight_kg=row["weight_kg"], chain=chain
        )
        items += row["units"]
        if impact is None:
            continue
        if impact.co2e_kg is not None:
            co2e_total += impact.co2e_kg * row["units"]
        if impact.waste_kg is not None:
            waste_total += impact.waste_kg * row["units"]
    return ImpactTotals(co2e_kg=round_kg(co2e_total), waste_kg=round_kg(waste_total), items=items)


# What the rules need to know of a unit, read from an offer (besides its category_id).
ROW_FIELDS = {
    "category_path": F("category__path"),
    "condition": F("product__condition"),
    "is_unique_item": F("product__is_unique_item"),
    "weight_kg": F("product__weight_kg"),
}


def impact_totals(*, offers_queryset) -> ImpactTotals:
    """kg CO2e avoided and kg diverted by one second-hand unit of each offer of ``offers_queryset``.

    Two queries whatever the number of offers: offers grouped by what the rules need (category,
    condition, unique item, weight) with a count, then the categories of those groups and their ancestors.
    """
    rows = _second_hand_rows(offers_queryset.order_by().values("category_id", **ROW_FIELDS).annotate(units=Count("pk")))
    return _sum_rows(rows, load_factors(row["category_path"] for row in rows))


# --- sold units: the impact that really happened --------------------------------------------------


@dataclass(frozen=True)
class MonthImpact:
    month: date  # the first day of a Europe/Paris calendar month
    co2e_kg: Decimal
    waste_kg: Decimal
    items: int


def _offers_marked_sold(*, shop_id, organisation_id, since, until, by_month):
    """Units of offers marked sold in the admin, grouped by ``ROW_FIELDS`` (and Paris month), as a queryset."""
    offers = Offer.objects.filter(sold_quantity__gt=0, sold_at__isnull=False)
    if shop_id is not None:
        offers = offers.filter(shop_id=shop_id)
    if organisation_id is not None:
        offers = offers.filter(organisation_id=organisation_id)
    if since is not None:
        offers = offers.filter(sold_at__gte=since)
    if until is not None:
        offers = offers.filter(sold_at__lt=until)
    fields = dict(ROW_FIELDS)
    if by_month:
        fields["month"] = TruncMonth("sold_at", tzinfo=PARIS)
    return offers.order_by().values("category_id", **fields).annotate(units=Sum("sold_quantity"))


def _order_lines_handed_over(*, shop_id, organisation_id, customer_id, since, until, by_month):
    """Units of order lines collected or delivered, less returns, grouped like ``_offers_marked_sold``."""
    from baskets.models import ReservationLine

    lines = ReservationLine.objects.filter(handed_over_at__isnull=False, quantity__gt=F("returned_quantity"))
    if shop_id is not None:
        lines = lines.filter(shop_id=shop_id)
    if organisation_id is not None:
        lines = lines.filter(organisation_id=organisation_id)
    if customer_id is not None:
        lines = lines.filter(reservation__customer_id=customer_id)
    if since is not None:
        lines = lines.filter(handed_over_at__gte=since)
    if until is not None:
        lines = lines.filter(handed_over_at__lt=until)
    fields = {
        "category_id": F("offer__category_id"),
        **{name: F(f"offer__{expression.name}") for name, expression in ROW_FIELDS.items()},
    }
    if by_month:
        fields["month"] = TruncMonth("handed_over_at", tzinfo=PARIS)
    return lines.order_by().values(**fields).annotate(units=Sum(F("quantity") - F("returned_quantity")))


def sold_unit_rows(
    *, shop_id=None, organisation_id=None, customer_id=None, since=None, until=None, by_month=False
) -> list[dict]:
    """Second-hand units sold, grouped by what the impact rules need, with ``units`` (and ``month``).

    The one place that says what "sold" means: offers marked sold in the admin (a sale at the till), and order
    lines collected or delivered, less the units returned. One query (UNION ALL of both); a customer's
    units come from their orders only.
    """
    window = {"since": since, "until": until, "by_month": by_month}
    rows = _order_lines_handed_over(shop_id=shop_id, organisation_id=organisation_id, customer_id=customer_id, **window)
    if customer_id is None:
        rows = rows.union(_offers_marked_sold(shop_id=shop_id, organisation_id=organisation_id, **window), all=True)
    return _second_hand_rows(rows)


def impact_summary(*, shop_id=None, organisation_id=None, customer_id=None) -> ImpactTotals:
    """All-time impact of the units sold by a shop, an organisation or the platform, or bought by a customer
    (two queries at most)."""
    rows = sold_unit_rows(shop_id=shop_id, organisation_id=organisation_id, customer_id=customer_id)
    return _sum_rows(rows, load_factors(row["category_path"] for row in rows))


def add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def month_start(day: date) -> datetime:
    return datetime(day.year, day.month, 1, tzinfo=PARIS)


def impact_series(*, shop_id=None, organisation_id=None, months=12, now=None) -> list[MonthImpact]:
    """Impact per Europe/Paris calendar month, the last ``months`` months up to the current one, empty months
    included (two queries at most, whatever the number of offers)."""
    today = timezone.localtime(now or timezone.now(), PARIS).date()
    first = add_months(today.replace(day=1), -(months - 1))
    rows = sold_unit_rows(
        shop_id=shop_id,
        organisation_id=organisation_id,
        since=month_start(first),
        until=month_start(add_months(first, months)),
        by_month=True,
    )
    factors = load_factors(row["category_path"] for row in rows)
    by_month: dict[date, list[dict]] = {}
    for row in rows:
        by_month.setdefault(timezone.localtime(row["month"], PARIS).date(), []).append(row)
    series = []
    for offset in range(months):
        month = add_months(first, offset)
        totals = _sum_rows(by_month.get(month, []), factors)
        series.append(MonthImpact(month=month, co2e_kg=totals.co2e_kg, waste_kg=totals.waste_kg, items=totals.items))
    return series
