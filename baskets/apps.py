from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BasketsConfig(AppConfig):
    name = "baskets"
    verbose_name = _("Orders and baskets")
