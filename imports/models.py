from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from .choices import FINISHED, ImportStatus


class ImportJob(models.Model):
    """One uploaded file, read and checked (the preview), then imported in the background once confirmed.
    Its history stays for the organisation: who, when, which file, the counts and how long it took."""

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
    # An admin table's resource key (generic import) or a bulk kind: catalogue, reference, stock.
    resource = models.CharField(_("kind"), max_length=50)
    supplier = models.ForeignKey(
        "offers.Producer",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="import_jobs",
        verbose_name=_("supplier"),
    )
    shop = models.ForeignKey(
        "shops.Shop",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="import_jobs",
        verbose_name=_("shop"),
    )
    source = models.ForeignKey(
        "ImportSource",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="jobs",
        verbose_name=_("scheduled source"),
    )
    file = models.FileField(_("file"), upload_to="imports/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=255)
    sha256 = models.CharField(max_length=64, blank=True, editable=False)
    file_format = models.CharField(_("format"), max_length=10)
    # What the reader found (format, encoding, delimiter, decimal comma, header line, sheet).
    detected = models.JSONField(default=dict, blank=True)
    # File heading → PIVOT field, as applied.
    mapping = models.JSONField(_("column mapping"), default=dict, blank=True)
    # archive_missing, valid_rows_only, prices_include_tax, mode (stock feeds).
    options = models.JSONField(default=dict, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=ImportStatus.choices, default=ImportStatus.PREVIEWED)
    rows_total = models.PositiveIntegerField(_("rows"), default=0)
    rows_done = models.PositiveIntegerField(default=0)
    totals = models.JSONField(_("counts"), default=dict, blank=True)
    errors = models.JSONField(_("errors"), default=list, blank=True)
    # What the preview page shows: first rows with their action, ignored columns.
    preview = models.JSONField(_("preview"), default=dict, blank=True)
    message = models.TextField(_("message"), blank=True)
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    organisation_path = "organisation"

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        indexes = [models.Index(fields=["shop", "resource", "-finished_at"], name="import_job_shop_feed_idx")]

    def __str__(self):
        return f"{self.original_name} ({self.get_status_display()})"

    @property
    def finished(self) -> bool:
        return self.status in FINISHED

    @property
    def duration(self):
        if self.started_at and self.finished_at:
            return self.finished_at - self.started_at
        return None


class ColumnMapping(models.Model):
    """How a supplier's file layout maps onto PIVOT fields, saved once and reused when the same headings
    come again (``signature`` is a hash of the folded headings)."""

    organisation = models.ForeignKey(
        "shops.Organisation",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="column_mappings",
        verbose_name=_("organisation"),
    )
    kind = models.CharField(_("kind"), max_length=50)
    supplier = models.ForeignKey(
        "offers.Producer",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="column_mappings",
        verbose_name=_("supplier"),
    )
    signature = models.CharField(max_length=64, editable=False)
    headers = models.JSONField(_("headings"), default=list)
    mapping = models.JSONField(_("column mapping"), default=dict)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    organisation_path = "organisation"

    class Meta:
        ordering = ["-updated_at"]
        verbose_name = _("column mapping")
        verbose_name_plural = _("column mappings")
        indexes = [models.Index(fields=["kind", "signature"], name="column_mapping_lookup_idx")]

    def __str__(self):
        return f"{self.kind} — {self.supplier or self.organisation or '—'}"


class ImportSource(models.Model):
    """A file checked on a schedule (a folder on the server or an HTTP(S) address) and imported with the saved
    mapping when it changed."""

    organisation = models.ForeignKey(
        "shops.Organisation",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="import_sources",
        verbose_name=_("organisation"),
    )
    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=50)
    supplier = models.ForeignKey(
        "offers.Producer", on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("supplier")
    )
    shop = models.ForeignKey(
        "shops.Shop", on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("shop")
    )
    location = models.CharField(
        _("file location"),
        max_length=500,
        help_text=_("An https:// address, or a file or folder under the server's import folder."),
    )
    every_hours = models.PositiveSmallIntegerField(
        _("check every (hours)"), default=24, validators=[MinValueValidator(1), MaxValueValidator(24 * 31)]
    )
    options = models.JSONField(default=dict, blank=True)
    active = models.BooleanField(_("active"), default=True)
    last_checked_at = models.DateTimeField(_("last checked"), null=True, blank=True, editable=False)
    last_sha256 = models.CharField(max_length=64, blank=True, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")

    organisation_path = "organisation"

    class Meta:
        ordering = ["name"]
        verbose_name = _("scheduled import")
        verbose_name_plural = _("scheduled imports")

    def __str__(self):
        return self.name


class StockFeedToken(models.Model):
    """A shop's own API key for pushing its stock: stored hashed, shown once, revocable."""

    shop = models.ForeignKey(
        "shops.Shop", on_delete=models.CASCADE, related_name="stock_feed_tokens", verbose_name=_("shop")
    )
    name = models.CharField(_("name"), max_length=100, help_text=_("Which till or program uses it."))
    prefix = models.CharField(max_length=12, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)

    organisation_path = "shop__organisation"

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("stock feed key")
        verbose_name_plural = _("stock feed keys")

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"
