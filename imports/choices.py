from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportStatus(models.TextChoices):
    READING = "reading", _("Reading the file")
    PREVIEWED = "previewed", _("Waiting for confirmation")
    QUEUED = "queued", _("Waiting to run")
    RUNNING = "running", _("Importing")
    DONE = "done", _("Imported")
    REJECTED = "rejected", _("Refused: errors")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", _("Cancelled")


# Statuses a job no longer leaves.
FINISHED = {ImportStatus.DONE, ImportStatus.REJECTED, ImportStatus.FAILED, ImportStatus.CANCELLED}


class FeedMode(models.TextChoices):
    SNAPSHOT = "snapshot", _("Full stock (references absent from the file go to 0)")
    DELTA = "delta", _("Changes (quantities added or removed)")
