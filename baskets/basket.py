"""The visitor's basket, kept in the session until checkout: offer id → quantity.

It is only a list of wishes. Nothing here reserves stock or decides whether an order may be placed: at
checkout the lines go to ``baskets.services.reservation_create``, which checks everything again (sale
period, audience, unique items, stock). The limits below only keep the session small and match the
service's own bounds, so that a basket never holds more than one order may.

The session holds two keys: ``basket`` (``{"<offer id>": quantity}``) and ``basket_count`` (the number
of units), which the site header reads without a query.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from offers.models import Offer

from .services import MAX_LINES, MAX_QUANTITY, LineRequest, line_quantity_limit

SESSION_KEY = "basket"
COUNT_KEY = "basket_count"


class BasketFull(Exception):
    """The basket already holds MAX_LINES offers."""


@dataclass
class BasketLine:
    offer: Offer
    quantity: int

    @property
    def unit_price_incl_tax(self) -> Decimal:
        return self.offer.price_incl_tax

    @property
    def total_incl_tax(self) -> Decimal:
        return self.unit_price_incl_tax * self.quantity

    @property
    def max_quantity(self) -> int:
        return line_quantity_limit(self.offer)

    @property
    def short_by(self) -> int:
        """Units missing right now (0 when the shop holds enough); the service has the last word at checkout."""
        available = self.offer.stock_available
        return 0 if available is None else max(self.quantity - available, 0)


@dataclass
class BasketContents:
    lines: list[BasketLine]
    dropped: list[int]  # offer ids no longer listed, removed from the basket

    @property
    def total_incl_tax(self) -> Decimal:
        return sum((line.total_incl_tax for line in self.lines), start=Decimal("0.00"))

    @property
    def count(self) -> int:
        return sum(line.quantity for line in self.lines)

    def by_organisation(self) -> list[tuple[object, list[BasketLine]]]:
        """(organisation, its lines), in the order the offers were first added."""
        groups: dict[int, tuple[object, list[BasketLine]]] = {}
        for line in self.lines:
            groups.setdefault(line.offer.organisation_id, (line.offer.organisation, []))[1].append(line)
        return list(groups.values())


class SessionBasket:
    def __init__(self, session):
        self.session = session

    # --- reading -----------------------------------------------------------------------------------

    def quantities(self) -> dict[int, int]:
        """Offer id → quantity, as stored (insertion order); junk in the session is ignored."""
        stored = self.session.get(SESSION_KEY)
        if not isinstance(stored, dict):
            return {}
        quantities = {}
        for key, value in stored.items():
            try:
                offer_id, quantity = int(key), int(value)
            except (TypeError, ValueError):
                continue
            if offer_id > 0 and quantity > 0:
                quantities[offer_id] = min(quantity, MAX_QUANTITY)
        return dict(list(quantities.items())[:MAX_LINES])

    def __len__(self) -> int:
        return len(self.quantities())

    def __bool__(self) -> bool:
        return bool(self.quantities())

    def contents(self) -> BasketContents:
        """The basket's offers still listed, read in one query; the others are dropped from the session."""
        quantities = self.quantities()
        if not quantities:
            return BasketContents(lines=[], dropped=[])
        offers = (
            Offer.objects.filter(pk__in=quantities, listed=True)
            .select_related("product", "shop", "organisation")
            .in_bulk()
        )
        lines = [BasketLine(offer=offers[pk], quantity=quantity) for pk, quantity in quantities.items() if pk in offers]
        dropped = [pk for pk in quantities if pk not in offers]
        if dropped:
            self._store({pk: quantity for pk, quantity in quantities.items() if pk in offers})
        return BasketContents(lines=lines, dropped=dropped)

    def line_requests(self) -> list[LineRequest]:
        return [LineRequest(offer_id=pk, quantity=quantity) for pk, quantity in self.quantities().items()]

    # --- writing -----------------------------------------------------------------------------------

    def add(self, offer: Offer, quantity: int) -> int:
        """Add units of ``offer`` (up to its line limit); returns the line's new quantity. Raises BasketFull."""
        quantities = self.quantities()
        if offer.pk not in quantities and len(quantities) >= MAX_LINES:
            raise BasketFull
        quantities[offer.pk] = min(quantities.get(offer.pk, 0) + max(quantity, 1), line_quantity_limit(offer))
        self._store(quantities)
        return quantities[offer.pk]

    def set_quantities(self, wanted: dict[int, int], *, limits: dict[int, int]) -> None:
        """Change the quantities of lines already in the basket; 0 removes a line. ``limits``: offer id → max."""
        quantities = self.quantities()
        for offer_id, quantity in wanted.items():
            if offer_id not in quantities:
                continue
            if quantity <= 0:
                del quantities[offer_id]
            else:
                quantities[offer_id] = min(quantity, limits.get(offer_id, MAX_QUANTITY))
        self._store(quantities)

    def remove(self, offer_id: int) -> bool:
        quantities = self.quantities()
        if quantities.pop(offer_id, None) is None:
            return False
        self._store(quantities)
        return True

    def clear(self) -> None:
        self.session.pop(SESSION_KEY, None)
        self.session.pop(COUNT_KEY, None)

    def _store(self, quantities: dict[int, int]) -> None:
        if not quantities:
            self.clear()
            return
        self.session[SESSION_KEY] = {str(pk): quantity for pk, quantity in quantities.items()}
        self.session[COUNT_KEY] = sum(quantities.values())


# --- where to pick a basket up (read only) ---------------------------------------------------------------

PICKUP_SHOPS_SHOWN = 10


@dataclass
class PickupShop:
    shop: object  # shops.models.Shop, with its opening hours prefetched
    distance_km: float | None


@dataclass
class PickupChoice:
    """The shops of one organisation that hold every line of the basket it sells, nearest first."""

    organisation: object
    lines: list[BasketLine]
    shops: list[PickupShop]
    more: int  # further shops holding every line, not listed
    field: object = None  # the checkout form's bound field for this organisation's shop (set by the view)
    selected: str = ""  # the shop id checked in the form


def pickup_options(contents: BasketContents, *, latitude=None, longitude=None, limit=PICKUP_SHOPS_SHOWN):
    """For each organisation of the basket, the shops holding all its lines, ranked from the given point by
    the routing strategy (nearest first).

    One routing query per organisation, then one for the shops and one for their opening hours. Reads only:
    the shop the customer chooses is checked again by ``reservation_create``.
    """
    from shops.models import Shop

    from .routing import shops_holding

    choices = []
    for organisation, lines in contents.by_organisation():
        ranked = shops_holding(
            wanted=[(line.offer, line.quantity) for line in lines], latitude=latitude, longitude=longitude
        )
        choices.append((organisation, lines, ranked[:limit], max(len(ranked) - limit, 0)))
    ids = {c.shop_id for *_, ranked, _more in choices for c in ranked}
    shops = Shop.objects.select_related("page").prefetch_related("opening_hours").in_bulk(ids) if ids else {}
    return [
        PickupChoice(
            organisation=organisation,
            lines=lines,
            shops=[PickupShop(shop=shops[c.shop_id], distance_km=c.distance_km) for c in ranked],
            more=more,
        )
        for organisation, lines, ranked, more in choices
    ]
