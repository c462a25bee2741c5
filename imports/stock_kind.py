"""Shops' stock feeds as a bulk kind: a file (or an API push turned into one) of ``code ; quantity`` lines.

The pipeline (``imports.jobs``) reads, maps and checks each row with ``StockKind.clean`` (``offers.stock_feed``'s
rules), refuses the second of two rows with the same code, and hands batches to ``StockFeedWriter``. Unknown
codes and stock kept for orders are reported, not refused: the writer's ``result.notes`` and ``final_notes``
go to the job's errors list as notes (``imports.jobs._report_notes``) and their counts to the job's totals
(``unknown``, ``clamped``, ``zeroed``). The job itself records the shop's feed: the latest done ``stock`` job
of a shop is its last feed (``imports.selectors.shops_feed_status``).

This module registers itself in ``imports.kinds.KINDS`` (imported at the end of that module).
"""

from __future__ import annotations

import csv
import io

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_q.tasks import async_task

from offers.choices import OfferStatus
from offers.models import Offer
from offers.stock_feed import StockFeedWriter, StockLine, stock_line
from pivot_site.exceptions import DomainError

from .choices import FeedMode, ImportStatus
from .kinds import KINDS, BulkKind, RowError
from .mapping import Target
from .models import ImportJob
from .readers import parse_decimal

MAX_JSON_LINES = 50_000
# Headings of the csv file an API push is kept as: the targets' own keys, which the mapping recognises.
JSON_HEADINGS = ("code", "quantity")


class StockKind(BulkKind):
    """A shop's stock: full (references absent from the file go to 0) or changes, per ``job.options["mode"]``."""

    key = "stock"
    label = gettext_lazy("Shop stock")
    needs_shop = True
    targets = (
        Target("code", gettext_lazy("EAN or reference"),
               ("ean", "ean13", "gtin", "code barre", "code barres", "code ean", "barcode", "reference", "ref",
                "ref article", "reference article", "code article", "code produit", "sku", "code")),
        Target("quantity", gettext_lazy("Quantity"),
               ("quantite", "qte", "qty", "stock", "quantity", "disponible", "stock disponible", "quantite en stock"),
               required=True),
    )  # fmt: skip

    def clean(self, values: dict, *, decimal_comma: bool) -> StockLine:
        raw = values.get("quantity")
        try:
            if isinstance(raw, str) and raw.isascii() and raw.lstrip("+-").isdigit() and len(raw) < 20:
                quantity = int(raw)  # the common case, without the number parser
            else:
                quantity = parse_decimal(raw, decimal_comma=decimal_comma)
        except ValueError:
            raise RowError(_("“%(value)s” is not a whole number of units.") % {"value": raw}, field="quantity")
        # The sign is checked by the writer, which knows whether the feed is a full stock or changes.
        return stock_line(code=values.get("code", ""), quantity=quantity)

    def unique_keys(self, line: StockLine):
        return [("code", ("code", line.code))]

    def stage(self, line: StockLine) -> list:
        return [line.code, line.quantity]

    def writer(self, job) -> StockFeedWriter:
        return StockFeedWriter(shop=job.shop, mode=feed_mode(job), actor=job.created_by)

    def preview_counts(self, job, keys) -> dict:
        """For the preview page: codes no offer of the shop has, and (full stock) offers the file leaves out."""
        codes = {code for _field, code in keys}
        known: set[str] = set()
        listed = 0
        offers = Offer.objects.filter(shop=job.shop).exclude(status=OfferStatus.ARCHIVED)
        for gtin, reference, model, unlimited, on_hand in offers.values_list(
            "product__gtin", "product__supplier_reference", "product__model_code", "unlimited_stock", "stock_on_hand"
        ):
            named = {gtin, reference, model} & codes
            known |= named
            if not named and not unlimited and on_hand > 0:
                listed += 1
        counts = {"unknown": len(codes - known)}
        if feed_mode(job) == FeedMode.SNAPSHOT:
            counts["to_zero"] = listed if known else 0
        return counts

    def finish(self, job, writer: StockFeedWriter, keys) -> dict:
        writer.zero_absent()
        return dict(writer.counts)


KINDS[StockKind.key] = StockKind()


def feed_mode(job) -> FeedMode:
    return FeedMode(job.options.get("mode") or FeedMode.SNAPSHOT)


def lines_to_csv(lines) -> bytes:
    """An API push kept as the csv file a till would upload, so that its job, history and report are the same.

    ``lines`` are ``{"code", "quantity"}`` mappings; values are written as given and checked when the job runs."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(JSON_HEADINGS)
    for line in lines:
        writer.writerow([_cell(line.get("code")), _cell(line.get("quantity"))])
    return buffer.getvalue().encode("utf-8")


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return repr(value)
    return str(value).replace("\r", " ").replace("\n", " ")


def stock_feed_submit(*, shop, mode: str, data: bytes, name: str, actor=None, token=None) -> ImportJob:
    """Keep a shop's feed file and queue its import (no preview): a full stock or changes, whatever lines are
    valid applied in one transaction, the others reported. ``actor`` is the staff user who sends it (checked by
    ``import_job_create``), or None for a shop's own key (``token``, already authenticated to that shop)."""
    from .jobs import import_job_create

    if mode not in FeedMode.values:
        raise DomainError(
            _("Choose the mode: “snapshot” (the full stock) or “delta” (changes)."), code="invalid_mode", field="mode"
        )
    options = {"mode": mode, "valid_rows_only": True}
    if token is not None:
        options.update(key=token.prefix, key_name=token.name)
    with transaction.atomic():
        job = import_job_create(
            kind=StockKind.key,
            organisation=shop.organisation,
            actor=actor,
            name=name or f"stock-{timezone.localtime():%Y%m%d-%H%M%S}.csv",
            data=data,
            shop=shop,
            options=options,
            preview=False,
        )
        job.status = ImportStatus.QUEUED
        job.save(update_fields=["status"])
        transaction.on_commit(lambda: async_task("imports.jobs.job_import_direct_task", job.pk, group="imports"))
    return job
