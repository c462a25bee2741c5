"""Admin door of the exports with chosen columns: ``/admin/imports/<key>/export/choose/``.

The page ticks the table's columns (all of them, or the user's last choice for this table) and a
format; "Download" calls ``imports.exports.export_selected``. Coming from a listing (``?next=`` the
listing's URL with its filters and search), the rows are those of that listing, found by the
listing's own view as its "Download XLSX / CSV" buttons do; the service scopes them again.
"""

import copy
from urllib.parse import urlsplit

from django import forms
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, QueryDict
from django.urls import Resolver404, resolve
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView
from wagtail.admin.utils import get_valid_next_url_from_request
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from pivot_site.exceptions import DomainError

from .exports import EXPORT_FORMATS, export_columns, export_selected, may_export
from .registry import get_resource_class
from .views import ImportExportIndexViewMixin, ResourceMixin

SESSION_KEY = "pivot_imports_export_choice"


class ColumnsField(forms.MultipleChoiceField):
    """Checkboxes of the columns; which keys exist is for the export service to say."""

    def valid_value(self, value):
        return True


class ExportChooseForm(forms.Form):
    columns = ColumnsField(label=gettext_lazy("Columns"), required=False, widget=forms.CheckboxSelectMultiple)
    file_format = forms.ChoiceField(
        label=gettext_lazy("Format"),
        choices=[
            ("xlsx", gettext_lazy("Excel (xlsx): numbers and dates as such")),
            ("csv", gettext_lazy("csv for French Excel (“;” between columns, UTF-8)")),
        ],
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, columns=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["columns"].choices = [(column.key, column.label) for column in columns]


class ExportChooseView(ResourceMixin, WagtailAdminTemplateMixin, FormView):
    template_name = "imports/export_choose.html"
    form_class = ExportChooseForm
    header_icon = "download"

    def dispatch(self, request, *args, **kwargs):
        try:
            self.resource_class = get_resource_class(kwargs["key"])
        except KeyError:
            raise Http404
        if not may_export(request.user, self.resource_class):
            raise PermissionDenied
        self.next_url = get_valid_next_url_from_request(request)
        # ResourceMixin's own dispatch checks the import permission: exporting only needs to see the table.
        return super(ResourceMixin, self).dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return _("Export %(table)s") % {"table": self.table_name}

    @cached_property
    def columns(self):
        return export_columns(resource_class=self.resource_class)

    @property
    def session_key(self):
        return f"{SESSION_KEY}:{self.resource_class.key}"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "columns": self.columns}

    def get_initial(self):
        """The user's last choice for this table, else every column as an xlsx workbook."""
        known = [column.key for column in self.columns]
        last = self.request.session.get(self.session_key) or {}
        chosen = [key for key in last.get("columns", ()) if key in known]
        file_format = last.get("format") if last.get("format") in EXPORT_FORMATS else EXPORT_FORMATS[0]
        return {"columns": chosen or known, "file_format": file_format}

    def form_valid(self, form):
        columns, file_format = form.cleaned_data["columns"], form.cleaned_data["file_format"]
        try:
            response = export_selected(
                resource_class=self.resource_class,
                actor=self.request.user,
                columns=columns,
                file_format=file_format,
                queryset=self.listing_queryset(),
            )
        except DomainError as error:
            form.add_error("columns" if error.field == "columns" else None, error.message)
            return self.form_invalid(form)
        self.request.session[self.session_key] = {"columns": columns, "format": file_format}
        return response

    @cached_property
    def listing(self):
        """The listing view of this table that ``next`` points to, with its query string (filters, search)."""
        if not self.next_url:
            return None
        url = urlsplit(self.next_url)
        try:
            match = resolve(url.path)
        except Resolver404:
            return None
        view_class = getattr(match.func, "view_class", None)
        initkwargs = getattr(match.func, "view_initkwargs", {})
        if not (isinstance(view_class, type) and issubclass(view_class, ImportExportIndexViewMixin)):
            return None
        if initkwargs.get("resource_class", view_class.resource_class) is not self.resource_class:
            return None
        return view_class, initkwargs, match, url

    def listing_queryset(self):
        """The rows the listing shows with its filters and search (all pages), or None for the whole table."""
        if self.listing is None:
            return None
        view_class, initkwargs, match, url = self.listing
        request = copy.copy(self.request)
        request.method = "GET"
        request.GET = QueryDict(url.query)
        request.path = request.path_info = url.path
        view = view_class(**initkwargs)
        view.setup(request, *match.args, **match.kwargs)
        queryset = view.get_queryset()
        if not isinstance(queryset, QuerySet):  # search backend results
            queryset = self.resource_class._meta.model._default_manager.filter(pk__in=[obj.pk for obj in queryset])
        return queryset

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = QueryDict(self.listing[3].query) if self.listing else QueryDict()
        context["filtered"] = any(key not in ("p", "ordering", "export") for key in query)
        return context
