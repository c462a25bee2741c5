"""Admin doors of the import/export pipeline: upload → preview → confirm, exports, history,
and the mixin that gives every Wagtail table its import button and resource-shaped exports.

The views only parse the request, call ``imports.services`` and show the result. Reading and
importing run in the worker: the preview page waits for them by polling ``ImportStatusView``.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import NoReverseMatch, reverse
from django.utils.functional import cached_property
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import FormView, TemplateView
from wagtail.admin.utils import get_valid_next_url_from_request
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.widgets.button import HeaderButton

from pivot_site.exceptions import DomainError
from shops.permissions import organisation_ids, sees_everything

from .choices import ImportStatus
from .exports import may_export
from .kinds import KINDS
from .models import ImportJob
from .registry import get_resource_class
from .services import export_filename, export_response, import_job_confirm, import_job_preview, may_import

EXPORT_FORMATS = ("xlsx", "csv")
WAITING = (ImportStatus.READING, ImportStatus.QUEUED, ImportStatus.RUNNING)  # the worker has the job


def import_url(resource_class, next_url="") -> str:
    url = reverse("pivot_imports:upload", args=[resource_class.key])
    return f"{url}?{urlencode({'next': next_url})}" if next_url else url


class ImportExportIndexViewMixin:
    """Import button and resource-shaped exports for a Wagtail ``IndexView``.

    Use it first in the bases of a viewset's index view and name the table's resource::

        from imports.views import ImportExportIndexViewMixin
        from shops.resources import MemberResource

        class MemberIndexView(ImportExportIndexViewMixin, ScopedIndexView):
            resource_class = MemberResource

        class MemberViewSet(ModelViewSet):
            model = Member
            index_view_class = MemberIndexView

    The built-in "Download XLSX / CSV" buttons of Wagtail's ``SpreadsheetExportMixin`` then
    export the rows of the current listing (filters, search) with the resource's columns and
    headings, so the file can be edited and imported back; ``list_export`` is not needed. An
    "Import" header button opens ``/admin/imports/<key>/`` and comes back to this listing.
    Exports are scoped again with ``shops.permissions.scope_queryset``.
    """

    resource_class = None

    @cached_property
    def show_export_buttons(self):
        return self.resource_class is not None or super().show_export_buttons

    def get_filename(self):
        return export_filename(self.resource_class) if self.resource_class else super().get_filename()

    def as_spreadsheet(self, queryset, spreadsheet_format):
        if self.resource_class is None:
            return super().as_spreadsheet(queryset, spreadsheet_format)
        if not isinstance(queryset, QuerySet):  # search backend results
            model = self.resource_class._meta.model
            queryset = model._default_manager.filter(pk__in=[obj.pk for obj in queryset])
        return export_response(
            resource_class=self.resource_class,
            actor=self.request.user,
            file_format=spreadsheet_format,
            queryset=queryset,
        )

    @cached_property
    def header_buttons(self):
        buttons = list(super().header_buttons)
        if self.resource_class is not None and self.resource_class.key in ("depots", "offers", "members"):
            if may_export(self.request.user, self.resource_class):
                url = reverse("pivot_imports:export_choose", args=[self.resource_class.key])
                buttons.append(
                    HeaderButton(
                        _("Export (choose columns)"),
                        url=f"{url}?{urlencode({'next': self.request.get_full_path()})}",
                        icon_name="download",
                    )
                )
        if self.resource_class is not None and may_import(self.request.user, self.resource_class):
            index_url = getattr(self, "index_url", None) or ""
            buttons.append(
                HeaderButton(_("Import"), url=import_url(self.resource_class, index_url), icon_name="upload")
            )
        return buttons


class ResourceMixin:
    """Finds the resource from the URL's key; only people who may import into its table get in."""

    header_icon = "upload"

    def dispatch(self, request, *args, **kwargs):
        try:
            self.resource_class = get_resource_class(kwargs["key"])
        except KeyError:
            raise Http404
        if not may_import(request.user, self.resource_class):
            raise PermissionDenied
        self.next_url = get_valid_next_url_from_request(request)
        return super().dispatch(request, *args, **kwargs)

    @property
    def table_name(self):
        return self.resource_class._meta.model._meta.verbose_name_plural

    def get_page_title(self):
        return _("Import %(table)s") % {"table": self.table_name}

    def index_url(self):
        if self.next_url:
            return self.next_url
        try:
            return reverse(self.resource_class.get_index_url_name())
        except NoReverseMatch:
            return reverse("wagtailadmin_home")

    def with_next(self, url):
        return f"{url}?{urlencode({'next': self.next_url})}" if self.next_url else url

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {"url": self.index_url(), "label": str(self.table_name).capitalize()},
            {"url": "", "label": self.get_page_title()},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(resource_key=self.resource_class.key, next_url=self.next_url, index_url=self.index_url())
        return context


MAX_UPLOAD_SIZE = 20 * 1024 * 1024


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Spreadsheet"),
        help_text=gettext_lazy("Excel (xlsx), LibreOffice (ods) or csv; the first line gives the column names."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_SIZE:
            raise forms.ValidationError(_("The file is too large (20 MB at most): split it into several files."))
        return upload


class ImportUploadView(ResourceMixin, WagtailAdminTemplateMixin, FormView):
    template_name = "imports/upload.html"
    form_class = UploadForm

    def form_valid(self, form):
        try:
            job = import_job_preview(
                resource_class=self.resource_class, uploaded_file=form.cleaned_data["file"], actor=self.request.user
            )
        except DomainError as error:
            form.add_error("file", error.message)
            return self.form_invalid(form)
        return redirect(self.with_next(reverse("pivot_imports:preview", args=[self.resource_class.key, job.pk])))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        resource = self.resource_class(user=self.request.user)
        context["columns"] = resource.get_export_headers()
        context["export_urls"] = [
            (fmt, f"{reverse('pivot_imports:export', args=[self.resource_class.key])}?format={fmt}")
            for fmt in EXPORT_FORMATS
        ]
        return context


def job_for(user, pk, key) -> ImportJob:
    """Only the person who uploaded the file works on its import."""
    job = get_object_or_404(ImportJob, pk=pk, resource=key)
    if job.created_by_id != user.pk:
        raise Http404
    return job


class ImportPreviewView(ResourceMixin, WagtailAdminTemplateMixin, TemplateView):
    """The job at every stage: reading, preview to confirm, importing, then the result or the errors."""

    template_name = "imports/preview.html"

    def get_page_subtitle(self):
        return self.job.original_name

    def get(self, request, *args, **kwargs):
        self.job = job_for(request.user, kwargs["pk"], kwargs["key"])
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        job = self.job
        totals = job.totals
        context.update(
            job=job,
            totals=totals,
            rows=job.preview.get("rows", []),
            ignored_columns=job.preview.get("ignored_columns", []),
            errors=job.errors,
            in_progress=job.status in WAITING,
            status_url=reverse("pivot_imports:status", args=[job.resource, job.pk]),
            refresh_url=self.request.get_full_path(),
            can_confirm=job.status == ImportStatus.PREVIEWED,
            confirm_url=self.with_next(reverse("pivot_imports:confirm", args=[job.resource, job.pk])),
            upload_url=self.with_next(reverse("pivot_imports:upload", args=[job.resource])),
        )
        if job.status == ImportStatus.DONE:
            done = _("Import done: %(new)s created, %(update)s updated, %(unchanged)s unchanged.")
            context["done_message"] = done % {key: totals[key] for key in ("new", "update", "unchanged")}
        return context


class ImportStatusView(ResourceMixin, View):
    """What the preview page polls while the worker reads or imports the file."""

    def get(self, request, key, pk):
        job = job_for(request.user, pk, key)
        return JsonResponse({"status": job.status, "label": job.get_status_display(), "finished": job.finished})


class ImportConfirmView(ResourceMixin, View):
    http_method_names = ["post"]

    def post(self, request, key, pk):
        job = job_for(request.user, pk, key)
        try:
            import_job_confirm(job=job, resource_class=self.resource_class, actor=request.user)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The import has started: you can leave this page, it goes on."))
        return redirect(self.with_next(reverse("pivot_imports:preview", args=[key, pk])))


class ExportView(ResourceMixin, View):
    """The whole table as the user may read it: a template to fill in, or a backup before an import."""

    def get(self, request, key):
        file_format = request.GET.get("format", "xlsx")
        if file_format not in EXPORT_FORMATS:
            raise Http404
        return export_response(resource_class=self.resource_class, actor=request.user, file_format=file_format)


class ImportHistoryView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "imports/history.html"
    page_title = gettext_lazy("Imports")
    header_icon = "upload"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm("imports.view_importjob"):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [{"url": "", "label": self.get_page_title()}]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        jobs = ImportJob.objects.select_related("created_by", "organisation")
        if not sees_everything(user):
            jobs = jobs.filter(Q(created_by=user) | Q(organisation_id__in=organisation_ids(user)))
        context["jobs"] = [
            (job, self._job_url(job), self._table_name(job.resource), self._counts(job))
            for job in jobs.order_by("-created_at")[:100]
        ]
        context["bulk_upload_url"] = reverse("pivot_imports:bulk_upload")
        return context

    @staticmethod
    def _counts(job) -> dict:
        """Created, updated, unchanged, archived and refused rows, whichever pipeline ran the job."""
        totals = job.totals
        return {
            "created": totals.get("created", totals.get("new", 0)),
            "updated": totals.get("updated", totals.get("update", 0)),
            "unchanged": totals.get("unchanged", 0),
            "archived": totals.get("archived", 0),
            "rejected": totals.get("rejected", totals.get("error", 0)),
        }

    def _job_url(self, job):
        if job.resource in KINDS:
            return reverse("pivot_imports:bulk_job", args=[job.pk])
        if job.created_by_id == self.request.user.pk:
            return reverse("pivot_imports:preview", args=[job.resource, job.pk])
        return ""

    @staticmethod
    def _table_name(key):
        if key in KINDS:
            return KINDS[key].label
        try:
            return str(get_resource_class(key)._meta.model._meta.verbose_name_plural).capitalize()
        except KeyError:
            return key
