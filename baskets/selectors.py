"""Which orders someone may see."""

from django.db.models import Prefetch, Q

from shops.permissions import is_signed_in, organisation_ids, sees_everything

from .models import Reservation, ReservationLine


def reservation_list_visible(*, user):
    """A customer's own orders; for staff, also their organisations' orders; everything for platform admins
    and animators."""
    reservations = Reservation.objects.prefetch_related(
        Prefetch("lines", queryset=ReservationLine.objects.order_by("pk"))
    )
    if sees_everything(user):
        return reservations
    if not is_signed_in(user):
        return reservations.none()
    condition = Q(customer=user)
    ids = organisation_ids(user)
    if ids:
        condition |= Q(organisation_id__in=ids)
    return reservations.filter(condition)


def reservation_list_handled(*, user):
    """The orders ``user`` handles in the admin: every order for animators and platform admins, else their
    organisations' orders (not those they placed themselves as customers)."""
    reservations = reservation_list_visible(user=user)
    if not sees_everything(user):
        reservations = reservations.filter(organisation_id__in=organisation_ids(user))
    return reservations


def may_handle(*, user, reservation) -> bool:
    """Staff of the order's organisation, animators and platform admins move orders through their statuses."""
    return sees_everything(user) or reservation.organisation_id in organisation_ids(user)


def may_reassign(*, user) -> bool:
    """Only animators and platform admins move orders between shops and record returns across organisations."""
    return sees_everything(user)
