from django import forms
from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel, FieldRowPanel, ObjectList

from shops.viewsets import OrganisationScopedViewSet, ScopedModelForm

from . import urls
from .choices import FeedMode
from .kinds import KINDS
from .models import ImportSource
from .sources import import_source_save, import_source_validate


@hooks.register("register_admin_urls")
def register_import_urls():
    return [path("imports/", include(urls, namespace="pivot_imports"))]


class ImportHistoryMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm("imports.view_importjob")


@hooks.register("register_settings_menu_item")
def register_import_history_menu_item():
    return ImportHistoryMenuItem(_("Imports"), reverse("pivot_imports:history"), icon_name="upload", order=900)


@hooks.register("register_settings_menu_item")
def register_stock_feeds_menu_item():
    return ImportHistoryMenuItem(_("Stock feeds"), reverse("pivot_imports:stock_feeds"), icon_name="upload", order=901)


class ImportSourceForm(ScopedModelForm):
    """The source and, kept in its ``options``, how its files are imported."""

    kind = forms.ChoiceField(label=_("What does the file hold?"))
    valid_rows_only = forms.BooleanField(
        label=_("Import the valid rows and report the others"), required=False,
        help_text=_("Otherwise a file with one refused row imports nothing (you are e-mailed either way)."),
    )  # fmt: skip
    archive_missing = forms.BooleanField(label=_("Archive the supplier's offers missing from the file"), required=False)
    publish_new = forms.BooleanField(label=_("Put new products on sale at once"), required=False, initial=True)
    mode = forms.ChoiceField(
        label=_("Kind of stock feed"), choices=FeedMode.choices, initial=FeedMode.SNAPSHOT, required=False
    )
    OPTIONS = ("valid_rows_only", "archive_missing", "publish_new", "mode")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(key, kind.label) for key, kind in KINDS.items()]
        for name in self.OPTIONS:
            if name in self.instance.options:
                self.initial[name] = self.instance.options[name]

    def service_validate(self):
        self.instance.options = {
            **self.instance.options,
            **{name: self.cleaned_data.get(name) for name in self.OPTIONS},
        }
        if not self.instance.options["mode"]:
            self.instance.options["mode"] = FeedMode.SNAPSHOT
        import_source_validate(source=self.instance)

    def service_save(self, instance):
        return import_source_save(source=instance, actor=self.user)


class ImportSourceViewSet(OrganisationScopedViewSet):
    model = ImportSource
    resource_class = None
    icon = "upload"
    menu_label = _("Scheduled imports")
    add_to_settings_menu = True
    list_display = ["name", "kind", "location", "every_hours", "last_checked_at", "active", "organisation"]
    list_filter = ["organisation", "active"]
    search_fields = ["name", "location"]
    ordering = ["name"]
    edit_handler = ObjectList(
        [
            FieldRowPanel([FieldPanel("name"), FieldPanel("organisation")]),
            FieldRowPanel([FieldPanel("kind"), FieldPanel("supplier"), FieldPanel("shop")]),
            FieldPanel("location"),
            FieldRowPanel([FieldPanel("every_hours"), FieldPanel("active")]),
            FieldRowPanel([FieldPanel("valid_rows_only"), FieldPanel("publish_new")]),
            FieldRowPanel([FieldPanel("archive_missing"), FieldPanel("mode")]),
        ],
        base_form_class=ImportSourceForm,
    )


@hooks.register("register_admin_viewset")
def register_import_source_viewset():
    return ImportSourceViewSet("import_sources")
