"""Business rules of reservations: placing an order against the stock, routing it to shops, moving it through
its statuses, reassigning it, and the deadline sweep.

Stock follows Saleor's warehouse management: the offers an order touches are locked in primary-key order
(no deadlock between two orders sharing offers), checked, then their allocated units change in the same
transaction; the database's CHECK constraints and the partial unique index on unique items refuse an
oversell even if a rule here were wrong.
"""

import uuid
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import BooleanField, Case, ExpressionWrapper, F, IntegerField, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from offers.exceptions import InsufficientStock
from offers.models import Offer
from offers.selectors import customer_may_buy, sale_period_condition
from pivot_site import page_cache
from pivot_site.validators import validate_postcode
from shops.geocoding import geocode_offline
from shops.models import Shop
from shops.services import member_ensure_for_customer

from . import notifications as notify
from .choices import HANDS_OVER, RELEASES, TRANSITIONS, Fulfilment, ReservationStatus
from .deadlines import deadlines_for
from .exceptions import InvalidReservation, InvalidTransition
from .models import LineReturn, Reassignment, Reservation, ReservationLine, StatusChange
from .payments import payment_authorise, payment_capture
from .routing import AllocationStrategy, allocate, candidates, shops_holding

MAX_QUANTITY = 999
MAX_LINES = 100
S = ReservationStatus


@dataclass(frozen=True)
class LineRequest:
    offer_id: int
    quantity: int


@dataclass(frozen=True)
class DeliveryAddress:
    name: str
    address: str
    postcode: str
    city: str


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


def line_quantity_limit(offer: Offer) -> int:
    """How many units of ``offer`` one order line may take: one of a unique item, else ``MAX_QUANTITY``."""
    return 1 if offer.product.is_unique_item else MAX_QUANTITY


def _check_offer(offer: Offer, *, quantity: int, customer, audience: bool = True) -> None:
    if not offer.listed:
        raise InvalidReservation(_("This offer is not on sale."), field="offer", offer=offer.pk)
    if not offer.in_sale_period:
        raise InvalidReservation(_("This offer is not on sale at the moment."), field="offer", offer=offer.pk)
    if offer.product.is_unique_item and quantity > line_quantity_limit(offer):
        raise InvalidReservation(
            _("“%(name)s” is a unique item: one only.") % {"name": offer.product.name}, field="quantity", offer=offer.pk
        )
    if audience and not customer_may_buy(offer=offer, user=customer):
        raise InvalidReservation(
            _("“%(name)s” is reserved to some of the organisation's members.") % {"name": offer.product.name},
            field="offer",
            offer=offer.pk,
        )


def _offers_checked(ids, *, lock: bool):
    """The offers with what the checks need; locked ones (those the order takes) with their audience too."""
    offers = Offer.objects.select_related("product")
    if lock:
        offers = offers.select_for_update(of=("self",)).prefetch_related("reserved_categories")
    else:
        offers = offers.only("organisation_id", "product_id", "listed", "product__name", "product__is_unique_item")
    return {
        offer.pk: offer
        for offer in offers.annotate(
            in_sale_period=ExpressionWrapper(sale_period_condition(), output_field=BooleanField())
        )
        .filter(pk__in=ids)
        .order_by("pk")
    }


def _pickup_shops(shop_ids) -> dict[int, Shop]:
    """The chosen pickup shops by organisation: one per organisation of the order, each open for business (a line
    of an organisation without one is refused when routed)."""
    shops = Shop.objects.filter(pk__in=shop_ids, active=True, organisation__active=True).select_related("organisation")
    by_organisation: dict[int, Shop] = {}
    for shop in shops:
        if shop.organisation_id in by_organisation:
            raise InvalidReservation(_("Choose one pickup shop per organisation."), field="pickup_shop")
        by_organisation[shop.organisation_id] = shop
    if len(by_organisation) != len(set(shop_ids)):
        raise InvalidReservation(_("This shop does not exist or is closed."), field="pickup_shop")
    return by_organisation


def _delivery_address(address: DeliveryAddress | None) -> DeliveryAddress:
    if address is None:
        raise InvalidReservation(_("Give the delivery address."), field="address")
    cleaned = DeliveryAddress(
        *(str(value or "").strip() for value in (address.name, address.address, address.postcode, address.city))
    )
    for field, label in (
        ("name", _("recipient")),
        ("address", _("address")),
        ("postcode", _("postcode")),
        ("city", _("city")),
    ):
        if not getattr(cleaned, field):
            raise InvalidReservation(_("The delivery address needs a %(field)s.") % {"field": label}, field="address")
    try:
        validate_postcode(cleaned.postcode)
    except ValidationError as error:
        raise InvalidReservation(" ".join(error.messages), field="address")
    return cleaned


def _check_pickup_day(shop: Shop, *, pickup_on: date, deadline) -> None:
    today = timezone.localdate()
    if pickup_on < today or (deadline is not None and pickup_on > timezone.localtime(deadline).date()):
        raise InvalidReservation(_("Choose a pickup day between today and the deadline."), field="pickup_on")
    weekdays = set(shop.opening_hours.values_list("weekday", flat=True))
    if weekdays and pickup_on.weekday() not in weekdays:
        raise InvalidReservation(
            _("%(shop)s is closed that day.") % {"shop": shop.name}, field="pickup_on", shop=shop.pk
        )


def reservation_create(
    *,
    customer,
    lines: list[LineRequest],
    fulfilment: str,
    pickup_shop_id: int | None = None,
    pickup_shop_ids: list[int] | tuple = (),
    address: DeliveryAddress | None = None,
    pickup_on: date | None = None,
    idempotency_key: str = "",
    strategy: AllocationStrategy | None = None,
    actor=None,
) -> Reservation:
    """Place an order, all or nothing: each line is routed to a shop holding its units (for pickup, the shop
    chosen in its organisation: ``pickup_shop_id``, or ``pickup_shop_ids`` for a basket from several; for
    delivery the nearest holding shop, see ``routing``) and the order is split into one reservation per shop,
    sharing a ``checkout`` reference. Returns the first part.

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
            pickup_shop_ids=[*([pickup_shop_id] if pickup_shop_id is not None else []), *pickup_shop_ids],
            address=address,
            pickup_on=pickup_on,
            idempotency_key=idempotency_key,
            strategy=strategy,
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


def _route(*, quantities, requested, pickup_shops, place, strategy) -> dict[int, int]:
    """Requested offer id → the offer id that serves it; raises for lines nobody (or the pickup shop) holds."""
    found = candidates(
        product_ids={offer.product_id for offer in requested.values()},
        latitude=place.latitude if place else None,
        longitude=place.longitude if place else None,
    )
    chosen = allocate(
        wanted=quantities,
        product_of={pk: offer.product_id for pk, offer in requested.items()},
        organisation_of={pk: offer.organisation_id for pk, offer in requested.items()},
        found=found,
        pickup_shop_of={organisation_id: shop.pk for organisation_id, shop in pickup_shops.items()}
        if pickup_shops is not None
        else None,
        strategy=strategy,
    )
    short = []
    for offer_id, candidate in sorted(chosen.items()):
        if candidate is not None:
            continue
        offer = requested[offer_id]
        pickup_shop = pickup_shops.get(offer.organisation_id) if pickup_shops is not None else None
        if pickup_shops is not None and pickup_shop is None:
            raise InvalidReservation(
                _("Choose where to pick “%(name)s” up.") % {"name": offer.product.name},
                field="pickup_shop",
                offer=offer_id,
            )
        options = [
            c
            for c in found.get(offer.product_id, [])
            if c.organisation_id == offer.organisation_id and (pickup_shop is None or c.shop_id == pickup_shop.pk)
        ]
        if pickup_shop is not None and not options:
            raise InvalidReservation(
                _("“%(name)s” cannot be picked up in this shop.") % {"name": offer.product.name},
                field="pickup_shop",
                offer=offer_id,
            )
        available = max((c.available for c in options if c.available is not None), default=0)
        short.append({"offer": offer_id, "requested": quantities[offer_id], "available": available})
    if short:
        raise InsufficientStock(_("Not enough stock for some lines of the order."), lines=short)
    return {offer_id: candidate.offer_id for offer_id, candidate in chosen.items()}


@transaction.atomic
def _reservation_place(
    *, customer, lines, fulfilment, pickup_shop_ids, address, pickup_on, idempotency_key, strategy, actor
) -> Reservation:
    quantities = _requested_quantities(lines)
    if fulfilment not in Fulfilment.values:
        raise InvalidReservation(_("Choose pickup or home delivery."), field="fulfilment")
    pickup_shops = place = None
    if fulfilment == Fulfilment.PICKUP:
        pickup_shops = _pickup_shops(pickup_shop_ids)
    else:
        address = _delivery_address(address)
        place = geocode_offline(f"{address.postcode} {address.city}")
    requested = _offers_checked(quantities, lock=False)
    missing = set(quantities) - set(requested)
    if missing:
        raise InvalidReservation(_("This offer does not exist."), field="offer", offer=min(missing))
    for offer in requested.values():
        _check_offer(offer, quantity=quantities[offer.pk], customer=customer, audience=False)
    served_by = _route(
        quantities=quantities,
        requested=requested,
        pickup_shops=pickup_shops,
        place=place,
        strategy=strategy,
    )
    allocated: dict[int, int] = {}
    for offer_id, quantity in quantities.items():
        allocated[served_by[offer_id]] = allocated.get(served_by[offer_id], 0) + quantity
    # Checked again under lock: the routing read the stock without one.
    offers = _offers_checked(allocated, lock=True)
    short = []
    for offer in offers.values():
        _check_offer(offer, quantity=allocated[offer.pk], customer=customer)
        if offer.stock_available is not None and offer.stock_available < allocated[offer.pk]:
            asked_for = [pk for pk, served in served_by.items() if served == offer.pk]
            short.append(
                {"offer": min(asked_for), "requested": allocated[offer.pk], "available": offer.stock_available}
            )
    if short:
        raise InsufficientStock(_("Not enough stock for some lines of the order."), lines=short)
    Offer.objects.filter(pk__in=allocated).update(stock_allocated=F("stock_allocated") + _units_of(allocated))

    by_shop: dict[int, list[Offer]] = {}
    for offer in offers.values():
        by_shop.setdefault(offer.shop_id, []).append(offer)
    if pickup_shops is not None:
        shops = {shop.pk: shop for shop in pickup_shops.values()}
    else:
        shops = Shop.objects.select_related("organisation").in_bulk(by_shop)
    now = timezone.now()
    checkout = uuid.uuid4()
    parts = []
    for index, (shop_id, shop_offers) in enumerate(sorted(by_shop.items())):
        shop = shops[shop_id]
        deadlines = deadlines_for(organisation=shop.organisation)
        part = Reservation(
            checkout=checkout,
            customer=customer,
            organisation=shop.organisation,
            shop=shop,
            fulfilment=fulfilment,
            pickup_shop=shop if pickup_shops else None,
            idempotency_key=idempotency_key if index == 0 else "",
            due_at=now + deadlines.accept,
        )
        if pickup_shops:
            part.pickup_deadline = now + deadlines.accept + deadlines.prepare + deadlines.collect
            if pickup_on is not None:
                _check_pickup_day(shop, pickup_on=pickup_on, deadline=part.pickup_deadline)
                part.pickup_on = pickup_on
        else:
            part.delivery_name, part.delivery_address = address.name, address.address
            part.delivery_postcode, part.delivery_city = address.postcode, address.city
            if place is not None:
                part.latitude, part.longitude = round(place.latitude, 6), round(place.longitude, 6)
        payment_authorise(reservation=part)
        part.save()
        ReservationLine.objects.bulk_create(
            ReservationLine(
                reservation=part,
                offer=offer,
                organisation_id=offer.organisation_id,
                shop_id=offer.shop_id,
                quantity=allocated[offer.pk],
                unit_price_excl_tax=offer.price_excl_tax,
                vat_rate=offer.vat_rate,
                unit_price_incl_tax=offer.price_incl_tax,
                unique_item=offer.product.is_unique_item,
            )
            for offer in shop_offers
        )
        StatusChange.objects.create(reservation=part, actor=actor, to_status=part.status)
        notify.notify(part, event="placed", audiences=(notify.CUSTOMER, notify.SHOP))
        parts.append(part)
    if customer is not None and customer.is_authenticated:
        for organisation_id in sorted({part.organisation_id for part in parts}):
            member_ensure_for_customer(organisation_id=organisation_id, user=customer, actor=actor)
    transaction.on_commit(page_cache.invalidate)  # stock changed through UPDATE: no signal
    return parts[0]


def _units_of(quantities: dict[int, int]) -> Case:
    """Each offer's own number of units, so that one UPDATE changes the stock of every offer of an order."""
    return Case(
        *(When(pk=pk, then=Value(units)) for pk, units in quantities.items()),
        default=Value(0),
        output_field=IntegerField(),
    )


def _lock_offers(offer_ids) -> None:
    list(Offer.objects.select_for_update().filter(pk__in=set(offer_ids)).order_by("pk").values_list("pk"))


def _lines_leave_stock(lines, *, hand_over: bool, now=None) -> None:
    """Give the lines' units back (released) or take them out of the shop (handed over), offers locked in pk order."""
    quantities: dict[int, int] = {}
    for line in lines:
        quantities[line.offer_id] = quantities.get(line.offer_id, 0) + line.quantity
    _lock_offers(quantities)
    units = _units_of(quantities)
    changes = {"stock_allocated": F("stock_allocated") - units}
    if hand_over:
        changes["stock_on_hand"] = F("stock_on_hand") - units
    Offer.objects.filter(pk__in=quantities).update(**changes)
    ReservationLine.objects.filter(pk__in=[line.pk for line in lines]).update(
        holds_stock=False, **({"handed_over_at": now or timezone.now()} if hand_over else {})
    )
    transaction.on_commit(page_cache.invalidate)


def _refuse_transition(from_status, to_status):
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


# Pickup orders wait ready in the shop; delivered ones are shipped.
ONLY_FOR = {S.READY: Fulfilment.PICKUP, S.COLLECTED: Fulfilment.PICKUP, S.SHIPPED: Fulfilment.DELIVERY}


@transaction.atomic
def reservation_transition(
    *,
    reservation: Reservation,
    to_status: str,
    actor=None,
    reason: str = "",
    allowed_from=None,
    carrier: str = "",
    tracking_number: str = "",
    payment_method: str = "",
) -> Reservation:
    """Move an order to ``to_status`` if the transition table allows it (and, when given, its status is one of
    ``allowed_from``): stock effects, the next deadline, a history row and an e-mail to the customer.

    Refusing needs a reason; shipping a carrier and a tracking number; collecting how the customer paid.
    """
    locked = Reservation.objects.select_for_update(of=("self",)).select_related("organisation").get(pk=reservation.pk)
    from_status = locked.status
    reason = (reason or "").strip()[:300]
    if allowed_from is not None and from_status not in allowed_from:
        raise InvalidTransition(
            _("This order is already “%(status)s”: ask the shop to cancel it.")
            % {"status": ReservationStatus(from_status).label},
            field="status",
            from_status=from_status,
            to_status=to_status,
        )
    if to_status not in TRANSITIONS.get(from_status, ()):
        _refuse_transition(from_status, to_status)
    if to_status in ONLY_FOR and locked.fulfilment != ONLY_FOR[to_status]:
        raise InvalidTransition(
            _("An order for %(fulfilment)s cannot become “%(to)s”.")
            % {"fulfilment": Fulfilment(locked.fulfilment).label.lower(), "to": ReservationStatus(to_status).label},
            field="status",
            from_status=from_status,
            to_status=to_status,
        )
    if to_status == S.REFUSED and not reason:
        raise InvalidTransition(_("Say why the order is refused."), field="reason")
    if to_status == S.CANCELLED and not reason and actor is not None and actor.pk != locked.customer_id:
        raise InvalidTransition(_("Say why the order is cancelled."), field="reason")
    if to_status == S.SHIPPED:
        carrier, tracking_number = (carrier or "").strip()[:100], (tracking_number or "").strip()[:100]
        if not carrier or not tracking_number:
            raise InvalidTransition(_("Give the carrier and the tracking number."), field="tracking_number")
        locked.carrier, locked.tracking_number = carrier, tracking_number
    if to_status == S.COLLECTED and locked.amount_paid is None:
        payment_capture(reservation=locked, method=payment_method, actor=actor)
    now = timezone.now()
    deadlines = deadlines_for(organisation=locked.organisation)
    if to_status in RELEASES or to_status in HANDS_OVER:
        active = list(locked.lines.filter(holds_stock=True))
        _lines_leave_stock(active, hand_over=to_status in HANDS_OVER, now=now)
        if to_status in RELEASES:
            ReservationLine.objects.filter(pk__in=[line.pk for line in active]).update(
                cancelled_at=now, cancelled_reason=reason
            )
    locked.due_at = None
    if to_status == S.ACCEPTED:
        locked.due_at = now + deadlines.prepare
        if locked.fulfilment == Fulfilment.PICKUP:
            locked.pickup_deadline = now + deadlines.prepare + deadlines.collect
    elif to_status == S.READY:
        locked.due_at = locked.pickup_deadline = now + deadlines.collect
    locked.status = to_status
    locked.save()
    StatusChange.objects.create(
        reservation=locked, actor=actor, from_status=from_status, to_status=to_status, reason=reason
    )
    audiences = (notify.CUSTOMER, notify.SHOP) if to_status == S.CANCELLED else (notify.CUSTOMER,)
    notify.notify(locked, event=to_status, audiences=audiences, reason=reason)
    reservation.status = to_status
    return locked


# Until the shop has prepared it, the customer may change their mind.
CUSTOMER_MAY_CANCEL = frozenset({S.PLACED, S.ACCEPTED})


def reservation_cancel_by_customer(*, reservation: Reservation, customer, reason: str = "") -> Reservation:
    """The customer cancels their own order, as long as it is not ready yet."""
    if reservation.customer_id is None or reservation.customer_id != customer.pk:
        raise InvalidTransition(_("Only the customer who placed an order can cancel it here."), field="customer")
    return reservation_transition(
        reservation=reservation,
        to_status=S.CANCELLED,
        actor=customer,
        reason=reason,
        allowed_from=CUSTOMER_MAY_CANCEL,
    )


# A line can be cancelled while its units are still in the shop.
LINE_CANCELLABLE = frozenset({S.PLACED, S.ACCEPTED, S.READY})


@transaction.atomic
def reservation_line_cancel(*, line: ReservationLine, actor=None, reason: str) -> Reservation:
    """Cancel one line of an order (its units go back on sale); the last line cancels the order."""
    reason = (reason or "").strip()[:300]
    if not reason:
        raise InvalidTransition(_("Say why the line is cancelled."), field="reason")
    reservation = Reservation.objects.select_for_update().get(pk=line.reservation_id)
    line = ReservationLine.objects.get(pk=line.pk)
    if reservation.status not in LINE_CANCELLABLE or not line.holds_stock:
        raise InvalidTransition(
            _("This line can no longer be cancelled (order “%(status)s”).")
            % {"status": ReservationStatus(reservation.status).label},
            field="line",
        )
    if not reservation.lines.filter(holds_stock=True).exclude(pk=line.pk).exists():
        return reservation_transition(reservation=reservation, to_status=S.CANCELLED, actor=actor, reason=reason)
    _lines_leave_stock([line], hand_over=False)
    ReservationLine.objects.filter(pk=line.pk).update(cancelled_at=timezone.now(), cancelled_reason=reason)
    StatusChange.objects.create(
        reservation=reservation,
        line=line,
        actor=actor,
        from_status=reservation.status,
        to_status=S.CANCELLED,
        reason=reason,
    )
    notify.notify(reservation, event="line_cancelled", audiences=(notify.CUSTOMER,), reason=reason)
    return reservation


# Orders still waiting in a shop can move to another one.
REASSIGNABLE = frozenset({S.PLACED, S.ACCEPTED})


def _tried_shop_ids(reservation: Reservation) -> set[int]:
    return {
        reservation.shop_id,
        *Reassignment.objects.filter(reservation=reservation).values_list("from_shop_id", flat=True),
    }


def _origin(reservation: Reservation):
    """Where to measure "nearest" from: the customer for a delivery, else the shop the order was placed in."""
    if reservation.latitude is not None:
        return reservation.latitude, reservation.longitude
    return reservation.shop.latitude, reservation.shop.longitude


def reservation_reassign_options(*, reservation: Reservation, lines=None, exclude_tried: bool = False) -> list[Shop]:
    """Shops of the organisation holding every active line (or ``lines``), ranked by the strategy (nearest first)."""
    lines = list(lines if lines is not None else reservation.lines.filter(holds_stock=True).select_related("offer"))
    if not lines:
        return []
    latitude, longitude = _origin(reservation)
    ranked = shops_holding(
        wanted=[(line.offer, line.quantity) for line in lines],
        latitude=latitude,
        longitude=longitude,
        exclude_shop_ids=_tried_shop_ids(reservation) if exclude_tried else {reservation.shop_id},
    )
    shops = Shop.objects.in_bulk([c.shop_id for c in ranked])
    return [shops[c.shop_id] for c in ranked]


@transaction.atomic
def reservation_reassign(
    *, reservation: Reservation, shop_id: int | None = None, line_ids=None, actor=None, reason: str = ""
) -> Reservation | None:
    """Move an order waiting in a shop (or some of its lines) to another shop of the organisation holding the
    stock: the given one, or the nearest not tried yet. Moved lines become a new part of the checkout.

    Returns the reservation now holding the moved lines, or None when no shop holds them.
    """
    locked = (
        Reservation.objects.select_for_update(of=("self",))
        .select_related("shop", "organisation")
        .get(pk=reservation.pk)
    )
    if locked.status not in REASSIGNABLE:
        raise InvalidTransition(
            _("An order that is “%(status)s” cannot move to another shop.")
            % {"status": ReservationStatus(locked.status).label},
            field="status",
        )
    active = list(locked.lines.filter(holds_stock=True).select_related("offer__product"))
    moving = [line for line in active if line_ids is None or line.pk in set(line_ids)]
    if not moving or (line_ids is not None and len(moving) != len(set(line_ids))):
        raise InvalidReservation(_("Choose lines of this order that are still active."), field="lines")
    if shop_id is None:
        options = reservation_reassign_options(reservation=locked, lines=moving, exclude_tried=True)
        if not options:
            return None
        target = options[0]
    else:
        target = Shop.objects.filter(pk=shop_id, organisation_id=locked.organisation_id, active=True).first()
        if target is None or target.pk == locked.shop_id:
            raise InvalidReservation(_("Choose another active shop of the same organisation."), field="shop")
    new_offers = {
        offer.product_id: offer
        for offer in Offer.objects.filter(
            shop=target, listed=True, product_id__in={line.offer.product_id for line in moving}
        )
    }
    _lock_offers([line.offer_id for line in moving] + [offer.pk for offer in new_offers.values()])
    fresh = Offer.objects.in_bulk([offer.pk for offer in new_offers.values()])
    short = []
    for line in moving:
        offer = fresh.get(new_offers[line.offer.product_id].pk) if line.offer.product_id in new_offers else None
        if offer is None or (offer.stock_available is not None and offer.stock_available < line.quantity):
            short.append(
                {"line": line.pk, "requested": line.quantity, "available": offer.stock_available if offer else 0}
            )
    if short:
        raise InsufficientStock(_("%(shop)s does not hold all these items.") % {"shop": target.name}, lines=short)
    now = timezone.now()
    deadlines = deadlines_for(organisation=locked.organisation)
    whole_order = len(moving) == len(active)
    holder = locked
    if not whole_order:
        holder = Reservation.objects.create(
            customer_id=locked.customer_id,
            checkout=locked.checkout,
            organisation=locked.organisation,
            shop=target,
            fulfilment=locked.fulfilment,
            pickup_shop=target if locked.pickup_shop_id else None,
            delivery_name=locked.delivery_name,
            delivery_address=locked.delivery_address,
            delivery_postcode=locked.delivery_postcode,
            delivery_city=locked.delivery_city,
            latitude=locked.latitude,
            longitude=locked.longitude,
        )
        StatusChange.objects.create(reservation=holder, actor=actor, to_status=S.PLACED, reason=reason[:300])
    for line in moving:
        new_offer = fresh[new_offers[line.offer.product_id].pk]
        Offer.objects.filter(pk=line.offer_id).update(stock_allocated=F("stock_allocated") - line.quantity)
        Offer.objects.filter(pk=new_offer.pk).update(stock_allocated=F("stock_allocated") + line.quantity)
        ReservationLine.objects.filter(pk=line.pk).update(reservation=holder, offer=new_offer, shop=target)
    transaction.on_commit(page_cache.invalidate)
    Reassignment.objects.create(
        reservation=holder, from_shop=locked.shop, to_shop=target, actor=actor, reason=reason[:300]
    )
    if holder.status != S.PLACED:
        StatusChange.objects.create(
            reservation=holder, actor=actor, from_status=holder.status, to_status=S.PLACED, reason=reason[:300]
        )
    holder.shop = target
    holder.status = S.PLACED
    holder.due_at = now + deadlines.accept
    if holder.pickup_shop_id:
        holder.pickup_shop = target
        holder.pickup_deadline = now + deadlines.accept + deadlines.prepare + deadlines.collect
    holder.save()
    notify.notify(holder, event="reassigned", audiences=(notify.CUSTOMER, notify.SHOP), reason=reason)
    return holder


@transaction.atomic
def line_return_record(
    *, line: ReservationLine, quantity: int, restock: bool, reason: str = "", actor=None
) -> LineReturn:
    """Units brought back after collection or delivery; restocked units are on sale again."""
    reservation = Reservation.objects.select_for_update().get(pk=line.reservation_id)
    line = ReservationLine.objects.get(pk=line.pk)
    if reservation.status not in HANDS_OVER:
        raise InvalidTransition(_("Only a collected or delivered order can have returns."), field="status")
    if (
        isinstance(quantity, bool)
        or not isinstance(quantity, int)
        or not 1 <= quantity <= line.quantity - line.returned_quantity
    ):
        raise InvalidReservation(
            _("Between 1 and %(max)s units can be returned.") % {"max": line.quantity - line.returned_quantity},
            field="quantity",
        )
    if restock:
        _lock_offers([line.offer_id])
        Offer.objects.filter(pk=line.offer_id).update(stock_on_hand=F("stock_on_hand") + quantity)
        transaction.on_commit(page_cache.invalidate)
    ReservationLine.objects.filter(pk=line.pk).update(returned_quantity=F("returned_quantity") + quantity)
    record = LineReturn.objects.create(
        line=line, quantity=quantity, restocked=restock, reason=(reason or "")[:300], actor=actor
    )
    notify.notify(reservation, event="returned", audiences=(notify.CUSTOMER,), reason=reason)
    return record


@dataclass
class SweepReport:
    reassigned: int = 0
    cancelled_unaccepted: int = 0
    cancelled_uncollected: int = 0


def _lock_if_still_due(pk, *, status, now) -> Reservation | None:
    """The order, locked, if it is still overdue in ``status``; None if another run took it or it moved on."""
    return (
        Reservation.objects.select_for_update(skip_locked=True, of=("self",))
        .filter(pk=pk, status=status, due_at__lt=now)
        .select_related("shop", "organisation")
        .first()
    )


def reservations_sweep(*, now=None) -> SweepReport:
    """Deadlines: orders no shop accepted in time go to the next nearest shop holding the stock (or are
    cancelled when none does), uncollected ones are cancelled and their units go back on sale.

    Each order is handled in its own transaction, re-read under a lock that a concurrent sweep skips, so
    running it twice, or twice at once, changes and e-mails each order once.
    """
    now = now or timezone.now()
    report = SweepReport()
    unaccepted = Reservation.objects.filter(status=S.PLACED, due_at__lt=now).order_by("due_at", "pk")
    for pk in list(unaccepted.values_list("pk", flat=True)):
        with transaction.atomic():
            reservation = _lock_if_still_due(pk, status=S.PLACED, now=now)
            if reservation is None:
                continue
            reason = _("Not accepted in time by %(shop)s.") % {"shop": reservation.shop.name}
            try:
                moved = reservation_reassign(reservation=reservation, reason=reason)
            except InsufficientStock:  # the nearest shop sold the items since it was chosen
                moved = None
            if moved is not None:
                report.reassigned += 1
                notify.notify(moved, event="reassigned", audiences=(notify.ANIMATORS,), reason=reason)
                continue
            reason = _("Not accepted in time, and no other shop holds the items.")
            reservation_transition(reservation=reservation, to_status=S.CANCELLED, reason=reason)
            notify.notify(reservation, event=S.CANCELLED, audiences=(notify.ANIMATORS,), reason=reason)
            report.cancelled_unaccepted += 1
    uncollected = Reservation.objects.filter(status=S.READY, due_at__lt=now).order_by("due_at", "pk")
    for pk in list(uncollected.values_list("pk", flat=True)):
        with transaction.atomic():
            reservation = _lock_if_still_due(pk, status=S.READY, now=now)
            if reservation is None:
                continue
            reservation_transition(
                reservation=reservation, to_status=S.CANCELLED, reason=_("Not collected before the deadline.")
            )
            report.cancelled_uncollected += 1
    return report


def reservations_anonymise(*, customer) -> int:
    """Erase the delivery details of a customer's orders (before the account goes); the orders stay for the
    shops' books."""
    return Reservation.objects.filter(customer=customer).update(
        delivery_name="", delivery_address="", delivery_postcode="", delivery_city="", latitude=None, longitude=None
    )
