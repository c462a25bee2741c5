from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class ImportsConfig(AppConfig):
    name = "imports"
    verbose_name = _("Imports and exports")

    def ready(self):
        # Each app's resources.py registers its tables' resources (imports.registry).
        autodiscover_modules("resources")
