from django.db import models
from django.utils.translation import gettext_lazy as _


class OrganisationKind(models.TextChoices):
    REUSE_SHOP = "reuse_shop", _("Reuse shop")
    GROUP_BUYING = "group_buying", _("Group-buying association")
    SHOP_NETWORK = "shop_network", _("Shop network member")
    CSA_GARDEN = "csa_garden", _("CSA garden")


class StaffRole(models.TextChoices):
    STAFF = "staff", _("Staff")
    MANAGER = "manager", _("Manager")


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class VolunteerAnswer(models.TextChoices):
    YES = "yes", _("Yes")
    NO = "no", _("No")
    MAYBE = "maybe", _("Maybe")


class VolunteerDomainCode(models.TextChoices):
    DIY = "diy", _("DIY and repairs")
    STAND = "stand", _("Stands and events")
    SALES = "sales", _("Sales")
    GARDENING = "gardening", _("Gardening")
    COOKING = "cooking", _("Cooking")
    EDUCATION = "education", _("Education and workshops")
    LOGISTICS = "logistics", _("Transport and logistics")
    COMMUNICATION = "communication", _("Communication")
    ADMINISTRATION = "administration", _("Administration")


# Global roles are Django groups, created by shops.roles.sync_role_groups().
ANIMATORS_GROUP = "Animateurs"
ORGANISATION_STAFF_GROUP = "Équipes des organisations"
