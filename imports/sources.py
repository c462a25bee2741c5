"""Scheduled imports: a file fetched on a schedule and imported with the saved mapping when it changed.

A source is an HTTP(S) address or a path under ``PIVOT_IMPORT_SOURCE_ROOT`` (a file, or a folder whose newest
spreadsheet is taken), never anywhere else on the server. ``import_sources_check`` runs every quarter of an
hour (``setup_schedules``) and looks at the sources whose interval has passed; an unchanged file (same
SHA-256) is not imported again. The result is a job in the history like any other, and the organisation is
e-mailed when the file could not be fetched or read, or rows were refused.
"""

from __future__ import annotations

import hashlib
import logging
import urllib.request
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlparse

from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone
from django.utils.translation import gettext as _

from pivot_site.exceptions import DomainError

from .choices import ImportStatus
from .jobs import import_job_create, job_import_direct
from .models import ImportJob, ImportSource

logger = logging.getLogger(__name__)

SPREADSHEET_SUFFIXES = {".csv", ".xlsx", ".xls", ".ods", ".txt"}
FETCH_TIMEOUT = 30


class SourceUnavailable(DomainError):
    code = "source_unavailable"


def source_location_check(location: str) -> str:
    """The location as stored: an http(s) address, or a path relative to the import folder that stays in it."""
    location = (location or "").strip()
    parsed = urlparse(location)
    if parsed.scheme in ("http", "https"):
        if not parsed.netloc:
            raise SourceUnavailable(_("This address has no server name."), field="location")
        return location
    if parsed.scheme:
        raise SourceUnavailable(_("Give an http:// or https:// address, or a path in the import folder."),
                                field="location")  # fmt: skip
    root = Path(settings.PIVOT_IMPORT_SOURCE_ROOT).resolve()
    path = (root / location).resolve()
    if not path.is_relative_to(root):
        raise SourceUnavailable(
            _("Files are only read from the server's import folder (%(root)s).") % {"root": root}, field="location"
        )
    return str(path.relative_to(root))


def import_source_validate(*, source: ImportSource) -> None:
    from .kinds import KINDS

    source.location = source_location_check(source.location)
    kind = KINDS.get(source.kind)
    if kind is None:
        raise DomainError(_("Choose what the file holds."), field="kind")
    if not kind.platform and source.organisation_id is None:
        raise DomainError(_("Choose the organisation this file is for."), field="organisation")
    kind.check_owners(organisation_id=source.organisation_id, supplier=source.supplier, shop=source.shop)


def import_source_save(*, source: ImportSource, actor=None) -> ImportSource:
    """Create or change a scheduled import; a changed location is fetched afresh at the next check."""
    import_source_validate(source=source)
    if source.pk and ImportSource.objects.filter(pk=source.pk).exclude(location=source.location).exists():
        source.last_sha256 = ""
    if not source.pk:
        source.created_by = actor
    source.full_clean()
    source.save()
    return source


def source_fetch(source: ImportSource) -> tuple[str, bytes]:
    """(file name, content) of the source now; ``SourceUnavailable`` when it cannot be fetched."""
    location = source_location_check(source.location)
    limit = settings.PIVOT_IMPORT_MAX_BYTES
    if urlparse(location).scheme in ("http", "https"):
        request = urllib.request.Request(location, headers={"User-Agent": "PIVOT scheduled import"})
        try:
            with urllib.request.urlopen(request, timeout=FETCH_TIMEOUT) as response:  # noqa: S310 (http(s) only)
                data = response.read(limit + 1)
        except (OSError, ValueError) as error:
            raise SourceUnavailable(_("The file could not be downloaded (%(error)s).") % {"error": error})
        name = Path(urlparse(location).path).name or "import"
    else:
        path = Path(settings.PIVOT_IMPORT_SOURCE_ROOT).resolve() / location
        if path.is_dir():
            files = [f for f in path.iterdir() if f.is_file() and f.suffix.lower() in SPREADSHEET_SUFFIXES]
            if not files:
                raise SourceUnavailable(_("The folder holds no spreadsheet."))
            path = max(files, key=lambda f: (f.stat().st_mtime, f.name))
        if not path.is_file():
            raise SourceUnavailable(_("There is no file at %(path)s.") % {"path": location})
        with open(path, "rb") as stream:
            data = stream.read(limit + 1)
        name = path.name
    return name, data  # over the limit by a byte when too large: import_job_create refuses it


def import_source_run(*, source: ImportSource) -> ImportJob | None:
    """Fetch the source and import it if it changed; the job, or None when there was nothing new."""
    now = timezone.now()
    ImportSource.objects.filter(pk=source.pk).update(last_checked_at=now)
    try:
        name, data = source_fetch(source)
    except SourceUnavailable as error:
        _tell(source, subject=_("Scheduled import “%(name)s”: file unavailable"), body=error.message)
        return None
    digest = hashlib.sha256(data).hexdigest()
    if digest == source.last_sha256:
        return None
    ImportSource.objects.filter(pk=source.pk).update(last_sha256=digest)
    try:
        job = import_job_create(
            kind=source.kind, organisation=source.organisation, actor=None, name=name, data=data,
            supplier=source.supplier, shop=source.shop, options=source.options, source=source, preview=False,
        )  # fmt: skip
    except DomainError as error:
        _tell(source, subject=_("Scheduled import “%(name)s”: file refused"), body=error.message)
        return None
    job = job_import_direct(job=job)
    if job.status != ImportStatus.DONE or job.totals.get("rejected"):
        lines = [job.message] if job.message else []
        lines += [f"{_('Line')} {e.get('line') or '—'}: {e['message']}" for e in job.errors[:50]]
        _tell(source, subject=_("Scheduled import “%(name)s”: errors"), body="\n".join(lines), job=job)
    return job


def _tell(source, *, subject, body, job=None):
    address = source.organisation.email if source.organisation else ""
    if not address:
        logger.warning("Scheduled import %s: %s", source.pk, body)
        return
    link = ""
    if job is not None:
        link = f"\n\n{settings.WAGTAILADMIN_BASE_URL}/admin/imports/bulk/{job.pk}/"
    send_mail(subject % {"name": source.name}, body + link, settings.DEFAULT_FROM_EMAIL, [address])


def import_sources_due(now=None) -> list[ImportSource]:
    """Active sources never checked or checked longer ago than their interval (a few rows: read them all)."""
    now = now or timezone.now()
    return [
        source
        for source in ImportSource.objects.filter(active=True).select_related("organisation", "supplier", "shop")
        if source.last_checked_at is None or source.last_checked_at <= now - timedelta(hours=source.every_hours)
    ]


def import_sources_check() -> int:
    """The schedule's task: run every source that is due; one failing source does not stop the others."""
    count = 0
    for source in import_sources_due():
        try:
            import_source_run(source=source)
            count += 1
        except Exception:
            logger.exception("Scheduled import %s failed", source.pk)
    return count
