"""Admin doors of the bulk imports: upload a file, check what was read and how its columns map, confirm, follow
the progress bar, download the error report. The work itself runs in the django-q2 worker (``imports.jobs``)."""

import csv

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import FormView, TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from offers.models import Producer
from offers.reference import LAYOUT, reference_csv_rows
from pivot_site.exceptions import DomainError
from shops.models import Shop
from shops.permissions import scope_queryset, sees_everything

from .choices import ImportStatus
from .jobs import (
    import_job_create,
    job_cancel,
    job_confirm,
    job_error_report,
    job_progress,
    job_remap,
    job_retry,
    may_bulk_import,
)
from .kinds import KINDS, get_kind
from .models import ImportJob

REPORT_FORMATS = ("xlsx", "csv")


class BulkUploadForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("What does the file hold?"))
    supplier = forms.ModelChoiceField(
        label=gettext_lazy("Supplier"), queryset=Producer.objects.none(), required=False,
        help_text=gettext_lazy("For a supplier's price list: whose catalogue it is."),
    )  # fmt: skip
    shop = forms.ModelChoiceField(
        label=gettext_lazy("Shop"), queryset=Shop.objects.none(), required=False,
        help_text=gettext_lazy("Where the stock is (optional for a price list)."),
    )  # fmt: skip
    file = forms.FileField(
        label=gettext_lazy("File"),
        help_text=gettext_lazy(
            "Excel (xlsx or xls), LibreOffice (ods) or csv. Title lines above the column names are skipped."
        ),
    )
    publish_new = forms.BooleanField(
        label=gettext_lazy("Put new products on sale at once"), required=False, initial=True
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        platform = sees_everything(user)
        self.fields["kind"].choices = [
            (key, kind.label) for key, kind in KINDS.items() if platform or not kind.platform
        ]
        self.fields["supplier"].queryset = scope_queryset(
            user, Producer.objects.select_related("organisation")
        ).order_by("name")
        self.fields["shop"].queryset = scope_queryset(user, Shop.objects.filter(active=True)).order_by("name")

    def clean(self):
        data = super().clean()
        kind = KINDS.get(data.get("kind"))
        if kind is not None and kind.platform:
            # Shared by the platform: whichever supplier or shop was left selected does not apply.
            data["supplier"] = data["shop"] = None
        if kind is not None and kind.needs_supplier and not data.get("supplier"):
            self.add_error("supplier", _("Choose the supplier of this file."))
        if kind is not None and kind.needs_shop and not data.get("shop"):
            self.add_error("shop", _("Choose the shop of this stock."))
        return data


class BulkMixin:
    header_icon = "upload"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm("imports.add_importjob"):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {"url": reverse("pivot_imports:history"), "label": _("Imports")},
            {"url": "", "label": self.get_page_title()},
        ]


class BulkUploadView(BulkMixin, WagtailAdminTemplateMixin, FormView):
    template_name = "imports/bulk_upload.html"
    form_class = BulkUploadForm
    page_title = gettext_lazy("Import a file")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_initial(self):
        return {"kind": self.request.GET.get("kind", "catalogue")}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if sees_everything(self.request.user):
            context["reference_layout"] = [heading for _key, heading in LAYOUT]
        return context

    def form_valid(self, form):
        data = form.cleaned_data
        owner = data.get("supplier") or data.get("shop")  # none for a kind shared by the platform
        upload = data["file"]
        try:
            job = import_job_create(
                kind=data["kind"],
                organisation=owner.organisation if owner else None,
                actor=self.request.user,
                name=upload.name,
                data=upload.read(),
                supplier=data.get("supplier"),
                shop=data.get("shop"),
                options={"publish_new": data["publish_new"]},
            )
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else "file", error.message)
            return self.form_invalid(form)
        return redirect("pivot_imports:bulk_job", pk=job.pk)


def bulk_job_for(user, pk) -> ImportJob:
    job = get_object_or_404(ImportJob.objects.select_related("organisation", "supplier", "shop", "created_by"), pk=pk)
    if job.resource not in KINDS or not may_bulk_import(user, organisation=job.organisation):
        raise Http404
    return job


class MappingForm(forms.Form):
    def __init__(self, *args, headers, targets, mapping, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", _("— Ignore this column —"))] + [(t.key, t.label) for t in targets]
        self.headers = headers
        for index, heading in enumerate(headers):
            self.fields[f"column_{index}"] = forms.ChoiceField(
                label=heading, choices=choices, required=False, initial=mapping.get(heading, "")
            )

    def mapping(self) -> dict:
        return {heading: self.cleaned_data[f"column_{index}"] for index, heading in enumerate(self.headers)}


class BulkJobView(BulkMixin, WagtailAdminTemplateMixin, TemplateView):
    """One job at every stage: reading, preview (mapping, rows, errors, confirm), progress, summary."""

    template_name = "imports/bulk_job.html"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm("imports.add_importjob"):
            raise PermissionDenied
        self.job = bulk_job_for(request.user, kwargs["pk"])
        self.kind = get_kind(self.job.resource)
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return _("Import: %(kind)s") % {"kind": self.kind.label}

    def get_page_subtitle(self):
        return self.job.original_name

    def mapping_form(self, data=None):
        job = self.job
        return MappingForm(data, headers=job.preview.get("headers", []), targets=self.kind.targets, mapping=job.mapping)

    def post(self, request, pk):
        action = request.POST.get("action")
        try:
            if action == "remap":
                form = self.mapping_form(request.POST)
                if form.is_valid():
                    job_remap(job=self.job, mapping=form.mapping(), actor=request.user)
                    messages.success(request, _("The file is read again with these columns."))
            elif action == "confirm":
                job_confirm(
                    job=self.job,
                    actor=request.user,
                    valid_rows_only=request.POST.get("valid_rows_only") == "on",
                    archive_missing=request.POST.get("archive_missing") == "on",
                )
                messages.success(request, _("The import has started: you can leave this page, it goes on."))
            elif action == "cancel":
                job_cancel(job=self.job, actor=request.user)
                messages.success(request, _("Import cancelled: nothing was written."))
            elif action == "retry":
                job_retry(job=self.job, actor=request.user)
                messages.success(request, _("The import runs again."))
            else:
                raise Http404
        except DomainError as error:
            messages.error(request, error.message)
        return redirect("pivot_imports:bulk_job", pk=pk)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        job = self.job
        preview = job.preview
        headers = preview.get("headers", [])
        labels = {target.key: target.label for target in self.kind.targets}
        context.update(
            job=job,
            kind=self.kind,
            preview=preview,
            progress=job_progress(job),
            progress_url=reverse("pivot_imports:bulk_progress", args=[job.pk]),
            report_urls=[(fmt, reverse("pivot_imports:bulk_report", args=[job.pk, fmt])) for fmt in REPORT_FORMATS],
            columns=[(heading, labels.get(job.mapping.get(heading, ""), "")) for heading in headers],
            rows=preview.get("rows", []),
            mapping_form=self.mapping_form() if job.status == ImportStatus.PREVIEWED else None,
            can_confirm=job.status == ImportStatus.PREVIEWED and not preview.get("problems") and preview.get("valid"),
            in_progress=job.status in (ImportStatus.READING, ImportStatus.QUEUED, ImportStatus.RUNNING),
            has_report=bool(job.totals.get("rejected") or preview.get("rejected")),
            totals=[
                (key, job.totals.get(key, 0)) for key in ("created", "updated", "unchanged", "archived", "rejected")
            ]
            if job.status in (ImportStatus.DONE, ImportStatus.REJECTED)
            else [],
            detected=job.detected,
        )
        return context


class BulkProgressView(View):
    """What the progress bar polls."""

    def get(self, request, pk):
        if not request.user.has_perm("imports.add_importjob"):
            raise PermissionDenied
        return JsonResponse(job_progress(bulk_job_for(request.user, pk)))


class BulkReportView(View):
    def get(self, request, pk, file_format):
        if not request.user.has_perm("imports.add_importjob") or file_format not in REPORT_FORMATS:
            raise Http404
        return job_error_report(job=bulk_job_for(request.user, pk), file_format=file_format)


class _Line:
    """A file-like target for csv.writer that hands back each line it is given."""

    def write(self, text):
        return text


def csv_stream(rows):
    """Rows as csv text with ``;`` (what French spreadsheet and point-of-sale software expect), a BOM first so
    that Excel reads the accents."""
    writer = csv.writer(_Line(), delimiter=";", lineterminator="\r\n")
    yield "\ufeff"
    for row in rows:
        yield writer.writerow(row)


class ReferenceExportView(View):
    """The network's reference catalogue in the import's layout, for the shops' point-of-sale software: every
    staff member may download it (shared products are everyone's to read); streamed, however long."""

    def get(self, request):
        if not request.user.has_perm("wagtailadmin.access_admin"):
            raise PermissionDenied
        response = StreamingHttpResponse(csv_stream(reference_csv_rows()), content_type="text/csv; charset=utf-8")
        filename = f"catalogue-reference-{timezone.localdate():%Y-%m-%d}.csv"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
