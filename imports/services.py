"""The one import/export pipeline of every admin table.

Import: ``import_job_preview`` keeps the uploaded file on an ``ImportJob`` and queues
``table_preview_task``, which runs the whole import in a transaction that is rolled back and stores
what would be created, updated, left unchanged or refused. ``import_job_confirm`` queues
``table_run_task``, which re-reads the stored file and runs it again for real, in one transaction:
any refused row means nothing is written (all-or-nothing). Large files never run inside a web
request: both steps run in the django-q worker, the admin page polls the job's status.
Export: ``export_dataset`` + ``export_response`` produce the same columns, so an export can be
edited and imported back.
"""

import csv
import io
import logging
from dataclasses import dataclass, field

import tablib
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import transaction
from django.http import HttpResponse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django_q.tasks import async_task
from import_export.results import RowResult

from pivot_site import page_cache
from pivot_site.exceptions import DomainError
from shops.permissions import organisation_ids

from .choices import ImportStatus
from .models import ImportJob
from .readers import UnreadableFile, detect_format, read_dataset, too_large
from .registry import get_resource_class

logger = logging.getLogger(__name__)

PREVIEW_ROWS = 500
MAX_ERRORS = 1000
ACTIONS = {
    RowResult.IMPORT_TYPE_NEW: "new",
    RowResult.IMPORT_TYPE_UPDATE: "update",
    RowResult.IMPORT_TYPE_SKIP: "unchanged",
    RowResult.IMPORT_TYPE_INVALID: "error",
    RowResult.IMPORT_TYPE_ERROR: "error",
}


@dataclass
class ImportReport:
    totals: dict = field(default_factory=lambda: {"new": 0, "update": 0, "unchanged": 0, "error": 0})
    rows: list = field(default_factory=list)  # {"line", "action", "label", "details"}
    errors: list = field(default_factory=list)  # {"line", "column", "message"}
    ignored_columns: list = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.totals["error"] and not self.errors


def may_import(user, resource_class) -> bool:
    opts = resource_class._meta.model._meta
    return user.has_perm("imports.add_importjob") and (
        user.has_perm(f"{opts.app_label}.add_{opts.model_name}")
        or user.has_perm(f"{opts.app_label}.change_{opts.model_name}")
    )


def import_run(*, resource_class, dataset: tablib.Dataset, actor, dry_run: bool) -> ImportReport:
    """Run the import of ``dataset``; nothing is kept when ``dry_run`` or when any row is refused."""
    resource = resource_class(user=actor)
    report = ImportReport(ignored_columns=resource.map_headers(dataset))
    if len(report.ignored_columns) == len(dataset.headers):
        raise DomainError(
            _("No column of this file belongs to the table. Expected columns: %(columns)s.")
            % {"columns": ", ".join(resource.get_export_headers())},
            code="no_known_column",
        )
    with transaction.atomic():
        result = resource.import_data(
            dataset, dry_run=dry_run, use_transactions=True, rollback_on_validation_errors=True
        )
        lines = getattr(dataset, "line_numbers", None) or list(range(2, len(dataset) + 2))
        for row_result, line, row in zip(result.rows, lines, dataset.dict):
            _add_row(report, resource, row_result, line, row)
        for error in result.base_errors:
            report.errors.append({"line": None, "column": "", "message": str(error.error)})
        if dry_run or not report.ok:
            transaction.set_rollback(True)
    return report


def _add_row(report, resource, row_result, line, row):
    action = ACTIONS.get(row_result.import_type, "error")
    report.totals[action] += 1
    messages = []
    if row_result.validation_error is not None:
        for column, message in resource.error_items(row_result.validation_error, row):
            messages.append(message)
            _add_error(report, line, column, message)
    for error in row_result.errors:
        message = _("The database refused this row: %(error)s") % {"error": error.error}
        messages.append(message)
        _add_error(report, line, "", message)
    if len(report.rows) < PREVIEW_ROWS:
        details = messages if action == "error" else getattr(row_result, "changed_columns", [])
        label = getattr(row_result, "label", "") or resource.row_label(row)
        report.rows.append({"line": line, "action": action, "label": label, "details": details})


def _add_error(report, line, column, message):
    if len(report.errors) < MAX_ERRORS:
        report.errors.append({"line": line, "column": column, "message": str(message)})


def _single_organisation_id(user):
    ids = organisation_ids(user)
    return next(iter(ids)) if len(ids) == 1 else None


def import_job_preview(*, resource_class, uploaded_file, actor) -> ImportJob:
    """Keep the file on an ``ImportJob`` (``reading``) and queue its preview in the worker.

    Only the cheap checks run here (size, empty file, not a spreadsheet): ``DomainError`` for those.
    ``table_preview_task`` reads every row, so that a large file never holds a web request.
    """
    if not may_import(actor, resource_class):
        raise PermissionDenied
    data = uploaded_file.read()
    if len(data) > settings.PIVOT_IMPORT_MAX_BYTES:
        raise too_large()
    if not data or data.isspace():
        raise UnreadableFile(_("The file is empty."))
    job = ImportJob(
        organisation_id=_single_organisation_id(actor),
        created_by=actor,
        resource=resource_class.key,
        original_name=uploaded_file.name[:255],
        file_format=detect_format(data),
        status=ImportStatus.READING,
    )
    job.file.save(uploaded_file.name, ContentFile(data), save=False)
    job.save()
    transaction.on_commit(lambda: async_task("imports.services.table_preview_task", job.pk, group="imports"))
    return job


def table_preview_task(job_id: int) -> str:
    """Read the stored file and simulate its import as its uploader: ``previewed`` when it can be
    confirmed, ``rejected`` when a row is refused or the file cannot be read."""
    job = ImportJob.objects.select_related("created_by").get(pk=job_id)
    if job.status != ImportStatus.READING:
        return job.status
    try:
        report = _run_stored(job, dry_run=True)
    except DomainError as error:
        return _finish(job, status=ImportStatus.REJECTED, message=error.message).status
    except Exception:
        logger.exception("Table import %s could not be previewed", job.pk)
        return _finish(job, status=ImportStatus.FAILED, message=_failed_message()).status
    job.status = ImportStatus.PREVIEWED if report.ok else ImportStatus.REJECTED
    _keep_report(job, report, finished=not report.ok)
    return job.status


def import_job_confirm(*, job: ImportJob, resource_class, actor) -> ImportJob:
    """Queue the import of the previewed file (``queued``); ``table_run_task`` checks every row again."""
    if job.created_by_id != actor.pk:
        raise PermissionDenied
    if not may_import(actor, resource_class):
        raise PermissionDenied
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().get(pk=job.pk)
        if job.status != ImportStatus.PREVIEWED:
            raise DomainError(
                _("This import cannot be confirmed any more (%(status)s).") % {"status": job.get_status_display()},
                code="import_not_pending",
            )
        job.status = ImportStatus.QUEUED
        job.save(update_fields=["status"])
        transaction.on_commit(lambda: async_task("imports.services.table_run_task", job.pk, group="imports"))
    return job


def table_run_task(job_id: int) -> str:
    """Import a confirmed file for real, in one transaction: ``done``, or ``rejected`` with nothing written when
    a row is refused now (the data changed since the preview), or ``failed`` with the database unchanged.

    A job left ``running`` by a worker that died is taken again: its transaction was rolled back."""
    claimed = ImportJob.objects.filter(pk=job_id, status__in=(ImportStatus.QUEUED, ImportStatus.RUNNING)).update(
        status=ImportStatus.RUNNING, started_at=timezone.now()
    )
    job = ImportJob.objects.get(pk=job_id)
    if not claimed:
        return job.status
    try:
        with transaction.atomic():
            # Two workers given the same task: the second waits here, then sees the job finished.
            job = ImportJob.objects.select_for_update().get(pk=job_id)
            if job.status != ImportStatus.RUNNING:
                return job.status
            report = _run_stored(job, dry_run=False)
            if report.ok:
                # Public pages show the imported rows, even those a bulk path writes without a signal.
                page_cache.invalidate()
            job.status = ImportStatus.DONE if report.ok else ImportStatus.REJECTED
            _keep_report(job, report, finished=True)
    except DomainError as error:
        return _finish(job, status=ImportStatus.REJECTED, message=error.message).status
    except Exception:
        logger.exception("Table import %s failed", job_id)
        return _finish(job, status=ImportStatus.FAILED, message=_failed_message()).status
    return job.status


def _run_stored(job: ImportJob, *, dry_run: bool) -> ImportReport:
    with job.file.open("rb") as stored:
        dataset = read_dataset(stored.read())
    resource_class = get_resource_class(job.resource)
    return import_run(resource_class=resource_class, dataset=dataset, actor=job.created_by, dry_run=dry_run)


def _keep_report(job: ImportJob, report: ImportReport, *, finished: bool) -> None:
    job.totals, job.errors = report.totals, report.errors
    job.preview = {"rows": report.rows, "ignored_columns": report.ignored_columns}
    if finished:
        job.finished_at = timezone.now()
    job.save(update_fields=["status", "totals", "errors", "preview", "finished_at"])


def _finish(job: ImportJob, *, status, message) -> ImportJob:
    """Only the status, the message and the time: whatever else was set on ``job`` was rolled back."""
    job.status, job.message, job.finished_at = status, message, timezone.now()
    job.save(update_fields=["status", "message", "finished_at"])
    return job


def _failed_message() -> str:
    return _(
        "An unexpected error stopped the import: nothing was written. Upload the file again; "
        "if it happens again, tell the platform's team."
    )


# Export


def export_dataset(*, resource_class, actor, queryset=None, native_types=False) -> tablib.Dataset:
    """The table's rows the actor may read (within ``queryset`` when given), with the import's columns."""
    resource = resource_class(user=actor)
    return resource.export(queryset, force_native_type=native_types)


def export_filename(resource_class) -> str:
    name = slugify(str(resource_class._meta.model._meta.verbose_name_plural)) or "export"
    return f"{name}-{timezone.localdate():%Y-%m-%d}"


def export_response(*, resource_class, actor, file_format: str, queryset=None) -> HttpResponse:
    """An xlsx workbook (native numbers and dates) or a csv for French Excel (``;``, UTF-8 with BOM)."""
    dataset = export_dataset(
        resource_class=resource_class, actor=actor, queryset=queryset, native_types=file_format == "xlsx"
    )
    return dataset_response(dataset, file_format=file_format, filename=export_filename(resource_class))


def dataset_response(dataset: tablib.Dataset, *, file_format: str, filename: str) -> HttpResponse:
    """Write ``dataset`` as an xlsx workbook or a French Excel csv, as an attachment ``filename.<format>``."""
    if file_format == "xlsx":
        response = HttpResponse(
            _xlsx_bytes(dataset), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
    elif file_format == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
        writer.writerow(dataset.headers)
        writer.writerows(dataset)
        response = HttpResponse(("\ufeff" + buffer.getvalue()).encode("utf-8"), content_type="text/csv; charset=utf-8")
    else:
        raise DomainError(_("Unknown export format “%(format)s”.") % {"format": file_format}, code="unknown_format")
    response["Content-Disposition"] = f'attachment; filename="{filename}.{file_format}"'
    return response


def _xlsx_bytes(dataset) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(dataset.headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in dataset:
        sheet.append(list(row))
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            if cell.data_type == "f":
                cell.data_type = "s"  # a cell starting with "=" is text, never a formula
            elif hasattr(cell.value, "hour"):
                cell.number_format = "DD/MM/YYYY HH:MM"
    sheet.freeze_panes = "A2"
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()
