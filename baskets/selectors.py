"""Which orders someone may see."""

from django.db.models import Exists, OuterRef, Prefetch, Q

from shops.permissions import is_signed_in, organisation_ids, sees_everything

from .models import Reservation, ReservationLine


def reservation_list_visible(*, user):
    """A customer's own orders; for staff, also the orders with a line of their organisations; everything for
    platform admins and animators."""
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
        condition |= Exists(ReservationLine.objects.filter(reservation=OuterRef("pk"), organisation_id__in=ids))
    return reservations.filter(condition)
