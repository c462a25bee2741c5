"""Business rules of reservations: placing an order against the stock, and moving it through its statuses.

Stock follows Saleor's warehouse management: the offers of an order are locked in primary-key order (no
deadlock between two orders sharing offers), checked, then their allocated units change in the same
transaction; the database's CHECK constraints and the partial unique index on unique items refuse an
oversell even if a rule here were wrong.
"""

from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import BooleanField, ExpressionWrapper, F
from django.utils.translation import gettext as _

from offers.exceptions import InsufficientStock
from offers.models import Offer
from offers.selectors import customer_may_buy, sale_period_condition
from pivot_site import page_cache
from shops.models import Shop

from .choices import HANDS_OVER, RELEASES, TRANSITIONS, Fulfilment, ReservationStatus
from .exceptions import InvalidReservation, InvalidTransition
from .models import Reservation, ReservationLine, StatusChange

MAX_QUANTITY = 999
MAX_LINES = 100


@dataclass(frozen=True)
class LineRequest:
    offer_id: int
    quantity: int


def _requested_quantities(lines: list[LineRequest]) -> dict[int, int]:
    if not lines:
        raise InvalidReservation(_("The order has no line."), field="lines")
    if len(lines) > MAX_LINES:
        raise InvalidReservation(_("An order has at most %(max)s lines.") % {"max": MAX_LINES}, field="lines")
    quantities: dict[int, int] = {}
    for line in lines:
        if isinstance(line.quantity, bool) or not isinstance(line.quantity, int) or line.quantity < 1:
            raise InvalidReservation(_("A quantity is a whole number of at least 1."), field="quantity")
        quantities[line.offer_id] = quantities.get(line.offer_id, 0) + line.quantity
        if quantities[line.offer_id] > MAX_QUANTITY:
            raise InvalidReservation(
                _("At most %(max)s units of one offer per order.") % {"max": MAX_QUANTITY}, field="quantity"
            )
    return quantities


def _check_offer(offer: Offer, *, quantity: int, customer) -> None:
    if not offer.listed:
        raise InvalidReservation(_("This offer is not on sale."), field="offer", offer=offer.pk)
    if not offer.in_sale_period:
        raise InvalidReservation(_("This offer is not on sale at the moment."), field="offer", offer=offer.pk)
    if offer.product.is_unique_item and quantity != 1:
        raise InvalidReservation(
            _("“%(name)s” is a unique item: one only.") % {"name": offer.product.name}, field="quantity", offer=offer.pk
        )
    if not customer_may_buy(offer=offer, user=customer):
        raise InvalidReservation(
            _("“%(name)s” is reserved to some of the organisation's members.") % {"name": offer.product.name},
            field="offer",
            offer=offer.pk,
        )


def reservation_create(
    *,
    customer,
    lines: list[LineRequest],
    fulfilment: str,
    pickup_shop_id: int | None = None,
    idempotency_key: str = "",
    actor=None,
) -> Reservation:
    """Place an order: each line's units are allocated in its offer's shop, all or nothing.

    Raises InsufficientStock (with every short line: offer, requested, available) and leaves the stock
    untouched when any line lacks units. With an ``idempotency_key`` already used by this customer, returns
    that order, even when both requests arrive at the same moment.
    """
    if idempotency_key:
        existing = Reservation.objects.filter(customer=customer, idempotency_key=idempotency_key).first()
        if existing is not None:
            return existing
    try:
        return _reservation_place(
            customer=customer,
            lines=lines,
            fulfilment=fulfilment,
            pickup_shop_id=pickup_shop_id,
            idempotency_key=idempotency_key,
            actor=actor,
        )
    except IntegrityError:
        # The same key committed by a concurrent request: everything here was rolled back.
        existing = (
            idempotency_key and Reservation.objects.filter(customer=customer, idempotency_key=idempotency_key).first()
        )
        if not existing:
            raise
        return existing


@transaction.atomic
def _reservation_place(*, customer, lines, fulfilment, pickup_shop_id, idempotency_key, actor) -> Reservation:
    quantities = _requested_quantities(lines)
    if fulfilment not in Fulfilment.values:
        raise InvalidReservation(_("Choose pickup or home delivery."), field="fulfilment")
    pickup_shop = None
    if fulfilment == Fulfilment.PICKUP:
        if pickup_shop_id is None:
            raise InvalidReservation(_("Choose where to pick the order up."), field="pickup_shop")
        pickup_shop = Shop.objects.filter(pk=pickup_shop_id, active=True, organisation__active=True).first()
        if pickup_shop is None:
            raise InvalidReservation(_("This shop does not exist or is closed."), field="pickup_shop")
    offers = list(
        Offer.objects.select_for_update(of=("self",))
        .select_related("product", "shop")
        .prefetch_related("reserved_categories")
        .annotate(in_sale_period=ExpressionWrapper(sale_period_condition(), output_field=BooleanField()))
        .filter(pk__in=quantities)
        .order_by("pk")
    )
    missing = set(quantities) - {offer.pk for offer in offers}
    if missing:
        raise InvalidReservation(_("This offer does not exist."), field="offer", offer=min(missing))
    short = []
    for offer in offers:
        _check_offer(offer, quantity=quantities[offer.pk], customer=customer)
        if fulfilment == Fulfilment.PICKUP and offer.shop_id != pickup_shop.pk:
            raise InvalidReservation(
                _("“%(name)s” cannot be picked up in this shop.") % {"name": offer.product.name},
                field="pickup_shop",
                offer=offer.pk,
            )
        available = offer.stock_available
        if available is not None and available < quantities[offer.pk]:
            short.append({"offer": offer.pk, "requested": quantities[offer.pk], "available": available})
    if short:
        raise InsufficientStock(_("Not enough stock for some lines of the order."), lines=short)
    for offer in offers:
        Offer.objects.filter(pk=offer.pk).update(stock_allocated=F("stock_allocated") + quantities[offer.pk])
    reservation = Reservation.objects.create(
        customer=customer, fulfilment=fulfilment, pickup_shop=pickup_shop, idempotency_key=idempotency_key
    )
    ReservationLine.objects.bulk_create(
        ReservationLine(
            reservation=reservation,
            offer=offer,
            organisation_id=offer.organisation_id,
            shop_id=offer.shop_id,
            quantity=quantities[offer.pk],
            unit_price_excl_tax=offer.price_excl_tax,
            vat_rate=offer.vat_rate,
            unit_price_incl_tax=offer.price_incl_tax,
            unique_item=offer.product.is_unique_item,
        )
        for offer in offers
    )
    StatusChange.objects.create(reservation=reservation, actor=actor, to_status=reservation.status)
    transaction.on_commit(page_cache.invalidate)  # stock changed through UPDATE: no signal
    return reservation


def _lines_leave_stock(lines, *, hand_over: bool) -> None:
    """Give the lines' units back (released) or take them out of the shop (handed over), offers locked in pk order."""
    quantities: dict[int, int] = {}
    for line in lines:
        quantities[line.offer_id] = quantities.get(line.offer_id, 0) + line.quantity
    list(Offer.objects.select_for_update().filter(pk__in=quantities).order_by("pk").values_list("pk"))
    for offer_id, quantity in sorted(quantities.items()):
        changes = {"stock_allocated": F("stock_allocated") - quantity}
        if hand_over:
            changes["stock_on_hand"] = F("stock_on_hand") - quantity
        Offer.objects.filter(pk=offer_id).update(**changes)
    ReservationLine.objects.filter(pk__in=[line.pk for line in lines]).update(holds_stock=False)


@transaction.atomic
def reservation_transition(
    *, reservation: Reservation, to_status: str, actor=None, reason: str = "", allowed_from=None
) -> Reservation:
    """Move an order to ``to_status`` if the transition table allows it (and, when given, its status is one of
    ``allowed_from``), with its stock effects and a history row."""
    locked = Reservation.objects.select_for_update().get(pk=reservation.pk)
    from_status = locked.status
    if allowed_from is not None and from_status not in allowed_from:
        raise InvalidTransition(
            _("This order is already “%(status)s”: ask the shop to cancel it.")
            % {"status": ReservationStatus(from_status).label},
            field="status",
            from_status=from_status,
            to_status=to_status,
        )
    if to_status not in TRANSITIONS.get(from_status, ()):
        raise InvalidTransition(
            _("An order that is “%(from)s” cannot become “%(to)s”.")
            % {
                "from": ReservationStatus(from_status).label,
                "to": ReservationStatus(to_status).label if to_status in ReservationStatus.values else to_status,
            },
            field="status",
            from_status=from_status,
            to_status=to_status,
        )
    if to_status in RELEASES or to_status in HANDS_OVER:
        lines = list(locked.lines.filter(holds_stock=True))
        _lines_leave_stock(lines, hand_over=to_status in HANDS_OVER)
        transaction.on_commit(page_cache.invalidate)
    locked.status = to_status
    locked.save(update_fields=["status", "updated_at"])
    StatusChange.objects.create(
        reservation=locked, actor=actor, from_status=from_status, to_status=to_status, reason=reason[:300]
    )
    reservation.status = to_status
    return locked


# Until the shop has prepared it, the customer may change their mind.
CUSTOMER_MAY_CANCEL = frozenset({ReservationStatus.PLACED, ReservationStatus.ACCEPTED})


def reservation_cancel_by_customer(*, reservation: Reservation, customer, reason: str = "") -> Reservation:
    """The customer cancels their own order, as long as it is not ready yet."""
    if reservation.customer_id is None or reservation.customer_id != customer.pk:
        raise InvalidTransition(_("Only the customer who placed an order can cancel it here."), field="customer")
    return reservation_transition(
        reservation=reservation,
        to_status=ReservationStatus.CANCELLED,
        actor=customer,
        reason=reason,
        allowed_from=CUSTOMER_MAY_CANCEL,
    )
