from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Frequency(models.TextChoices):
    WEEKLY = "weekly", _("Every week")
    FORTNIGHTLY = "fortnightly", _("Every other week")


class DeliveryStatus(models.TextChoices):
    PLANNED = "planned", pgettext_lazy("delivery status", "Planned")
    CANCELLED = "cancelled", pgettext_lazy("delivery status", "Cancelled")
    POSTPONED = "postponed", pgettext_lazy("delivery status", "Postponed")


# Deliveries that still bring baskets (and are billed); past ones were delivered.
ACTIVE = frozenset({DeliveryStatus.PLANNED})


class ChangeKind(models.TextChoices):
    CANCEL = "cancel", _("Cancellation")
    POSTPONE = "postpone", _("Postponement")
    DOUBLE = "double", _("Doubling")
    DEPOT = "depot", _("Depot change")
    DAY = "day", _("Day change")
    CLOSURE = "closure", _("Depot closure")
    REOPENING = "reopening", _("Closure cancelled")


# The changes a plan's quotas count (the window quota counts both; the per-subscription maximum, cancellations).
QUOTA_KINDS = frozenset({ChangeKind.CANCEL, ChangeKind.POSTPONE})
