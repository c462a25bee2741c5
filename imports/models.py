from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .choices import ImportStatus


class ImportJob(models.Model):
    """One uploaded file: previewed, then confirmed (or not). Its history stays for the organisation."""

    organisation = models.ForeignKey(
        "shops.Organisation",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="import_jobs",
        verbose_name=_("organisation"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="import_jobs", verbose_name=_("by")
    )
    resource = models.CharField(_("table"), max_length=50)
    file = models.FileField(_("file"), upload_to="imports/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=255)
    file_format = models.CharField(_("format"), max_length=10)
    status = models.CharField(_("status"), max_length=10, choices=ImportStatus.choices, default=ImportStatus.PREVIEWED)
    totals = models.JSONField(_("counts"), default=dict, blank=True)
    errors = models.JSONField(_("errors"), default=list, blank=True)
    # What the preview page shows: first rows with their action, ignored columns.
    preview = models.JSONField(_("preview"), default=dict, blank=True)
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    organisation_path = "organisation"

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("import")
        verbose_name_plural = _("imports")

    def __str__(self):
        return f"{self.original_name} ({self.get_status_display()})"
