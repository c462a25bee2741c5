from datetime import timedelta

from django.utils import timezone

from .choices import ImportStatus
from .models import ImportJob

PREVIEW_LIFETIME = timedelta(days=2)


def purge_stale_previews():
    """Previews never confirmed are cancelled and their uploaded files deleted; safe to run twice."""
    stale = ImportJob.objects.filter(status=ImportStatus.PREVIEWED, created_at__lt=timezone.now() - PREVIEW_LIFETIME)
    count = 0
    for job in stale:
        job.file.delete(save=False)
        job.status = ImportStatus.CANCELLED
        job.finished_at = timezone.now()
        job.save(update_fields=["file", "status", "finished_at"])
        count += 1
    return count
