"""The customer's web pages for orders: the session basket, the checkout, the confirmation and "my reservations".

They parse input, call ``baskets.services`` (which decides everything: stock, shops, addresses, deadlines,
cancellation) and render; a service's error is shown next to the field it names.
"""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Case, IntegerField, Value, When
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from offers.exceptions import InsufficientStock
from offers.selectors import offer_list_public
from pivot_site.exceptions import DomainError
from shops.geocoding import locate

from .basket import BasketFull, SessionBasket, pickup_options
from .choices import HOLDS_STOCK, Fulfilment
from .forms import (
    IDEMPOTENCY_KEY_RE,
    AddToBasketForm,
    BasketForm,
    CheckoutForm,
    PlaceForm,
    pickup_field_name,
)
from .models import Reservation
from .selectors import reservation_list_visible
from .services import (
    CUSTOMER_MAY_CANCEL,
    DeliveryAddress,
    LineRequest,
    line_quantity_limit,
    reservation_cancel_by_customer,
    reservation_create,
)

RESERVATIONS_PER_PAGE = 20


# --- basket ----------------------------------------------------------------------------------------------


# CSRF: the offer page is cached whole for visitors without a session (pivot_site/page_cache.py), so its
# "add to basket" form cannot carry a per-visitor CSRF token, and asking for one would make every offer page
# uncacheable. This endpoint only adds a line to the visitor's own session basket: a forged request could at
# worst put an item in someone's basket, which they see and must still confirm through the checkout, itself
# protected by CSRF and login. The same reasoning keeps the language switch exempt (pivot_site/urls.py).
# Changing or emptying the basket (basket page) stays protected: that page is only shown with a session.
@csrf_exempt
@require_POST
def basket_add(request):
    form = AddToBasketForm(request.POST)
    form.is_valid()
    offer_id = form.cleaned_data.get("offer")
    offer = offer_list_public().filter(pk=offer_id).first() if offer_id else None
    if offer is None:
        messages.error(request, _("This offer is not on sale any more."))
        return redirect("baskets:basket")
    if "quantity" in form.errors:
        messages.error(request, _("Choose a quantity between 1 and %(max)s.") % {"max": line_quantity_limit(offer)})
        return redirect("offer_detail", pk=offer.pk)
    requested = form.cleaned_data["quantity"] or 1
    basket = SessionBasket(request.session)
    before = basket.quantities().get(offer.pk, 0)
    try:
        quantity = basket.add(offer, requested)
    except BasketFull:
        messages.error(request, _("Your basket is full: place an order or remove items first."))
        return redirect("baskets:basket")
    if quantity < before + requested:
        messages.warning(
            request,
            _("“%(name)s”: at most %(max)s per order; your basket holds %(quantity)s.")
            % {"name": offer.product.name, "max": quantity, "quantity": quantity},
        )
    else:
        messages.success(request, _("“%(name)s” is in your basket.") % {"name": offer.product.name})
    return redirect("baskets:basket")


def _warn_dropped(request, contents):
    if contents.dropped:
        messages.warning(request, _("Some items are not on sale any more: they have been removed from your basket."))


@require_http_methods(["GET", "HEAD", "POST"])
def basket_detail(request):
    """The basket: quantities (editable), prices including tax and the total."""
    basket = SessionBasket(request.session)
    contents = basket.contents()
    _warn_dropped(request, contents)
    form = BasketForm(request.POST if request.method == "POST" else None, lines=contents.lines)
    if request.method == "POST" and form.is_valid():
        basket.set_quantities(form.quantities(), limits={line.offer.pk: line.max_quantity for line in contents.lines})
        messages.success(request, _("Your basket has been updated."))
        return redirect("baskets:basket")
    return TemplateResponse(request, "baskets/basket.html", {"contents": contents, "form": form})


@require_POST
def basket_remove(request, offer_id):
    if SessionBasket(request.session).remove(offer_id):
        messages.success(request, _("The item has been removed from your basket."))
    return redirect("baskets:basket")


# --- checkout --------------------------------------------------------------------------------------------


def _place_of(data, contents):
    """Where to rank pickup shops from: what the customer typed or their browser's position, else the shop of
    the first item. Returns (latitude, longitude, label, error)."""
    try:
        place = locate(query=data.get("ou", ""), latitude=data.get("lat"), longitude=data.get("lon"))
    except DomainError as error:
        place, error_message = None, error.message
    else:
        error_message = None
    if place is not None:
        return place.latitude, place.longitude, place.label, None
    shop = contents.lines[0].offer.shop if contents.lines else None
    if shop is not None and shop.latitude is not None:
        return shop.latitude, shop.longitude, shop.name, error_message
    return None, None, "", error_message


def _placed_checkouts(*, customer, key):
    """The checkout this customer already placed with this form."""
    return Reservation.objects.filter(customer=customer, idempotency_key=key)


def _place_order(*, customer, form, contents) -> None:
    """Call the service once for the whole basket: it routes every line, splits the order by shop and places
    all of it or none. For pickup, each organisation of the basket has its chosen shop."""
    data = form.cleaned_data
    pickup = data["fulfilment"] == Fulfilment.PICKUP
    pickup_shop_ids = (
        [form.pickup_shop_id(organisation.pk) for organisation, _lines in contents.by_organisation()] if pickup else []
    )
    reservation_create(
        customer=customer,
        lines=[LineRequest(offer_id=line.offer.pk, quantity=line.quantity) for line in contents.lines],
        fulfilment=data["fulfilment"],
        pickup_shop_ids=[shop_id for shop_id in pickup_shop_ids if shop_id],
        pickup_on=data["pickup_on"] if pickup else None,
        address=None
        if pickup
        else DeliveryAddress(
            name=data["delivery_name"],
            address=data["delivery_address"],
            postcode=data["delivery_postcode"],
            city=data["delivery_city"],
        ),
        idempotency_key=data["idempotency_key"],
        actor=customer,
    )


def _short_lines(error, contents):
    """InsufficientStock's lines as (basket line, requested, available), for the page to say which are short."""
    by_offer = {line.offer.pk: line for line in contents.lines}
    return [
        (by_offer[short["offer"]], short["requested"], short["available"])
        for short in error.details.get("lines", [])
        if short.get("offer") in by_offer
    ]


def _show_error(error, *, form, contents, errors):
    """Put a service's message next to the field it names."""
    field = error.field
    organisation_of = {line.offer.pk: line.offer.organisation_id for line in contents.lines}
    if field == "pickup_shop" and error.details.get("offer") in organisation_of:
        form.add_error(pickup_field_name(organisation_of[error.details["offer"]]), error.message)
    elif field in ("pickup_on", "fulfilment"):
        form.add_error(field, error.message)
    elif field == "address":
        errors["address"].append(error.message)
    elif error.details.get("offer") in {line.offer.pk for line in contents.lines}:
        errors["lines"][error.details["offer"]] = error.message
    else:
        errors["general"].append(error.message)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def checkout(request):
    """Choose pickup (a shop per organisation, nearest first from the customer's place) or delivery, then confirm."""
    basket = SessionBasket(request.session)
    contents = basket.contents()
    _warn_dropped(request, contents)
    organisation_ids = [organisation.pk for organisation, _lines in contents.by_organisation()]
    errors = {"address": [], "lines": {}, "general": [], "short": []}
    if request.method == "POST":
        form = CheckoutForm(request.POST, organisation_ids=organisation_ids)
        if form.is_valid():
            key = form.cleaned_data["idempotency_key"]
            if _placed_checkouts(customer=request.user, key=key).exists():
                # Submitted twice: the first submit placed the order (and emptied the basket).
                return redirect("baskets:confirmation", key=key)
            if not contents.lines:
                if not contents.dropped:
                    messages.info(request, _("Your basket is empty."))
                return redirect("baskets:basket")
            if not contents.dropped:  # else show the basket as it is now before placing anything
                try:
                    _place_order(customer=request.user, form=form, contents=contents)
                except InsufficientStock as error:
                    errors["general"].append(error.message)
                    errors["short"] = _short_lines(error, contents)
                except DomainError as error:
                    _show_error(error, form=form, contents=contents, errors=errors)
                else:
                    basket.clear()
                    return redirect("baskets:confirmation", key=key)
        place_data = {name: request.POST.get(name, "") for name in ("ou", "lat", "lon")}
    else:
        if not contents.lines:
            if not contents.dropped:
                messages.info(request, _("Your basket is empty."))
            return redirect("baskets:basket")
        place_form = PlaceForm(request.GET)
        place_data = place_form.cleaned_data if place_form.is_valid() else {}
        form = CheckoutForm(
            initial={"fulfilment": Fulfilment.PICKUP, "idempotency_key": uuid.uuid4().hex, **place_data},
            organisation_ids=organisation_ids,
        )
    latitude, longitude, place_label, place_error = _place_of(place_data, contents)
    if request.method == "POST" and "idempotency_key" in form.errors:
        # An expired or forged key: a fresh one, so that confirming again works.
        errors["general"].extend(form.errors["idempotency_key"])
        form.data = form.data.copy()
        form.data["idempotency_key"] = uuid.uuid4().hex
    choices = pickup_options(contents, latitude=latitude, longitude=longitude)
    for choice in choices:
        choice.field = form[pickup_field_name(choice.organisation.pk)]
        value = choice.field.value()
        choice.selected = str(value) if value else (str(choice.shops[0].shop.pk) if choice.shops else "")
    context = {
        "contents": contents,
        "form": form,
        "place_form": PlaceForm(initial=place_data),
        "place_query": place_data.get("ou", "") if not (place_data.get("lat") or place_data.get("lon")) else "",
        "place_label": place_label,
        "place_error": place_error,
        "pickup_choices": choices,
        "selected_fulfilment": form["fulfilment"].value() or Fulfilment.PICKUP,
        "errors": errors,
        "short_offer_ids": {line.offer.pk for line, _requested, _available in errors["short"]},
    }
    return TemplateResponse(request, "baskets/checkout.html", context)


def _customer_orders(user):
    """The signed-in customer's own orders (staff see their organisation's elsewhere, not here)."""
    return (
        reservation_list_visible(user=user)
        .filter(customer=user)
        .select_related("shop", "pickup_shop", "organisation")
        .prefetch_related("pickup_shop__opening_hours")
    )


@login_required
def confirmation(request, key):
    """Every part of the checkout just placed: shop, status, pickup deadline."""
    if not IDEMPOTENCY_KEY_RE.match(key):
        raise Http404("no such checkout")
    parts = list(
        _customer_orders(request.user)
        .filter(checkout__in=_placed_checkouts(customer=request.user, key=key).values("checkout"))
        .prefetch_related("lines__offer__product")
        .order_by("pk")
    )
    if not parts:
        raise Http404("no such checkout")
    total = sum((part.total_incl_tax for part in parts), start=0)
    return TemplateResponse(request, "baskets/confirmation.html", {"parts": parts, "total": total})


# --- my reservations -------------------------------------------------------------------------------------


@login_required
def reservation_list(request):
    """The customer's orders: those under way first, then past ones, newest first."""
    orders = (
        _customer_orders(request.user)
        .annotate(
            is_past=Case(When(status__in=HOLDS_STOCK, then=Value(0)), default=Value(1), output_field=IntegerField())
        )
        .order_by("is_past", "-placed_at", "-pk")
    )
    page = Paginator(orders, RESERVATIONS_PER_PAGE).get_page(request.GET.get("page"))
    context = {"page_obj": page, "cancellable": CUSTOMER_MAY_CANCEL}
    return TemplateResponse(request, "baskets/reservation_list.html", context)


def _own_order(request, pk):
    return get_object_or_404(
        _customer_orders(request.user).prefetch_related("lines__offer__product", "history"),
        pk=pk,
    )


@login_required
def reservation_detail(request, pk):
    reservation = _own_order(request, pk)
    context = {"reservation": reservation, "may_cancel": reservation.status in CUSTOMER_MAY_CANCEL}
    return TemplateResponse(request, "baskets/reservation_detail.html", context)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def reservation_cancel(request, pk):
    """Ask for confirmation (GET), then cancel through the service (POST), which says no once the order is ready."""
    reservation = _own_order(request, pk)
    if request.method == "POST":
        try:
            reservation_cancel_by_customer(
                reservation=reservation, customer=request.user, reason=request.POST.get("reason", "")[:300]
            )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Your order %(number)s is cancelled.") % {"number": reservation.pk})
        return redirect("baskets:reservation", pk=reservation.pk)
    if reservation.status not in CUSTOMER_MAY_CANCEL:
        messages.error(
            request,
            _("This order is already “%(status)s”: ask the shop to cancel it.")
            % {"status": reservation.get_status_display()},
        )
        return redirect("baskets:reservation", pk=reservation.pk)
    return TemplateResponse(request, "baskets/reservation_cancel.html", {"reservation": reservation})
