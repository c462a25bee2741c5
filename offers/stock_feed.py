"""A shop's stock feed: ``code ; quantity`` lines from its till, applied to the shop's offers in bulk.

A feed is either a full snapshot (every offer of the shop that no applied line names goes to 0) or deltas
(quantities added, or removed when negative). The rules of ``offer_stock_set`` and ``offer_stock_adjust`` hold
for every line, in bulk:

- a line's code is looked up among the shop's offers (archived ones aside) in this order: the product's EAN/GTIN,
  then its supplier reference, then its model code; the first of these that matches decides, and a code that
  matches two offers at that level is refused as ambiguous;
- an unknown code is ignored and reported (``result.unknown``), never an error that blocks the feed;
- the stock never goes below the units already allocated to orders (nor below 0): such a line sets the
  allocated units instead and is reported (``result.clamped``);
- a unique item holds 0 or 1 unit: more is refused (``result.refused``), as is a negative snapshot quantity,
  a code that names an offer another line already set, or an ambiguous code;
- an offer with unlimited stock keeps it: the line is reported and changes nothing;
- in a snapshot, an offer whose line was refused counts as absent and goes to 0 as well (never below what orders
  hold): a shop never sells units its till did not confirm. A snapshot none of whose lines names an offer of
  the shop zeroes nothing (the wrong file or the wrong shop, more likely than an empty shop).

``stock_line`` checks a line on its own (the code, a whole quantity within the ceiling); ``StockFeedWriter``
writes batches of lines with a fixed number of queries whatever their size (the shop's offers read once, one
UPDATE per batch), inside the caller's transaction. On PostgreSQL the shop's offers are locked once, in
primary-key order, by that first read: reservations lock offers in that order too, so that a feed and orders never
deadlock, and an order never sees its shop's stock below what it allocated.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import NamedTuple

from django.conf import settings
from django.db import connection
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from imports.choices import FeedMode
from pivot_site.validators import normalise_identifier

from .bulk import update_rows
from .choices import OfferStatus
from .exceptions import InvalidOffer
from .models import Offer

MAX_CODE_LENGTH = 100  # the longest product code that can match (a model code)
CHUNK = 2000  # ids per UPDATE when a snapshot lowers the offers it does not name
GTIN_LIKE = re.compile(r"[0-9\s]+")
NEGATIVE_SNAPSHOT = gettext_lazy("A full stock cannot be negative: give the units on the shelf (0 when none are left).")
# What a line needs of an offer, read as plain rows (model instances would cost more than the whole write).
OFFER_FIELDS = (
    "pk",
    "stock_on_hand",
    "stock_allocated",
    "unlimited_stock",
    "product__name",
    "product__gtin",
    "product__supplier_reference",
    "product__model_code",
    "product__is_unique_item",
)


class OfferRow(NamedTuple):
    pk: int
    stock_on_hand: int
    stock_allocated: int
    unlimited_stock: bool
    name: str
    gtin: str
    supplier_reference: str
    model_code: str
    is_unique_item: bool


@dataclass(frozen=True, slots=True)
class StockLine:
    code: str
    quantity: int


def _number(value: int) -> str:
    return f"{value:,}".replace(",", "\u202f")


def stock_quantity(quantity, *, ceiling: int | None = None, mode: str | None = None) -> int:
    """A whole number of units (``3``, ``Decimal("3.0")``, ``"3"``) no larger than the ceiling either way;
    negative only in a delta feed (``mode=None``: the sign is the writer's to check, once the mode is known)."""
    ceiling = settings.PIVOT_STOCK_FEED_MAX_QUANTITY if ceiling is None else ceiling
    if quantity is None or (isinstance(quantity, str) and not quantity.strip()):
        raise InvalidOffer(_("Give the quantity."), code="invalid_quantity", field="quantity")
    typed = str(quantity).strip()
    number: int | Decimal | None
    if isinstance(quantity, bool):
        number = None
    elif isinstance(quantity, int | Decimal):
        number = quantity
    else:
        try:
            number = Decimal(repr(quantity) if isinstance(quantity, float) else typed)
        except InvalidOperation:
            number = None
    if isinstance(number, Decimal) and (not number.is_finite() or number != number.to_integral_value()):
        number = None
    if number is None:
        raise InvalidOffer(
            _("“%(quantity)s” is not a whole number of units.") % {"quantity": typed[:50]},
            code="invalid_quantity",
            field="quantity",
        )
    if abs(number) > ceiling:
        raise InvalidOffer(
            _("%(quantity)s units is more than the %(max)s one line may give: check this line.")
            % {"quantity": _number(int(number)) if abs(number) < 10**15 else typed[:50], "max": _number(ceiling)},
            code="quantity_too_large",
            field="quantity",
        )
    quantity = int(number)
    if mode == FeedMode.SNAPSHOT and quantity < 0:
        raise InvalidOffer(NEGATIVE_SNAPSHOT, code="negative_quantity", field="quantity")
    return quantity


def stock_code(code) -> str:
    """The code as typed, stripped; an EAN written with spaces (``376 0123 456789``) loses them."""
    code = str(code if code is not None else "").replace("\xa0", " ").strip()
    if not code:
        raise InvalidOffer(_("Give the EAN or the reference."), code="invalid_code", field="code")
    if GTIN_LIKE.fullmatch(code):
        code = normalise_identifier(code)
    if len(code) > MAX_CODE_LENGTH:
        raise InvalidOffer(
            _("A code has at most %(max)s characters.") % {"max": MAX_CODE_LENGTH}, code="invalid_code", field="code"
        )
    return code


def stock_line(*, code, quantity, ceiling: int | None = None, mode: str | None = None) -> StockLine:
    """One checked feed line; ``InvalidOffer`` names the field at fault ("code" or "quantity").

    ``ceiling`` defaults to ``settings.PIVOT_STOCK_FEED_MAX_QUANTITY``; with ``mode`` a snapshot quantity must
    not be negative (without it, the writer checks the sign)."""
    return StockLine(stock_code(code), stock_quantity(quantity, ceiling=ceiling, mode=mode))


@dataclass
class StockFeedResult:
    created: int = 0  # a feed never creates offers
    updated: int = 0  # offers whose stock changed
    unchanged: int = 0
    # Index in the batch → message. Refused lines are errors (an all-or-nothing feed stops on them); the
    # others are applied (clamped) or ignored (unknown, unlimited stock) and only reported.
    refused: dict[int, str] = field(default_factory=dict)
    unknown: dict[int, str] = field(default_factory=dict)
    clamped: dict[int, str] = field(default_factory=dict)
    ignored: dict[int, str] = field(default_factory=dict)
    reindex_ids: list[int] = field(default_factory=list)  # stock is not searched: nothing to reindex

    @property
    def notes(self) -> dict[int, str]:
        """What is reported without being an error: unknown codes, stock kept for orders, unlimited stock."""
        return {**self.unknown, **self.clamped, **self.ignored}


def _describe(offer: OfferRow) -> str:
    code = offer.gtin or offer.supplier_reference or offer.model_code
    return f"“{offer.name}” ({code})" if code else f"“{offer.name}”"


class StockFeedWriter:
    """Applies one shop's feed, batch after batch, inside the caller's transaction; ``zero_absent`` ends a
    snapshot. ``counts`` and ``final_notes`` report what the batches' results do not (absent offers)."""

    def __init__(self, *, shop, mode: str, actor=None):
        self.shop, self.mode, self.actor = shop, FeedMode(mode), actor
        self.set_by: dict[int, str] = {}  # offer id → the code that set it
        self.counts = Counter(unknown=0, clamped=0, zeroed=0)
        self.final_notes: list[str] = []
        self.now = timezone.now()
        self._offers = None

    def _shop_offers(self):
        return Offer.objects.filter(shop=self.shop).exclude(status=OfferStatus.ARCHIVED)

    def _index(self) -> dict[str, tuple[list, list, list]]:
        """Code → the shop's offers (archived ones aside) whose product has it as EAN, as supplier reference, as
        model code; read once, in one query, for every batch of the feed.

        On PostgreSQL that query also locks every offer of the shop, in primary-key order: reservations lock
        offers in that order too, so that a feed and orders never deadlock (SQLite has one writer at a time)."""
        if self._offers is None:
            offers = Offer.objects.filter(shop=self.shop).order_by("pk")
            if connection.features.has_select_for_update:
                offers = offers.select_for_update(of=("self",))
            self._offers = {}
            for *row, status in offers.values_list(*OFFER_FIELDS, "status"):
                if status == OfferStatus.ARCHIVED:
                    continue
                offer = OfferRow(*row)
                for level, value in enumerate((offer.gtin, offer.supplier_reference, offer.model_code)):
                    if value:
                        self._offers.setdefault(value, ([], [], []))[level].append(offer)
        return self._offers

    def write(self, lines: list[StockLine]) -> StockFeedResult:
        result = StockFeedResult()
        found = self._index()
        new_stock: dict[int, int] = {}
        for index, line in enumerate(lines):
            if self.mode == FeedMode.SNAPSHOT and line.quantity < 0:
                result.refused[index] = str(NEGATIVE_SNAPSHOT)
                continue
            offer = self._offer_of(index, line, found, result)
            if offer is None:
                continue
            target = self._target(index, line, offer, result)
            if target is None:
                continue
            self.set_by[offer.pk] = line.code
            if target != offer.stock_on_hand:
                new_stock[offer.pk] = target
                result.updated += 1
            else:
                result.unchanged += 1
        self._update(new_stock)
        self.counts.update(unknown=len(result.unknown), clamped=len(result.clamped))
        return result

    def _offer_of(self, index, line, found, result):
        levels = found.get(line.code)
        offers = next((offers for offers in levels if offers), None) if levels else None
        if not offers:
            result.unknown[index] = _("No offer of this shop has the EAN or reference “%(code)s”: line ignored.") % {
                "code": line.code
            }
            return None
        if len(offers) > 1:
            result.refused[index] = _(
                "“%(code)s” matches %(count)s offers of this shop: give their EAN or supplier reference instead."
            ) % {"code": line.code, "count": len(offers)}
            return None
        offer = offers[0]
        if offer.pk in self.set_by:
            result.refused[index] = _(
                "“%(code)s” is the same offer as “%(other)s”, given earlier in the feed: this line is not applied."
            ) % {"code": line.code, "other": self.set_by[offer.pk]}
            return None
        return offer

    def _target(self, index, line, offer, result) -> int | None:
        """The new stock on hand, or None when the line is refused or changes nothing."""
        if offer.unlimited_stock:
            self.set_by[offer.pk] = line.code
            result.unchanged += 1
            result.ignored[index] = _("%(offer)s has unlimited stock: the quantity is not used.") % {
                "offer": _describe(offer)
            }
            return None
        wanted = line.quantity if self.mode == FeedMode.SNAPSHOT else offer.stock_on_hand + line.quantity
        if offer.is_unique_item and wanted > 1:
            result.refused[index] = _("%(offer)s is a unique item: its stock is 0 or 1, not %(stock)s.") % {
                "offer": _describe(offer),
                "stock": wanted,
            }
            return None
        floor = max(offer.stock_allocated, 0)
        if wanted < floor and floor > 0:
            result.clamped[index] = _(
                "%(offer)s: %(units)s units are allocated to orders, so its stock is set to %(units)s, not %(wanted)s."
            ) % {"offer": _describe(offer), "units": floor, "wanted": wanted}
            return floor
        if wanted < 0:
            result.clamped[index] = _("%(offer)s: the stock cannot go below 0, so it is set to 0, not %(wanted)s.") % {
                "offer": _describe(offer),
                "wanted": wanted,
            }
            return 0
        return wanted

    def _update(self, new_stock: dict[int, int]) -> None:
        """One UPDATE for the batch, joined to the new stock of each offer."""
        if new_stock:
            update_rows(
                Offer,
                [{"pk": pk, "stock_on_hand": stock, "updated_at": self.now} for pk, stock in new_stock.items()],
                ["stock_on_hand", "updated_at"],
            )

    def zero_absent(self) -> int:
        """End of a snapshot: the shop's offers no applied line named go to 0, or to the units allocated to
        orders (reported). Offers with unlimited stock keep it. A feed none of whose lines named an offer of the
        shop changes nothing: it is more likely the wrong file or the wrong shop than an empty shop."""
        if self.mode != FeedMode.SNAPSHOT:
            return 0
        if not self.set_by:
            self.final_notes.append(
                _(
                    "No line of this feed names an offer of the shop: the offers it does not list were left as they were."
                )
            )
            return 0
        self._index()
        absent = self._shop_offers().filter(unlimited_stock=False, stock_on_hand__gt=F("stock_allocated"))
        lowered = [
            (pk, allocated) for pk, allocated in absent.values_list("pk", "stock_allocated") if pk not in self.set_by
        ]
        held = [pk for pk, allocated in lowered if allocated > 0]
        for start in range(0, len(held), CHUNK):
            for row in (
                Offer.objects.filter(pk__in=held[start : start + CHUNK]).order_by("pk").values_list(*OFFER_FIELDS)
            ):
                offer = OfferRow(*row)
                self.counts["clamped"] += 1
                self.final_notes.append(
                    _(
                        "%(offer)s is not in the feed: %(units)s units are allocated to orders, so its stock is set "
                        "to %(units)s, not 0."
                    )
                    % {"offer": _describe(offer), "units": offer.stock_allocated}
                )
        ids = [pk for pk, _allocated in lowered]
        for start in range(0, len(ids), CHUNK):
            Offer.objects.filter(pk__in=ids[start : start + CHUNK]).update(
                stock_on_hand=F("stock_allocated"), updated_at=self.now
            )
        self.counts["zeroed"] += len(ids)
        return len(ids)
