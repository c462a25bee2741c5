from django.db import models
from django.utils.translation import gettext_lazy as _


class Unit(models.TextChoices):
    PIECE = "piece", _("piece")
    KG = "kg", _("kg")
    LITRE = "litre", _("litre")
    BUNCH = "bunch", _("bunch")
    BASKET = "basket", _("basket")


class Condition(models.TextChoices):
    NEW = "new", _("New")
    VERY_GOOD = "very_good", _("Very good")
    GOOD = "good", _("Good")
    FAIR = "fair", _("Fair")
    FOR_PARTS = "for_parts", _("For parts")


class SaleMode(models.TextChoices):
    ONE_OFF = "one_off", _("One-off sale")
    SUBSCRIPTION = "subscription", _("Subscription")


class OfferStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    ARCHIVED = "archived", _("Archived")
