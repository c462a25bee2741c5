import shutil
from datetime import timedelta

from django.utils import timezone

from .choices import ImportStatus
from .models import ImportJob

PREVIEW_LIFETIME = timedelta(days=2)


def purge_stale_previews():
    """Previews never confirmed are cancelled, their uploaded files and staged rows deleted; safe to run twice."""
    from .jobs import work_dir

    stale = ImportJob.objects.filter(status=ImportStatus.PREVIEWED, created_at__lt=timezone.now() - PREVIEW_LIFETIME)
    count = 0
    for job in stale:
        job.file.delete(save=False)
        shutil.rmtree(work_dir(job), ignore_errors=True)
        job.status = ImportStatus.CANCELLED
        job.finished_at = timezone.now()
        job.save(update_fields=["file", "status", "finished_at"])
        count += 1
    return count
