"""A supplier's catalogue written in bulk: thousands of price-list lines upserted batch by batch.

Each line passes the rules of ``offer_validate`` and ``product_validate`` that concern it (VAT rates, prices,
EAN check digits) in ``catalogue_line``; a batch is then written with a fixed number of queries whatever its
size (one read of the products, one of their offers, bulk inserts and updates), never one per line. Lines are
keyed on the supplier reference, or on the EAN when the file has no reference. Offers whose product was created
or renamed are refreshed in the search index afterwards (``offers_reindex``), outside the import.
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pivot_site.validators import normalise_identifier, validate_gtin

from .choices import OfferStatus
from .exceptions import InvalidOffer
from .models import Offer, Producer, Product, ProductCategory
from .search import fold
from .services import check_price, check_vat_rate, offer_prices, product_category_save

MAX_CASE_SIZE = 100_000
CHUNK = 500  # ids per IN (...) list: well under SQLite's limit on query parameters
PRODUCT_FIELDS = ("name", "gtin", "brand", "provenance", "category_id")
OFFER_FIELDS = ("price_excl_tax", "vat_rate", "case_size", "status", "listed")


@dataclass(frozen=True, slots=True)
class CatalogueLine:
    reference: str
    gtin: str
    name: str
    price_excl_tax: Decimal
    vat_rate: Decimal
    case_size: int = 1
    brand: str = ""
    provenance: str = ""
    category: str = ""

    @property
    def key(self) -> tuple[str, str]:
        return ("ref", self.reference) if self.reference else ("gtin", self.gtin)


def _text(value, *, limit: int, field: str, label) -> str:
    value = str(value or "").strip()
    if len(value) > limit:
        raise InvalidOffer(_("%(label)s: at most %(max)s characters.") % {"label": label, "max": limit}, field=field)
    return value


def line_identity(*, reference, gtin, name, key: str) -> tuple[str, str, str]:
    """A bulk line's supplier reference, EAN (check digit verified) and name, stripped. One of the reference and
    the EAN is needed: ``key`` says which one a file is keyed on first, for the message and the field at fault."""
    reference = _text(reference, limit=60, field="supplier_reference", label=gettext_lazy("Supplier reference"))
    gtin = normalise_identifier(str(gtin or ""))
    if gtin:
        try:
            validate_gtin(gtin)
        except ValidationError as error:
            raise InvalidOffer(error.messages[0], field="gtin")
    if not reference and not gtin:
        message = (
            _("Give the supplier reference or the EAN.")
            if key == "supplier_reference"
            else _("Give the EAN or the supplier reference.")
        )
        raise InvalidOffer(message, field=key)
    name = _text(name, limit=200, field="name", label=gettext_lazy("Name"))
    if not name:
        raise InvalidOffer(_("Give the product's name."), field="name")
    return reference, gtin, name


def catalogue_line(
    *,
    reference="",
    gtin="",
    name="",
    price_excl_tax: Decimal | None = None,
    price_incl_tax: Decimal | None = None,
    vat_rate: Decimal | None = None,
    case_size=None,
    brand="",
    provenance="",
    category="",
) -> CatalogueLine:
    """One checked line of a supplier's price list; ``InvalidOffer`` names the field at fault."""
    reference, gtin, name = line_identity(reference=reference, gtin=gtin, name=name, key="supplier_reference")
    vat_rate = settings.PIVOT_DEFAULT_VAT_RATE if vat_rate is None else Decimal(str(vat_rate))
    price_excl_tax = None if price_excl_tax is None else Decimal(str(price_excl_tax))
    price_incl_tax = None if price_incl_tax is None else Decimal(str(price_incl_tax))
    if Decimal(0) < vat_rate < 1:
        vat_rate *= 100  # 0.055 in a percent-formatted cell is 5.5 %
    vat_rate = vat_rate.quantize(Decimal("0.01"))
    check_vat_rate(vat_rate)
    if price_excl_tax is None and price_incl_tax is None:
        raise InvalidOffer(_("Give the price excluding or including tax."), field="price_excl_tax")
    for value, price_field in ((price_excl_tax, "price_excl_tax"), (price_incl_tax, "price_incl_tax")):
        if value is not None:
            check_price(value, field=price_field)
    price_excl_tax, _incl = offer_prices(
        price_excl_tax=price_excl_tax, price_incl_tax_value=price_incl_tax, vat_rate=vat_rate
    )
    if case_size in (None, ""):
        case_size = 1
    if isinstance(case_size, Decimal) and case_size == case_size.to_integral_value():
        case_size = int(case_size)
    if not isinstance(case_size, int) or isinstance(case_size, bool) or not 1 <= case_size <= MAX_CASE_SIZE:
        raise InvalidOffer(
            _("The case size is a whole number from 1 to %(max)s.") % {"max": f"{MAX_CASE_SIZE:,}".replace(",", " ")},
            field="case_size",
        )
    return CatalogueLine(
        reference=reference,
        gtin=gtin,
        name=name,
        price_excl_tax=price_excl_tax,
        vat_rate=vat_rate,
        case_size=case_size,
        brand=_text(brand, limit=100, field="brand", label=gettext_lazy("Brand")),
        provenance=_text(provenance, limit=200, field="provenance", label=gettext_lazy("Origin")),
        category=_text(category, limit=120, field="category", label=gettext_lazy("Category")),
    )


@dataclass
class CatalogueResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    # Index in the batch → message, for lines the database would refuse (an EAN another product has).
    refused: dict[int, str] = field(default_factory=dict)
    # Offers to refresh in the search index: new ones and those of renamed or recategorised products.
    reindex_ids: list[int] = field(default_factory=list)


class CatalogueWriter:
    """Writes one supplier's lines for an organisation and a shop, batch after batch, inside the caller's
    transaction. Categories are found by name (the organisation's, then the shared tree) and created when
    missing; lines without a category go to "To be sorted"."""

    def __init__(self, *, organisation, supplier: Producer, shop=None, publish_new: bool = True, actor=None):
        self.organisation, self.supplier, self.shop, self.actor = organisation, supplier, shop, actor
        self.new_status = OfferStatus.PUBLISHED if publish_new else OfferStatus.DRAFT
        self.listable = organisation.active and (shop is None or shop.active)
        categories = ProductCategory.objects.filter(
            Q(organisation=organisation) | Q(organisation__isnull=True)
        ).values_list("pk", "name", "organisation_id")
        self.categories: dict[str, int] = {}
        self.by_name: dict[str, int] = {}
        # The organisation's own category wins over a shared one of the same name.
        for pk, name, _organisation in sorted(categories, key=lambda row: row[2] is not None):
            self.categories[fold(name)] = pk

    def category_id(self, name: str) -> int:
        if name in self.by_name:  # a file has a few categories for thousands of lines: fold each name once
            return self.by_name[name]
        shown = name or str(_("To be sorted"))
        folded = fold(shown)
        if folded not in self.categories:
            category = product_category_save(
                category=ProductCategory(organisation=self.organisation, name=shown), actor=self.actor
            )
            self.categories[folded] = category.pk
        self.by_name[name] = self.categories[folded]
        return self.by_name[name]

    def _existing_products(self, lines):
        """The products these lines name, as dicts: by supplier reference and by EAN (one query).

        The conditions are those the indexes answer, whatever the database's statistics: the reference alone
        (the supplier is checked here; with it, SQLite would walk all of the supplier's products for each
        batch), the EAN with the terms of the partial unique index on (organisation, EAN)."""
        refs = [line.reference for line in lines if line.reference]
        gtins = [line.gtin for line in lines if line.gtin]
        by_ref, by_gtin = {}, {}
        condition = Q()
        if refs:
            condition |= Q(supplier_reference__any_of=refs)
        if gtins:
            condition |= Q(organisation=self.organisation) & ~Q(gtin="") & Q(gtin__any_of=gtins)
        if condition:
            with server_side_binding():
                products = list(
                    Product.objects.filter(condition)
                    .order_by()
                    .values("pk", "producer_id", "supplier_reference", "organisation_id", *PRODUCT_FIELDS)
                )
            for product in products:
                if product["producer_id"] == self.supplier.pk and product["supplier_reference"]:
                    by_ref[product["supplier_reference"]] = product
                if product["gtin"] and product["organisation_id"] == self.organisation.pk:
                    by_gtin[product["gtin"]] = product
        return by_ref, by_gtin

    def write(self, lines: list[CatalogueLine]) -> CatalogueResult:
        result = CatalogueResult()
        by_ref, by_gtin = self._existing_products(lines)
        matched: list[dict | None] = []
        for index, line in enumerate(lines):
            product = by_ref.get(line.reference) if line.reference else by_gtin.get(line.gtin)
            holder = by_gtin.get(line.gtin) if line.gtin else None
            if holder is not None and holder is not product:
                result.refused[index] = _("The EAN %(gtin)s is already that of “%(name)s”.") % {
                    "gtin": line.gtin,
                    "name": holder["name"],
                }
            matched.append(product)
        offers = {}
        known = [product["pk"] for product in matched if product is not None]
        if known:
            with server_side_binding():  # by product only, the index SQLite would not otherwise choose
                rows = list(
                    Offer.objects.filter(product_id__any_of=known)
                    .order_by("-created_at", "-pk")  # the newest offer of a product, as the default ordering
                    .values("pk", "product_id", "organisation_id", "shop_id", *OFFER_FIELDS)
                )
            shop_id = getattr(self.shop, "pk", None)
            for offer in rows:
                if offer["organisation_id"] == self.organisation.pk and offer["shop_id"] == shop_id:
                    offers.setdefault(offer["product_id"], offer)
        now = timezone.now()
        new_products, changed_products, new_offers, changed_offers = [], [], [], []
        recategorised: dict[int, list[int]] = {}
        renamed: list[int] = []
        for index, (line, product) in enumerate(zip(lines, matched)):
            if index in result.refused:
                continue
            category_id = self.category_id(line.category) if line.category or product is None else None
            values = {"name": line.name, "gtin": line.gtin, "brand": line.brand, "provenance": line.provenance}
            if category_id is not None:
                values["category_id"] = category_id
            if product is None:
                new_products.append(
                    (index, {"organisation_id": self.organisation.pk, "producer_id": self.supplier.pk,
                             "supplier_reference": line.reference, **values})
                )  # fmt: skip
                result.created += 1
                continue
            product_changed = [name for name, value in values.items() if product[name] != value]
            if product_changed:
                if "category_id" in product_changed:
                    recategorised.setdefault(values["category_id"], []).append(product["pk"])
                if {"name", "brand", "category_id"} & set(product_changed):
                    renamed.append(product["pk"])
                product.update(values, updated_at=now)
                changed_products.append(product)
            offer = offers.get(product["pk"])
            if offer is None:
                new_offers.append(self._new_offer(line, product))
                result.updated += 1
                continue
            offer_values = {
                "price_excl_tax": line.price_excl_tax,
                "vat_rate": line.vat_rate,
                "case_size": line.case_size,
            }
            if offer["status"] == OfferStatus.ARCHIVED:  # back in the supplier's list
                offer_values.update(status=self.new_status, listed=self._listed(self.new_status))
            if any(offer[name] != value for name, value in offer_values.items()):
                offer.update(offer_values, updated_at=now)
                changed_offers.append(offer)
                result.updated += 1
            elif product_changed:
                result.updated += 1
            else:
                result.unchanged += 1

        if new_products:
            rows = [product for _index, product in new_products]
            for product, pk in zip(rows, insert_rows(Product, rows, now=now)):
                product["pk"] = pk
            new_offers.extend(self._new_offer(lines[index], product) for index, product in new_products)
        if changed_products:
            update_rows(Product, changed_products, [*PRODUCT_FIELDS, "updated_at"])
        for category_id, product_ids in recategorised.items():
            for chunk in _slices(product_ids, CHUNK):
                Offer.objects.filter(product_id__in=chunk).update(category_id=category_id)
        if new_offers:
            result.reindex_ids.extend(insert_rows(Offer, new_offers, now=now))
        if changed_offers:
            update_rows(Offer, changed_offers, [*OFFER_FIELDS, "updated_at"])
        if renamed:
            for chunk in _slices(renamed, CHUNK):
                result.reindex_ids.extend(Offer.objects.filter(product_id__in=chunk).values_list("pk", flat=True))
        return result

    def _listed(self, status) -> bool:
        return status == OfferStatus.PUBLISHED and self.listable

    def _new_offer(self, line: CatalogueLine, product: dict) -> dict:
        return {
            "organisation_id": self.organisation.pk,
            "shop_id": getattr(self.shop, "pk", None),
            "product_id": product["pk"],
            "category_id": product["category_id"],
            "price_excl_tax": line.price_excl_tax,
            "vat_rate": line.vat_rate,
            "case_size": line.case_size,
            # A wholesaler delivers whatever is ordered; a producer's stock comes from its own feed.
            "unlimited_stock": self.supplier.is_wholesaler,
            "status": self.new_status,
            "listed": self._listed(self.new_status),
        }


def catalogue_offers_missing(*, organisation, supplier: Producer, shop=None, keys) -> list[int]:
    """Ids of the supplier's offers still on sale whose product is not among ``keys`` (``CatalogueLine.key``)."""
    keys = set(keys)
    rows = (
        Offer.objects.filter(organisation=organisation, shop=shop, product__producer=supplier)
        .exclude(status=OfferStatus.ARCHIVED)
        .values_list("pk", "product__supplier_reference", "product__gtin")
    )
    return [
        pk
        for pk, reference, gtin in rows
        if ("ref", reference) not in keys and ("gtin", gtin) not in keys and (reference or gtin)
    ]


def offers_archive(*, offer_ids) -> int:
    """Archive offers in bulk (a supplier dropped them): no longer listed, kept for past orders."""
    count = 0
    for chunk in _slices(list(offer_ids), CHUNK):
        count += Offer.objects.filter(pk__in=chunk).update(
            status=OfferStatus.ARCHIVED, listed=False, updated_at=timezone.now()
        )
    return count


BATCH_ROWS = 5000  # rows per statement on PostgreSQL (one array parameter per column)
MAX_PARAMETERS = 30_000  # per statement: under PostgreSQL's 65,535 and SQLite's 250,000 (32,766 before 3.32)


# Values the database drivers take as they are (psycopg natively, sqlite3 through Django's adapters), so that
# 100,000 rows skip Field.get_db_prep_save; other types go through it.
PLAIN_TYPES = {"CharField", "TextField", "BooleanField", "IntegerField", "PositiveIntegerField", "BigAutoField",
               "ForeignKey", "PositiveSmallIntegerField", "DecimalField"}  # fmt: skip


def _preparer(field):
    """None for values passed as they are, else a function preparing them (remembering the last value: the
    timestamps of a batch are all the same)."""
    if field.get_internal_type() in PLAIN_TYPES:
        return None
    last = [object(), None]

    def prepare(value):
        if value is not last[0]:
            last[0], last[1] = value, field.get_db_prep_save(value, connection)
        return last[1]

    return prepare


@contextmanager
def server_side_binding():
    """On PostgreSQL, the ORM's queries inside bind their parameters on the server: a lookup of 2,000 references
    sends them beside the query instead of quoting each into its text (Django's default, client-side binding)."""
    if connection.vendor != "postgresql":
        yield
        return
    from django.db.backends.postgresql.base import ServerBindingCursor

    connection.ensure_connection()
    raw = connection.connection
    previous, raw.cursor_factory = raw.cursor_factory, ServerBindingCursor
    try:
        yield
    finally:
        raw.cursor_factory = previous


@contextmanager
def _bulk_cursor():
    """On PostgreSQL, a cursor binding parameters on the server: a batch's arrays travel in binary beside a short
    query, instead of being quoted into its text by Django's default (client-side binding) cursor, which cost
    more than the database's own work. Wrapped like Django's cursors, so that queries are logged and counted."""
    if connection.vendor != "postgresql":
        with connection.cursor() as cursor:
            yield cursor
        return
    from django.db.backends.postgresql.base import ServerBindingCursor

    connection.ensure_connection()
    with connection._prepare_cursor(ServerBindingCursor(connection.connection)) as cursor:
        yield cursor


def _placeholders(fields) -> str:
    return "(" + ", ".join("%s" for _field in fields) + ")"


def insert_rows(model, rows: list[dict], *, now=None, ignore_conflicts: bool = False) -> list[int]:
    """INSERT rows (dicts of attribute names) in a few statements, with the fields' defaults and ``now`` for
    auto timestamps; returns the new primary keys in order (none with ``ignore_conflicts``, which skips the rows
    a unique constraint refuses). Sends no signal, like ``bulk_create``, and skips the
    model instances and SQL compiler that make ``bulk_create`` cost more than the database's own work here.
    PostgreSQL gets one array per column (``unnest``), SQLite multi-row VALUES."""
    quote = connection.ops.quote_name
    fields = [f for f in model._meta.concrete_fields if not f.primary_key and not f.generated]
    defaults = {}
    for column in fields:
        if getattr(column, "auto_now", False) or getattr(column, "auto_now_add", False):
            defaults[column.attname] = now
        elif not (column.has_default() and callable(column.default)):
            defaults[column.attname] = column.get_default()  # "" for text, None when nullable
    missing = [f.attname for f in fields if f.attname not in defaults and any(f.attname not in row for row in rows)]
    if missing:
        raise ValueError(f"insert_rows: no value nor default for {missing}")
    preparers = [(field.attname, _preparer(field), defaults.get(field.attname)) for field in fields]
    postgresql = connection.vendor == "postgresql"
    columns = ", ".join(quote(field.column) for field in fields)
    table = quote(model._meta.db_table)
    returning = "ON CONFLICT DO NOTHING" if ignore_conflicts else f"RETURNING {quote(model._meta.pk.column)}"
    pks: list[int] = []
    with _bulk_cursor() as cursor:
        if postgresql:
            # One array per column, sent in binary.
            arrays = ", ".join(f"%b::{field.db_type(connection)}[]" for field in fields)
            for chunk in _slices(rows, BATCH_ROWS):
                params = [
                    [_value(row, attname, prepare, default) for row in chunk] for attname, prepare, default in preparers
                ]
                cursor.execute(f"INSERT INTO {table} ({columns}) SELECT * FROM unnest({arrays}) {returning}", params)
                if not ignore_conflicts:
                    pks.extend(pk for (pk,) in cursor.fetchall())
            return pks
        row_sql = _placeholders(fields)
        for chunk in _slices(rows, max(1, MAX_PARAMETERS // len(fields))):
            params = [
                _value(row, attname, prepare, default) for row in chunk for attname, prepare, default in preparers
            ]
            cursor.execute(
                f"INSERT INTO {table} ({columns}) VALUES {', '.join([row_sql] * len(chunk))} {returning}", params
            )
            if not ignore_conflicts:
                pks.extend(pk for (pk,) in cursor.fetchall())
    return pks


def _value(row, attname, prepare, default=None):
    value = row.get(attname, default)
    return prepare(value) if prepare else value


def _slices(rows, size):
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


def update_rows(model, rows: list[dict], field_names) -> None:
    """``bulk_update`` of dicts (``pk`` and attribute names) joined to the table (``UPDATE … FROM unnest(…)`` on
    PostgreSQL, ``FROM (VALUES …)`` on SQLite ≥ 3.33), instead of the CASE per field and row that Django builds
    and the database evaluates in time growing with rows × fields."""
    fields = [model._meta.get_field(name) for name in field_names]
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    postgresql = connection.vendor == "postgresql"
    pk = model._meta.pk
    typed = [pk, *fields]
    preparers = [(field.attname, _preparer(field)) for field in fields]
    with _bulk_cursor() as cursor:
        if postgresql:
            names = ["id", *(f"c{index}" for index in range(len(fields)))]
            arrays = ", ".join(f"%b::{field.db_type(connection)}[]" for field in typed)
            assignments = ", ".join(f"{quote(field.column)} = v.{name}" for field, name in zip(fields, names[1:]))
            for chunk in _slices(rows, BATCH_ROWS):
                params = [[row["pk"] for row in chunk]]
                params += [[_value(row, attname, prepare) for row in chunk] for attname, prepare in preparers]
                cursor.execute(
                    f"UPDATE {table} SET {assignments} FROM unnest({arrays}) AS v({', '.join(names)}) "
                    f"WHERE {table}.{quote(pk.column)} = v.id",
                    params,
                )
            return
        names = [f"column{index + 1}" for index in range(len(typed))]
        assignments = ", ".join(f"{quote(field.column)} = v.{name}" for field, name in zip(fields, names[1:]))
        row_sql = _placeholders(typed)
        for chunk in _slices(rows, max(1, MAX_PARAMETERS // len(typed))):
            params = []
            for row in chunk:
                params.append(row["pk"])
                params.extend(_value(row, attname, prepare) for attname, prepare in preparers)
            cursor.execute(
                f"UPDATE {table} SET {assignments} FROM (VALUES {', '.join([row_sql] * len(chunk))}) AS v "
                f"WHERE {table}.{quote(pk.column)} = v.{names[0]}",
                params,
            )
