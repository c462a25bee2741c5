"""Bulk import jobs: upload → preview → confirm → background run, with progress and error reports.

``import_job_create`` keeps the file and queues ``job_preview``, which reads every row once (detection,
mapping, the kind's checks, duplicates within the file) and stages the valid lines in the job's work folder.
``job_confirm`` queues ``job_run``, which writes the staged lines batch by batch in one transaction (all or
nothing; a killed worker leaves the database as it was and the job can run again) and never re-reads the
file. ``job_import_direct`` does both in one pass for the command line and scheduled sources. Nothing here runs
inside a web request: the views only create, confirm and show jobs.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import logging
import operator
import pickle
import shutil
from collections import Counter
from dataclasses import asdict
from pathlib import Path

import tablib
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import transaction
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_q.tasks import async_task

from pivot_site import page_cache
from pivot_site.exceptions import DomainError
from shops.permissions import organisation_ids, sees_everything

from .choices import ImportStatus
from .kinds import RowError, get_kind
from .mapping import mapping_for, mapping_problems, mapping_save
from .models import ImportJob
from .readers import UnreadableFile, open_table, too_large
from .services import dataset_response

logger = logging.getLogger(__name__)

BATCH = 2000
PREVIEW_ROWS = 50
MAX_ERRORS = 1000  # kept on the job for the page; the error report has them all
REPORT_LINE, REPORT_ERRORS = "Ligne", "Erreurs"
SAMPLE = 64  # values of a staged column looked at to tell a repeating column
STAGED = "valid.pickle"  # batches of (line number, checked line), written by the preview


class RowsRefused(Exception):
    """Lines the database refused while writing, in an all-or-nothing import: everything is rolled back."""


def may_bulk_import(user, *, organisation) -> bool:
    if not (user and user.is_authenticated and user.has_perm("imports.add_importjob")):
        return False
    if organisation is None:
        return sees_everything(user)
    return sees_everything(user) or organisation.pk in organisation_ids(user)


def work_dir(job: ImportJob) -> Path:
    return Path(settings.PIVOT_IMPORT_WORK_DIR) / str(job.pk)


def progress_key(job_id: int) -> str:
    return f"import-job-{job_id}-rows"


def job_progress(job: ImportJob) -> dict:
    """Status and rows done, for the admin's progress bar (the running job's transaction is not visible yet)."""
    done = job.rows_done if job.finished else (cache.get(progress_key(job.pk)) or job.rows_done)
    total = job.rows_total or job.preview.get("rows_read", 0)
    percent = 100 if job.status == ImportStatus.DONE else (min(99, done * 100 // total) if total else 0)
    return {"status": job.status, "label": job.get_status_display(), "rows_done": done, "rows_total": total,
            "percent": percent, "finished": job.finished}  # fmt: skip


def import_job_create(
    *,
    kind: str,
    organisation,
    actor,
    name: str,
    data: bytes,
    supplier=None,
    shop=None,
    options=None,
    source=None,
    preview: bool = True,
) -> ImportJob:
    """Keep the uploaded file and queue its preview (or, with ``preview=False``, nothing: the caller runs it)."""
    bulk = get_kind(kind)
    if actor is not None and not may_bulk_import(actor, organisation=organisation):
        raise PermissionDenied
    bulk.check_owners(organisation_id=getattr(organisation, "pk", None), supplier=supplier, shop=shop)
    if len(data) > settings.PIVOT_IMPORT_MAX_BYTES:
        raise too_large()
    job = ImportJob(
        organisation=organisation,
        created_by=actor,
        resource=kind,
        supplier=supplier,
        shop=shop,
        source=source,
        original_name=Path(name).name[:255] or "import",
        sha256=hashlib.sha256(data).hexdigest(),
        options=dict(options or {}),
        status=ImportStatus.READING,
    )
    job.file.save(job.original_name, ContentFile(data), save=False)
    job.save()
    if preview:
        transaction.on_commit(lambda: async_task("imports.jobs.job_preview_task", job.pk, group="imports"))
    return job


def job_preview_task(job_id: int) -> str:
    job = ImportJob.objects.select_related("organisation", "supplier", "shop").get(pk=job_id)
    return job_preview(job=job).status


def _open(job: ImportJob):
    with job.file.open("rb") as stored:
        return open_table(stored.read())


def _reject(rejected_out, errors: list, *, line: int, cells, column: str, message: str, counter=None) -> None:
    if counter is not None:
        counter["rejected"] += 1
    if rejected_out is not None:
        rejected_out.write(json.dumps([line, [str(c) for c in cells], column, message], ensure_ascii=False) + "\n")
    if len(errors) < MAX_ERRORS:
        errors.append({"line": line, "column": column, "message": message})


def _report_notes(errors: list, notes, batch=None) -> None:
    """Lines applied or ignored with a remark, not refused (a stock feed's unknown codes, stock kept for orders):
    listed with the errors as ``"note": True``. ``notes`` maps an index in ``batch`` to its message, or is a list
    of messages about no line in particular (``batch`` None)."""
    items = sorted(notes.items()) if batch is not None else [(None, message) for message in notes]
    for index, message in items[: max(0, MAX_ERRORS - len(errors))]:
        line = batch[index][0] if batch is not None else None
        errors.append({"line": line, "column": "", "message": message, "note": True})


def _read_lines(job, kind, table, mapping, *, errors, rejected_out=None, on_row=None, counter=None, keys=None):
    """Yield ``(line number, checked line)`` for every row the kind accepts; the others are rejected (with the
    heading of the column at fault) and the second of two rows with the same key too. ``keys`` collects the
    first unique key of each line yielded."""
    headers = table.headers
    heading_of = {field: heading for heading, field in mapping.items() if field}
    fields = [mapping.get(heading, "") for heading in headers]
    decimal_comma = table.detected.decimal_comma
    first_line: dict = {}
    count = 0
    for line_number, cells in table.rows:
        count += 1
        if on_row is not None and count % BATCH == 0:
            on_row(count)
        values = {field: cell for field, cell in zip(fields, cells) if field}
        try:
            line = kind.clean(values, decimal_comma=decimal_comma)
        except (RowError, DomainError) as error:
            column = heading_of.get(getattr(error, "field", "") or "", "")
            _reject(
                rejected_out,
                errors,
                line=line_number,
                cells=cells,
                column=column,
                message=error.message,
                counter=counter,
            )
            continue
        duplicate = None
        line_keys = kind.unique_keys(line)
        for field, key in line_keys:
            if key in first_line:
                duplicate = (field, first_line[key])
                break
        if duplicate is not None:
            field, first = duplicate
            message = _("Same “%(column)s” as line %(line)s: only line %(line)s is imported.") % {
                "column": heading_of.get(field, field),
                "line": first,
            }
            _reject(
                rejected_out, errors, line=line_number, cells=cells, column=heading_of.get(field, ""), message=message,
                counter=counter,
            )  # fmt: skip
            continue
        for _field, key in line_keys:
            first_line[key] = line_number
        if keys is not None:
            keys.add(line_keys[0][1])
        yield line_number, line
    if on_row is not None:
        on_row(count)


def _mapping(job, kind, table, mapping=None):
    if mapping is not None:
        return {heading: mapping.get(heading, "") for heading in table.headers}, False
    return mapping_for(
        organisation=job.organisation, kind=kind.key, supplier=job.supplier, headers=table.headers, targets=kind.targets
    )


def job_preview(*, job: ImportJob, mapping: dict | None = None) -> ImportJob:
    """Read and check every row with the saved, suggested or given ``mapping``; stage the valid lines. The job
    becomes ``previewed`` (confirmable when the mapping has no problem) or ``rejected`` (unreadable file)."""
    kind = get_kind(job.resource)
    folder = work_dir(job)
    shutil.rmtree(folder, ignore_errors=True)
    try:
        table = _open(job)
    except UnreadableFile as error:
        return _finish(job, status=ImportStatus.REJECTED, message=error.message)
    mapping, saved = _mapping(job, kind, table, mapping)
    job.file_format = table.detected.file_format
    job.detected = asdict(table.detected)
    job.mapping = mapping
    problems = mapping_problems(mapping, kind.targets)
    sample = []
    errors: list = []
    preview = {"headers": table.headers, "mapping_saved": saved, "problems": problems, "rows": sample}
    if problems:
        for _line, cells in table.rows:
            sample.append([str(cell) for cell in cells])
            if len(sample) >= PREVIEW_ROWS:
                break
        job.preview, job.errors, job.status = preview, [], ImportStatus.PREVIEWED
        job.save()
        return job
    folder.mkdir(parents=True, exist_ok=True)
    keys: set = set()
    valid = 0
    key = progress_key(job.pk)
    with (
        open(folder / STAGED, "wb") as valid_out,
        open(folder / "rejected.jsonl", "w", encoding="utf-8") as rejected_out,
    ):
        batch: list = []
        for line_number, line in _read_lines(
            job, kind, _sampling(table, sample), mapping, errors=errors, rejected_out=rejected_out,
            on_row=lambda count: cache.set(key, count, 3600), keys=keys,
        ):  # fmt: skip
            batch.append((line_number, line))
            valid += 1
            if len(batch) >= BATCH:
                _stage(batch, valid_out)
                batch = []
        if batch:
            _stage(batch, valid_out)
    rejected = _count_lines(folder / "rejected.jsonl")
    preview.update(valid=valid, rejected=rejected, rows_read=valid + rejected, **kind.preview_counts(job, keys))
    job.preview, job.errors = preview, errors
    job.rows_total, job.rows_done = valid, 0
    job.totals = {"rejected": rejected}
    job.status = ImportStatus.PREVIEWED
    job.save()
    return job


class _sampling:
    """The table, whose first rows are also kept for the preview page as they were read."""

    def __init__(self, table, sample):
        self.headers, self.detected, self._rows, self._sample = table.headers, table.detected, table.rows, sample

    @property
    def rows(self):
        for line_number, cells in self._rows:
            if len(self._sample) < PREVIEW_ROWS:
                self._sample.append([str(cell) for cell in cells])
            yield line_number, cells


def _count_lines(path: Path) -> int:
    with open(path, "rb") as stream:
        return sum(1 for _line in stream)


def job_remap(*, job: ImportJob, mapping: dict, actor) -> ImportJob:
    """The user corrected the mapping at preview time: read the file again with it, in the background."""
    _check_owner(job, actor)
    with transaction.atomic():
        job = ImportJob.objects.select_for_update(of=("self",)).get(pk=job.pk)
        if job.status != ImportStatus.PREVIEWED:
            raise _not_pending(job)
        job.mapping, job.status = (
            {h: str(mapping.get(h, "")) for h in job.preview.get("headers", [])},
            ImportStatus.READING,
        )
        job.save(update_fields=["mapping", "status"])
        transaction.on_commit(lambda: async_task("imports.jobs.job_preview_task_with_mapping", job.pk, group="imports"))
    return job


def job_preview_task_with_mapping(job_id: int) -> str:
    job = ImportJob.objects.select_related("organisation", "supplier", "shop").get(pk=job_id)
    return job_preview(job=job, mapping=job.mapping).status


def _check_owner(job, actor):
    if actor is None:
        return
    if not may_bulk_import(actor, organisation=job.organisation):
        raise PermissionDenied


def _not_pending(job):
    return DomainError(
        _("This import cannot be confirmed any more (%(status)s).") % {"status": job.get_status_display()},
        code="import_not_pending",
    )


def job_confirm(*, job: ImportJob, actor, valid_rows_only: bool = False, archive_missing: bool = False) -> ImportJob:
    """Queue the import of the previewed lines; the mapping is saved for the next file of the same layout."""
    _check_owner(job, actor)
    with transaction.atomic():
        job = (
            ImportJob.objects.select_for_update(of=("self",)).select_related("organisation", "supplier").get(pk=job.pk)
        )
        if job.status != ImportStatus.PREVIEWED:
            raise _not_pending(job)
        if job.preview.get("problems"):
            raise DomainError(_("Correct the column mapping first."), code="mapping_problems")
        if job.preview.get("rejected") and not valid_rows_only:
            raise DomainError(
                _("%(count)s rows have errors: correct the file, or choose to import only the valid rows.")
                % {"count": job.preview["rejected"]},
                code="rows_rejected",
            )
        if not job.preview.get("valid"):
            raise DomainError(_("No row of this file can be imported."), code="nothing_to_import")
        job.options = {**job.options, "valid_rows_only": valid_rows_only, "archive_missing": archive_missing}
        job.status = ImportStatus.QUEUED
        job.save(update_fields=["options", "status"])
        kind = get_kind(job.resource)
        mapping_save(
            organisation=job.organisation,
            kind=kind.key,
            supplier=job.supplier,
            headers=job.preview["headers"],
            mapping=job.mapping,
            actor=actor,
        )
        transaction.on_commit(lambda: async_task("imports.jobs.job_run_task", job.pk, group="imports"))
    return job


def job_cancel(*, job: ImportJob, actor) -> ImportJob:
    _check_owner(job, actor)
    with transaction.atomic():
        job = ImportJob.objects.select_for_update(of=("self",)).get(pk=job.pk)
        if job.status not in (ImportStatus.PREVIEWED, ImportStatus.READING):
            raise _not_pending(job)
        job = _finish(job, status=ImportStatus.CANCELLED)
    shutil.rmtree(work_dir(job), ignore_errors=True)
    return job


def job_retry(*, job: ImportJob, actor) -> ImportJob:
    """Run again an import that failed or whose worker died (nothing of it was kept: one transaction)."""
    _check_owner(job, actor)
    with transaction.atomic():
        job = ImportJob.objects.select_for_update(of=("self",)).get(pk=job.pk)
        if job.status not in (ImportStatus.FAILED, ImportStatus.RUNNING) or not (work_dir(job) / STAGED).exists():
            raise DomainError(_("Only an import that stopped can run again."), code="import_not_retryable")
        job.status, job.message, job.finished_at = ImportStatus.QUEUED, "", None
        job.save(update_fields=["status", "message", "finished_at"])
        transaction.on_commit(lambda: async_task("imports.jobs.job_run_task", job.pk, group="imports"))
    return job


def job_run_task(job_id: int) -> str:
    job = ImportJob.objects.select_related("organisation", "supplier", "shop", "created_by").get(pk=job_id)
    return job_run(job=job).status


def _staged_batches(job):
    """The checked lines as the preview left them. Pickled: the files are the worker's own, in a folder no upload
    reaches, and reading them back must cost next to nothing against re-reading the spreadsheet."""
    with open(work_dir(job) / STAGED, "rb") as staged:
        while True:
            try:
                line_class, numbers, columns = pickle.load(staged)
            except EOFError:
                return
            yield list(zip(numbers, itertools.starmap(line_class, zip(*columns))))


def _stage(batch, out) -> None:
    """A batch of checked lines (slotted dataclasses of one class) pickled column by column. In a column that
    repeats its values (a price list's VAT rates, brands, families), equal values become one object, which
    pickle writes once and then as a reference; columns of distinct values (references, prices) are left as
    they are, where that would cost more than it saves."""
    line_class = type(batch[0][1])
    lines = [line for _number, line in batch]
    columns = []
    for name in line_class.__slots__:
        column = list(map(operator.attrgetter(name), lines))
        if len(set(column[:SAMPLE])) <= SAMPLE // 2:
            same: dict = {}  # (type, value) → its first object: equal values of one type only (1 and True apart)
            column = list(map(same.setdefault, zip(map(type, column), column), column))
        columns.append(column)
    pickle.dump((line_class, [number for number, _line in batch], columns), out, protocol=pickle.HIGHEST_PROTOCOL)


def _batched(lines):
    batch = []
    for item in lines:
        batch.append(item)
        if len(batch) >= BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def job_run(*, job: ImportJob) -> ImportJob:
    """Write the staged lines (a queued job, or a running one whose worker died); once only even if two
    workers get the task."""
    claimed = ImportJob.objects.filter(pk=job.pk, status__in=(ImportStatus.QUEUED, ImportStatus.RUNNING)).update(
        status=ImportStatus.RUNNING, started_at=timezone.now(), rows_done=0
    )
    if not claimed:
        job.refresh_from_db()
        return job
    job.refresh_from_db()
    kind = get_kind(job.resource)
    return _write(job, kind, _staged_batches(job))


def job_import_direct(*, job: ImportJob, mapping: dict | None = None) -> ImportJob:
    """Read, check and write in one pass (command line, scheduled sources): no preview, the saved or suggested
    mapping. All or nothing unless the job's options say ``valid_rows_only``."""
    kind = get_kind(job.resource)
    try:
        table = _open(job)
    except UnreadableFile as error:
        return _finish(job, status=ImportStatus.REJECTED, message=error.message)
    mapping, saved = _mapping(job, kind, table, mapping)
    job.file_format, job.detected, job.mapping = table.detected.file_format, asdict(table.detected), mapping
    job.preview = {
        "headers": table.headers,
        "mapping_saved": saved,
        "problems": mapping_problems(mapping, kind.targets),
    }
    if job.preview["problems"]:
        return _finish(job, status=ImportStatus.REJECTED, message="\n".join(job.preview["problems"]))
    errors: list = []
    folder = work_dir(job)
    folder.mkdir(parents=True, exist_ok=True)
    job.status, job.started_at = ImportStatus.RUNNING, timezone.now()
    job.save()
    job.totals = {}
    read = Counter(rejected=0)
    with open(folder / "rejected.jsonl", "w", encoding="utf-8") as rejected_out:
        lines = _read_lines(job, kind, table, mapping, errors=errors, rejected_out=rejected_out, counter=read)
        return _write(job, kind, _batched(lines), errors=errors, read=read, rejected_out=rejected_out)


def job_import_direct_task(job_id: int) -> str:
    job = ImportJob.objects.select_related("organisation", "supplier", "shop", "created_by").get(pk=job_id)
    return job_import_direct(job=job).status


def _write(job, kind, batches, *, errors=None, read=None, rejected_out=None) -> ImportJob:
    """Write ``batches`` in one transaction; ``read`` counts the rows refused while reading (direct imports)."""
    valid_rows_only = job.options.get("valid_rows_only", False)
    errors = errors if errors is not None else list(job.errors)
    read = read if read is not None else Counter(rejected=job.totals.get("rejected", 0))
    totals = Counter(created=0, updated=0, unchanged=0, archived=0, rejected=0)
    reindex: list[int] = []
    keys: set = set()
    key = progress_key(job.pk)
    done = 0
    own_report = rejected_out is None
    if own_report:
        rejected_out = open(work_dir(job) / "rejected.jsonl", "a", encoding="utf-8")
    try:
        with transaction.atomic():
            writer = kind.writer(job)
            for batch in batches:
                result = writer.write([line for _number, line in batch])
                for index, message in sorted(result.refused.items()):
                    _reject(rejected_out, errors, line=batch[index][0], cells=kind.stage(batch[index][1]),
                            column="", message=message, counter=totals)  # fmt: skip
                if result.refused and not valid_rows_only:
                    raise RowsRefused
                _report_notes(errors, getattr(result, "notes", {}), batch)
                totals.update(created=result.created, updated=result.updated, unchanged=result.unchanged)
                keys.update(kind.unique_keys(line)[0][1] for _number, line in batch)
                reindex.extend(result.reindex_ids)
                done += len(batch)
                cache.set(key, done, 3600)
            if read["rejected"] and not valid_rows_only:
                raise RowsRefused
            totals["rejected"] += read["rejected"]
            totals.update(kind.finish(job, writer, keys))
            _report_notes(errors, getattr(writer, "final_notes", ()))
            job.totals, job.errors, job.rows_done = dict(totals), errors, done
            job.rows_total = max(job.rows_total, done)
            job = _finish(job, status=ImportStatus.DONE)
            transaction.on_commit(page_cache.invalidate)
            if reindex:
                transaction.on_commit(lambda: _queue_reindex(reindex))
    except RowsRefused:
        job.errors, job.totals = errors, {"rejected": totals["rejected"] + read["rejected"]}
        job = _finish(job, status=ImportStatus.REJECTED, message=_("Nothing was imported: some rows were refused."))
    except Exception as error:  # the worker reports it; the transaction is rolled back
        logger.exception("Import job %s failed", job.pk)
        job = _finish(job, status=ImportStatus.FAILED, message=_("The import stopped: %(error)s") % {"error": error})
    finally:
        if own_report:
            rejected_out.close()
        cache.delete(key)
    return job


def _finish(job, *, status, message="") -> ImportJob:
    job.status, job.finished_at = status, timezone.now()
    if message:
        job.message = message
    job.save()
    return job


REINDEX_TASK_IDS = 10_000


def _queue_reindex(offer_ids):
    for start in range(0, len(offer_ids), REINDEX_TASK_IDS):
        async_task("imports.jobs.reindex_offers_task", offer_ids[start : start + REINDEX_TASK_IDS], group="imports")


def reindex_offers_task(offer_ids) -> int:
    from offers.models import Offer
    from offers.search import offers_reindex

    return offers_reindex(Offer.objects.filter(pk__in=offer_ids))


# Error report


def job_rejected_rows(job: ImportJob):
    """``(line, cells, column, message)`` of every refused row, in the file's order."""
    path = work_dir(job) / "rejected.jsonl"
    if not path.exists():
        return []
    with open(path, encoding="utf-8") as stream:
        rows = [json.loads(text) for text in stream]
    return sorted(rows, key=lambda row: row[0])


def job_error_report(*, job: ImportJob, file_format: str) -> HttpResponse:
    """The refused rows with the file's own columns, then the line and the errors: fix and upload it again
    (xlsx or csv, written as the exports are)."""
    headers = list(job.preview.get("headers", []))
    merged: dict[int, tuple[list, list[str]]] = {}
    for line, cells, column, message in job_rejected_rows(job):
        _cells, messages = merged.setdefault(line, (cells, []))
        messages.append(f"{column} : {message}" if column else message)
    dataset = tablib.Dataset(headers=headers + [REPORT_LINE, REPORT_ERRORS])
    for line, (cells, messages) in merged.items():
        cells = list(cells)[: len(headers)] + [""] * max(0, len(headers) - len(cells))
        dataset.append(cells + [line, " ; ".join(messages)])
    stem = Path(job.original_name).stem or "import"
    return dataset_response(dataset, file_format=file_format, filename=f"{stem}-erreurs")
