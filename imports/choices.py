from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportStatus(models.TextChoices):
    PREVIEWED = "previewed", _("Waiting for confirmation")
    DONE = "done", _("Imported")
    REJECTED = "rejected", _("Refused: errors")
    CANCELLED = "cancelled", _("Cancelled")
