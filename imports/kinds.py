"""The bulk imports: what each kind of file feeds, how a row is read, and which service writes it.

A kind turns a row (PIVOT field → cell) into a checked line with the service's rules, names the keys that must
be unique within a file, and hands batches of lines to its writer. The job pipeline (``imports.jobs``) does the
rest the same way for every kind: reading, mapping, preview, background run, progress and reports.
"""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from offers.bulk import CatalogueLine, CatalogueWriter, catalogue_line, catalogue_offers_missing, offers_archive
from offers.reference import ReferenceLine, ReferenceWriter, reference_line
from pivot_site.exceptions import DomainError

from .mapping import Target
from .readers import parse_decimal


class RowError(Exception):
    """A cell that cannot be read; ``field`` is the PIVOT field (its column is found through the mapping)."""

    def __init__(self, message, *, field=""):
        super().__init__(message)
        self.message, self.field = str(message), field


def decimal_cell(values, key, *, decimal_comma: bool) -> Decimal | None:
    try:
        return parse_decimal(values.get(key), decimal_comma=decimal_comma)
    except ValueError:
        raise RowError(_("“%(value)s” is not a number.") % {"value": values.get(key)}, field=key)


class BulkKind:
    key = ""
    label = ""
    targets: tuple[Target, ...] = ()
    needs_supplier = False
    needs_shop = False
    # Writes the platform's shared data: platform admins and animators only, in no organisation.
    platform = False

    def check_owners(self, *, organisation_id, supplier=None, shop=None) -> None:
        """Whose file this is: nobody's for a platform kind; else one organisation's, with the supplier and the shop
        the kind needs, both of that organisation. ``DomainError`` names the field at fault."""
        if self.platform and organisation_id is not None:
            raise DomainError(
                _("The reference catalogue is shared by the whole platform: import it outside any organisation."),
                code="platform_import",
                field="organisation",
            )
        if self.needs_supplier and (supplier is None or supplier.organisation_id != organisation_id):
            raise DomainError(_("Choose the supplier of this file."), code="supplier_required", field="supplier")
        if self.needs_shop and shop is None:
            raise DomainError(_("Choose the shop of this stock."), code="shop_required", field="shop")
        if shop is not None and shop.organisation_id != organisation_id:
            raise DomainError(_("This shop belongs to another organisation."), code="wrong_shop", field="shop")

    def clean(self, values: dict, *, decimal_comma: bool):
        raise NotImplementedError

    def unique_keys(self, line) -> list[tuple[str, object]]:
        """(field, value) pairs that no two lines of a file may share."""
        return []

    def stage(self, line) -> list:
        """The line's values as text cells, for the error report of a line the database refused."""
        raise NotImplementedError

    def writer(self, job):
        raise NotImplementedError

    def preview_counts(self, job, keys) -> dict:
        return {}

    def finish(self, job, writer, keys) -> dict:
        return {}


class CatalogueKind(BulkKind):
    """A supplier's price list (group buying): products and offers keyed on the supplier reference or EAN."""

    key = "catalogue"
    label = gettext_lazy("Supplier catalogue")
    needs_supplier = True
    targets = (
        Target("supplier_reference", gettext_lazy("Supplier reference"),
               ("ref", "reference", "ref fournisseur", "reference fournisseur", "code article", "code produit",
                "ref article", "article", "code", "sku", "item code", "supplier reference", "supplier ref")),
        Target("gtin", gettext_lazy("EAN / GTIN"),
               ("ean", "ean13", "gtin", "code barre", "code barres", "code ean", "barcode")),
        Target("name", gettext_lazy("Name"),
               ("designation", "libelle", "libelle article", "nom", "nom du produit", "produit", "description",
                "name", "product", "product name"), required=True),
        Target("price_excl_tax", gettext_lazy("Price excl. tax"),
               ("prix ht", "pu ht", "prix unitaire ht", "tarif ht", "prix achat ht", "prix", "tarif",
                "price", "unit price", "price excl tax", "net price")),
        Target("price_incl_tax", gettext_lazy("Price incl. tax"),
               ("prix ttc", "pu ttc", "prix unitaire ttc", "tarif ttc", "prix de vente ttc", "price incl tax")),
        Target("vat_rate", gettext_lazy("VAT rate"), ("tva", "taux tva", "taux de tva", "tx tva", "vat", "vat rate")),
        Target("case_size", gettext_lazy("Case size"),
               ("colisage", "conditionnement", "pcb", "colis", "qte par colis", "unites par colis", "case size",
                "pack size", "case")),
        Target("brand", gettext_lazy("Brand"), ("marque", "brand", "fabricant")),
        Target("provenance", gettext_lazy("Origin"), ("origine", "pays d origine", "provenance", "origin", "country")),
        Target("category", gettext_lazy("Category"),
               ("categorie", "famille", "rayon", "category", "family", "sous famille")),
    )  # fmt: skip

    def clean(self, values: dict, *, decimal_comma: bool) -> CatalogueLine:
        numbers = {
            key: decimal_cell(values, key, decimal_comma=decimal_comma)
            for key in ("price_excl_tax", "price_incl_tax", "vat_rate", "case_size")
        }
        if numbers["vat_rate"] is None and str(values.get("vat_rate", "")).strip():
            raise RowError(_("Give the VAT rate as a number."), field="vat_rate")
        return catalogue_line(
            reference=values.get("supplier_reference", ""),
            gtin=values.get("gtin", ""),
            name=values.get("name", ""),
            brand=values.get("brand", ""),
            provenance=values.get("provenance", ""),
            category=values.get("category", ""),
            **numbers,
        )

    def unique_keys(self, line: CatalogueLine):
        keys = [("supplier_reference" if line.reference else "gtin", line.key)]
        if line.reference and line.gtin:
            keys.append(("gtin", ("gtin", line.gtin)))
        return keys

    def stage(self, line: CatalogueLine) -> list:
        return [line.reference, line.gtin, line.name, str(line.price_excl_tax), str(line.vat_rate), line.case_size,
                line.brand, line.provenance, line.category]  # fmt: skip

    def writer(self, job) -> CatalogueWriter:
        return CatalogueWriter(
            organisation=job.organisation,
            supplier=job.supplier,
            shop=job.shop,
            publish_new=job.options.get("publish_new", True),
            actor=job.created_by,
        )

    def preview_counts(self, job, keys) -> dict:
        missing = catalogue_offers_missing(
            organisation=job.organisation, supplier=job.supplier, shop=job.shop, keys=keys
        )
        return {"archivable": len(missing)}

    def finish(self, job, writer, keys) -> dict:
        if not job.options.get("archive_missing"):
            return {"archived": 0}
        missing = catalogue_offers_missing(
            organisation=job.organisation, supplier=job.supplier, shop=job.shop, keys=keys
        )
        return {"archived": offers_archive(offer_ids=missing)}


class ReferenceKind(BulkKind):
    """A shop network's reference catalogue: the platform's shared products and their nomenclature."""

    key = "reference"
    label = gettext_lazy("Network reference catalogue")
    platform = True
    targets = (
        Target("supplier_reference", gettext_lazy("Supplier reference"),
               ("ref", "reference", "ref fournisseur", "reference fournisseur", "code article", "ref article",
                "sku", "supplier reference", "supplier ref")),
        Target("gtin", gettext_lazy("EAN / GTIN"),
               ("ean", "ean13", "gtin", "code barre", "code barres", "code ean", "barcode")),
        Target("name", gettext_lazy("Name"),
               ("designation", "libelle", "libelle article", "nom", "nom du produit", "produit", "description",
                "name", "product", "product name"), required=True),
        Target("model_code", gettext_lazy("Model"), ("modele", "ref modele", "reference modele", "model", "style")),
        Target("size", gettext_lazy("Size"), ("taille", "pointure", "size")),
        Target("colour", gettext_lazy("Colour"), ("couleur", "coloris", "colour", "color")),
        Target("material", gettext_lazy("Material"), ("matiere", "composition", "material")),
        Target("brand", gettext_lazy("Maker"), ("fabricant", "marque", "maker", "brand", "manufacturer")),
        Target("department", gettext_lazy("Department"), ("rayon", "departement", "univers", "department")),
        Target("family", gettext_lazy("Family"), ("famille", "family")),
        Target("sub_family", gettext_lazy("Sub-family"), ("sous famille", "sub family", "subfamily")),
        Target("recommended_price", gettext_lazy("Recommended price incl. tax"),
               ("prix conseille", "prix conseille ttc", "pvc", "prix public", "prix de vente conseille",
                "recommended price", "rrp", "msrp")),
    )  # fmt: skip

    def clean(self, values: dict, *, decimal_comma: bool) -> ReferenceLine:
        return reference_line(
            reference=values.get("supplier_reference", ""),
            gtin=values.get("gtin", ""),
            recommended_price=decimal_cell(values, "recommended_price", decimal_comma=decimal_comma),
            **{key: values.get(key, "") for key in ("name", "model_code", "size", "colour", "material", "brand",
                                                    "department", "family", "sub_family")},
        )  # fmt: skip

    def unique_keys(self, line: ReferenceLine):
        return [("gtin" if line.gtin else "supplier_reference", line.key)]

    def stage(self, line: ReferenceLine) -> list:
        price = "" if line.recommended_price is None else str(line.recommended_price)
        return [line.reference, line.gtin, line.name, line.model_code, line.size, line.colour, line.material,
                line.brand, line.department, line.family, line.sub_family, price]  # fmt: skip

    def writer(self, job) -> ReferenceWriter:
        return ReferenceWriter(actor=job.created_by)


KINDS: dict[str, BulkKind] = {kind.key: kind for kind in (CatalogueKind(), ReferenceKind())}

from . import stock_kind  # noqa: E402, F401  (registers StockKind, a subclass of BulkKind, in KINDS)


def get_kind(key: str) -> BulkKind:
    return KINDS[key]
