from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from . import urls


@hooks.register("register_admin_urls")
def register_import_urls():
    return [path("imports/", include(urls, namespace="pivot_imports"))]


class ImportHistoryMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm("imports.view_importjob")


@hooks.register("register_settings_menu_item")
def register_import_history_menu_item():
    return ImportHistoryMenuItem(_("Imports"), reverse("pivot_imports:history"), icon_name="upload", order=900)
