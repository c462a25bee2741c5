"""Which shop serves each line of an order.

A line names the offer the customer saw; any listed offer of the same product in a shop of the same
organisation can serve it (a network sells one reference catalogue through many shops). For pickup the
chosen shop serves every line it holds; for delivery, the shops holding every line of an organisation are
ranked by the allocation strategy and the first one serves them all, else each line goes to the first
shop holding it (the order is then split by shop). The strategy is the seam: ``NearestShop`` by default,
``HighestStock`` as an example, or any class named in ``PIVOT_ALLOCATION_STRATEGY``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from django.conf import settings
from django.db.models import F
from django.utils.module_loading import import_string

from offers.models import Offer
from offers.selectors import sale_period_condition
from shops.geocoding import great_circle_km


@dataclass(frozen=True)
class Candidate:
    """A listed offer that could serve a line: its shop, its free units (None: unlimited) and distance."""

    offer_id: int
    product_id: int
    organisation_id: int
    shop_id: int
    available: int | None
    distance_km: float | None

    def holds(self, quantity: int) -> bool:
        return self.available is None or self.available >= quantity


class AllocationStrategy(Protocol):
    def rank_shops(self, options: dict[int, list[Candidate]]) -> list[int]:
        """Shop ids, best first; ``options`` gives, for each shop, the candidates it would serve."""


class NearestShop:
    """The shop nearest to the customer; shops without coordinates last, then by id (stable)."""

    def rank_shops(self, options: dict[int, list[Candidate]]) -> list[int]:
        def key(shop_id):
            distance = options[shop_id][0].distance_km
            return (distance is None, distance or 0.0, shop_id)

        return sorted(options, key=key)


class HighestStock:
    """The shop with the most free units of what it would serve, so that small shops keep theirs."""

    def rank_shops(self, options: dict[int, list[Candidate]]) -> list[int]:
        def key(shop_id):
            free = [c.available for c in options[shop_id]]
            least = min((units for units in free if units is not None), default=None)
            return (least is not None, -(least or 0), shop_id)

        return sorted(options, key=key)


def default_strategy() -> AllocationStrategy:
    return import_string(getattr(settings, "PIVOT_ALLOCATION_STRATEGY", "baskets.routing.NearestShop"))()


def candidates(
    *, product_ids, latitude=None, longitude=None, exclude_shop_ids=(), now=None
) -> dict[int, list[Candidate]]:
    """Listed offers on sale of these products, by product id, with their free units and distance (one query)."""
    rows = (
        Offer.objects.filter(product_id__in=product_ids, listed=True, shop__isnull=False)
        .filter(sale_period_condition(now))
        .exclude(shop_id__in=exclude_shop_ids)
        .annotate(free=F("stock_on_hand") - F("stock_allocated"))
        .values_list(
            "pk",
            "product_id",
            "organisation_id",
            "shop_id",
            "unlimited_stock",
            "free",
            "shop__latitude",
            "shop__longitude",
        )
    )
    found: dict[int, list[Candidate]] = {}
    for pk, product_id, organisation_id, shop_id, unlimited, free, shop_lat, shop_lon in rows:
        distance = None
        if None not in (latitude, longitude, shop_lat, shop_lon):
            distance = great_circle_km(float(latitude), float(longitude), float(shop_lat), float(shop_lon))
        found.setdefault(product_id, []).append(
            Candidate(pk, product_id, organisation_id, shop_id, None if unlimited else max(free, 0), distance)
        )
    return found


def allocate(
    *,
    wanted: dict[int, int],
    product_of: dict[int, int],
    organisation_of: dict[int, int],
    found: dict[int, list[Candidate]],
    pickup_shop_of: dict[int, int] | None = None,
    strategy: AllocationStrategy | None = None,
) -> dict[int, Candidate | None]:
    """For each requested offer id (``wanted``: offer id → units), the candidate of the same organisation (a
    shared reference product is sold by several networks) that serves it, or None
    when no shop holds enough (or, for pickup, the shop chosen in that organisation, ``pickup_shop_of``:
    organisation id → shop id, does not)."""
    strategy = strategy or default_strategy()
    holding = {
        offer_id: [
            c
            for c in found.get(product_of[offer_id], [])
            if c.holds(quantity) and c.organisation_id == organisation_of[offer_id]
        ]
        for offer_id, quantity in wanted.items()
    }
    if pickup_shop_of is not None:
        return {
            offer_id: next((c for c in options if c.shop_id == pickup_shop_of.get(c.organisation_id)), None)
            for offer_id, options in holding.items()
        }
    chosen: dict[int, Candidate | None] = {offer_id: None for offer_id in wanted}
    by_organisation: dict[int, list[int]] = {}
    for offer_id, options in holding.items():
        if options:
            by_organisation.setdefault(options[0].organisation_id, []).append(offer_id)
    for offer_ids in by_organisation.values():
        # Shops that hold every line of this organisation serve them all from one place.
        per_shop: dict[int, dict[int, Candidate]] = {}
        for offer_id in offer_ids:
            for candidate in holding[offer_id]:
                per_shop.setdefault(candidate.shop_id, {})[offer_id] = candidate
        complete = {shop_id: list(c.values()) for shop_id, c in per_shop.items() if len(c) == len(offer_ids)}
        if complete:
            best = strategy.rank_shops(complete)[0]
            for offer_id in offer_ids:
                chosen[offer_id] = per_shop[best][offer_id]
            continue
        for offer_id in offer_ids:
            options = {c.shop_id: [c] for c in holding[offer_id]}
            chosen[offer_id] = options[strategy.rank_shops(options)[0]][0]
    return chosen


def shops_holding(*, wanted, latitude=None, longitude=None, exclude_shop_ids=()) -> list[Candidate]:
    """Shops holding every ``(offer, quantity)`` of ``wanted`` (same product, same organisation), ranked by the
    strategy (nearest first); each as its candidate for the first line, which carries the distance. One query."""
    found = candidates(
        product_ids={offer.product_id for offer, _quantity in wanted},
        latitude=latitude,
        longitude=longitude,
        exclude_shop_ids=exclude_shop_ids,
    )
    per_shop: dict[int, list[Candidate]] = {}
    for index, (offer, quantity) in enumerate(wanted):
        for candidate in found.get(offer.product_id, []):
            held = per_shop.setdefault(candidate.shop_id, [])
            if len(held) == index and candidate.organisation_id == offer.organisation_id and candidate.holds(quantity):
                held.append(candidate)
    complete = {shop_id: held for shop_id, held in per_shop.items() if len(held) == len(wanted)}
    return [complete[shop_id][0] for shop_id in default_strategy().rank_shops(complete)] if complete else []
