"""A shop network's reference catalogue: the platform's shared products (no organisation), written in bulk.

The network's head office sends one file for all its shops: supplier references, EANs, model, size, colour,
material, maker, its department / family / sub-family nomenclature and recommended prices. Each line becomes a
shared product, keyed on its EAN (or, without one, on its supplier reference); the nomenclature becomes the
shared category tree. Shops sell these products through their own offers (stock feeds, orders routed between
shops). ``reference_csv_rows`` gives the catalogue back in the same layout, for the shops' point-of-sale software.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .bulk import (
    CHUNK,
    CatalogueResult,
    _slices,
    _text,
    insert_rows,
    line_identity,
    server_side_binding,
    update_rows,
)
from .exceptions import InvalidOffer
from .models import Offer, Product, ProductCategory
from .search import fold
from .services import product_category_save

MAX_RECOMMENDED_PRICE = Decimal("99999999.99")  # the column's 10 digits, 2 decimals
REFERENCE_FIELDS = ("name", "gtin", "supplier_reference", "model_code", "size", "colour", "material", "brand",
                    "category_id", "recommended_price")  # fmt: skip
# The file's layout, heading by heading: the import recognises these headings and the export writes them, so a
# shop's point-of-sale software reads the same columns whatever the language of the admin.
LAYOUT = (
    ("supplier_reference", "Référence fournisseur"),
    ("gtin", "EAN"),
    ("name", "Désignation"),
    ("model_code", "Modèle"),
    ("size", "Taille"),
    ("colour", "Couleur"),
    ("material", "Matière"),
    ("brand", "Fabricant"),
    ("department", "Rayon"),
    ("family", "Famille"),
    ("sub_family", "Sous-famille"),
    ("recommended_price", "Prix conseillé TTC"),
)


@dataclass(frozen=True, slots=True)
class ReferenceLine:
    reference: str
    gtin: str
    name: str
    model_code: str = ""
    size: str = ""
    colour: str = ""
    material: str = ""
    brand: str = ""
    department: str = ""
    family: str = ""
    sub_family: str = ""
    recommended_price: Decimal | None = None

    @property
    def key(self) -> tuple[str, str]:
        return ("gtin", self.gtin) if self.gtin else ("ref", self.reference)

    @property
    def nomenclature(self) -> tuple[str, ...]:
        return tuple(level for level in (self.department, self.family, self.sub_family) if level)


def reference_line(
    *,
    reference="",
    gtin="",
    name="",
    model_code="",
    size="",
    colour="",
    material="",
    brand="",
    department="",
    family="",
    sub_family="",
    recommended_price=None,
) -> ReferenceLine:
    """One checked line of the reference file; ``InvalidOffer`` names the field at fault."""
    reference, gtin, name = line_identity(reference=reference, gtin=gtin, name=name, key="gtin")
    levels = {
        key: _text(value, limit=120, field=key, label=label)
        for key, value, label in (
            ("department", department, gettext_lazy("Department")),
            ("family", family, gettext_lazy("Family")),
            ("sub_family", sub_family, gettext_lazy("Sub-family")),
        )
    }
    if levels["sub_family"] and not levels["family"]:
        raise InvalidOffer(_("A sub-family needs its family."), field="family")
    if levels["family"] and not levels["department"]:
        raise InvalidOffer(_("A family needs its department."), field="department")
    if recommended_price in ("", None):
        recommended_price = None
    else:
        try:
            recommended_price = Decimal(str(recommended_price))
        except InvalidOperation:
            raise InvalidOffer(
                _("“%(value)s” is not a number.") % {"value": recommended_price}, field="recommended_price"
            )
        if not recommended_price.is_finite() or recommended_price < 0:
            raise InvalidOffer(_("A price cannot be negative."), field="recommended_price")
        if recommended_price > MAX_RECOMMENDED_PRICE:
            raise InvalidOffer(_("This price is too high."), field="recommended_price")
        recommended_price = recommended_price.quantize(Decimal("0.01"))
    return ReferenceLine(
        reference=reference,
        gtin=gtin,
        name=name,
        model_code=_text(model_code, limit=100, field="model_code", label=gettext_lazy("Model")),
        size=_text(size, limit=30, field="size", label=gettext_lazy("Size")),
        colour=_text(colour, limit=50, field="colour", label=gettext_lazy("Colour")),
        material=_text(material, limit=100, field="material", label=gettext_lazy("Material")),
        brand=_text(brand, limit=100, field="brand", label=gettext_lazy("Maker")),
        recommended_price=recommended_price,
        **levels,
    )


class SharedCategories:
    """The shared category tree by folded path, creating the nomenclature's missing levels as they come."""

    def __init__(self, *, actor=None):
        self.actor = actor
        rows = ProductCategory.objects.filter(organisation__isnull=True).values_list("pk", "parent_id", "name")
        names = {pk: (parent_id, fold(name)) for pk, parent_id, name in rows}
        self.by_path: dict[tuple[str, ...], int] = {}
        self.by_levels: dict[tuple[str, ...], int] = {}  # the levels as written in the file
        self.paths: dict[int, tuple[str, ...]] = {}  # pk → the names as written, root first
        written = {pk: name for pk, _parent, name in rows}
        for pk in names:
            folded, shown, current = [], [], pk
            while current is not None and current in names:
                parent_id, name = names[current]
                folded.insert(0, name)
                shown.insert(0, written[current])
                current = parent_id
            self.by_path.setdefault(tuple(folded), pk)
            self.paths[pk] = tuple(shown)

    def category_id(self, levels: tuple[str, ...]) -> int:
        if levels in self.by_levels:
            return self.by_levels[levels]
        self.by_levels[levels] = self._find_or_create(levels or (str(_("To be sorted")),))
        return self.by_levels[levels]

    def _find_or_create(self, levels: tuple[str, ...]) -> int:
        parent_id = None
        for depth in range(1, len(levels) + 1):
            path = tuple(fold(name) for name in levels[:depth])
            if path not in self.by_path:
                category = product_category_save(
                    category=ProductCategory(organisation=None, parent_id=parent_id, name=levels[depth - 1]),
                    actor=self.actor,
                )
                self.by_path[path] = category.pk
                self.paths[category.pk] = tuple(levels[:depth])
            parent_id = self.by_path[path]
        return parent_id


class ReferenceWriter:
    """Writes the reference file's lines as shared products, batch after batch, inside the caller's transaction;
    a fixed number of queries per batch whatever its size."""

    def __init__(self, *, actor=None):
        self.categories = SharedCategories(actor=actor)

    def _existing(self, lines):
        gtins = [line.gtin for line in lines if line.gtin]
        refs = [line.reference for line in lines if not line.gtin]
        condition = Q()
        if gtins:  # the terms of the partial unique index on the shared products' EAN
            condition |= ~Q(gtin="") & Q(gtin__any_of=gtins)
        if refs:
            condition |= Q(supplier_reference__any_of=refs)
        by_gtin, by_ref = {}, {}
        if condition:
            with server_side_binding():
                products = list(
                    Product.objects.filter(condition, organisation__isnull=True)
                    .order_by()
                    .values("pk", *REFERENCE_FIELDS)
                )
            for product in products:
                if product["gtin"]:
                    by_gtin[product["gtin"]] = product
                if product["supplier_reference"]:
                    by_ref.setdefault(product["supplier_reference"], []).append(product)
        return by_gtin, by_ref

    def write(self, lines: list[ReferenceLine]) -> CatalogueResult:
        result = CatalogueResult()
        by_gtin, by_ref = self._existing(lines)
        now = timezone.now()
        new, changed, renamed = [], [], []
        recategorised: dict[int, list[int]] = {}
        for index, line in enumerate(lines):
            if line.gtin:
                product = by_gtin.get(line.gtin)
            else:
                named = by_ref.get(line.reference, [])
                if len(named) > 1:
                    result.refused[index] = _(
                        "Several products have the reference %(reference)s: give the EAN of this one."
                    ) % {"reference": line.reference}
                    continue
                product = named[0] if named else None
            values = {
                "name": line.name,
                "gtin": line.gtin,
                "supplier_reference": line.reference,
                "model_code": line.model_code,
                "size": line.size,
                "colour": line.colour,
                "material": line.material,
                "brand": line.brand,
                "category_id": self.categories.category_id(line.nomenclature),
                "recommended_price": line.recommended_price,
            }
            if product is not None and not line.gtin:
                values["gtin"] = product["gtin"]  # a line without its EAN keeps the one the product has
            if product is None:
                new.append({"organisation_id": None, "producer_id": None, **values})
                result.created += 1
                continue
            differs = {name for name, value in values.items() if product[name] != value}
            if not differs:
                result.unchanged += 1
                continue
            if "category_id" in differs:
                recategorised.setdefault(values["category_id"], []).append(product["pk"])
            if differs & {"name", "brand", "model_code", "category_id"}:
                renamed.append(product["pk"])
            product.update(values, updated_at=now)
            changed.append(product)
            result.updated += 1
        if new:
            insert_rows(Product, new, now=now)
        if changed:
            update_rows(Product, changed, [*REFERENCE_FIELDS, "updated_at"])
        for category_id, product_ids in recategorised.items():
            for chunk in _slices(product_ids, CHUNK):
                Offer.objects.filter(product_id__in=chunk).update(category_id=category_id)
        for chunk in _slices(renamed, CHUNK):
            result.reindex_ids.extend(Offer.objects.filter(product_id__in=chunk).values_list("pk", flat=True))
        return result


def _price_cell(value: Decimal | None) -> str:
    return "" if value is None else f"{value:.2f}".replace(".", ",")


def reference_csv_rows():
    """The reference catalogue as rows of text in ``LAYOUT`` (headings first, decimal comma), streamed."""
    yield [heading for _key, heading in LAYOUT]
    paths = SharedCategories().paths
    products = (
        Product.objects.filter(organisation__isnull=True)
        .order_by("pk")
        .values_list("supplier_reference", "gtin", "name", "model_code", "size", "colour", "material", "brand",
                     "category_id", "recommended_price")
    )  # fmt: skip
    for *texts, category_id, price in products.iterator(chunk_size=2000):
        levels = (*paths.get(category_id, ()), "", "", "")[:3]
        yield [*texts, *levels, _price_cell(price)]
