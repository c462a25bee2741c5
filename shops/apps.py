from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class ShopsConfig(AppConfig):
    name = "shops"
    verbose_name = _("Organisations and shops")

    def ready(self):
        from .roles import sync_role_groups

        post_migrate.connect(sync_role_groups, dispatch_uid="pivot_sync_role_groups")
