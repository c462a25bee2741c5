"""Business rules for producers, categories, products and offers: prices, stock, consistency."""

from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils.translation import gettext as _

from pivot_site.validators import normalise_identifier, normalise_phone
from shops.services import require_same_organisation

from .choices import OfferStatus, Unit
from .exceptions import InsufficientStock, InvalidCategory, InvalidOffer
from .models import Offer, Producer, Product, ProductCategory
from .pricing import price_excl_tax_from_incl, price_incl_tax


@transaction.atomic
def producer_save(*, producer: Producer, actor=None) -> Producer:
    producer.phone = normalise_phone(producer.phone) if producer.phone else ""
    producer.full_clean()
    producer.save()
    return producer


@transaction.atomic
def product_category_save(*, category: ProductCategory, actor=None) -> ProductCategory:
    """Save a category and keep the materialised paths of it and its subtree right."""
    parent = category.parent
    if parent is not None:
        if parent.organisation_id not in (None, category.organisation_id):
            raise InvalidCategory(_("The parent category belongs to another organisation."), field="parent")
        if category.pk and (parent.pk == category.pk or parent.path.startswith(category.path)):
            raise InvalidCategory(
                _("A category cannot be placed under itself or one of its subcategories."), field="parent"
            )
    siblings = ProductCategory.objects.filter(
        parent=parent, name__iexact=category.name, organisation=category.organisation
    )
    if siblings.exclude(pk=category.pk).exists():
        raise InvalidCategory(
            _("A category “%(name)s” already exists at that place.") % {"name": category.name}, field="name"
        )
    category.full_clean()
    old_path = category.path
    category.save()
    new_path = f"{parent.path if parent else ''}{category.pk}/"
    if new_path != old_path:
        ProductCategory.objects.filter(pk=category.pk).update(path=new_path)
        category.path = new_path
        if old_path:
            for descendant in ProductCategory.objects.filter(path__startswith=old_path).exclude(pk=category.pk):
                descendant.path = new_path + descendant.path[len(old_path) :]
                descendant.save(update_fields=["path"])
    return category


def product_validate(*, product: Product) -> None:
    require_same_organisation(product.organisation_id, [product.category], field="category")
    require_same_organisation(product.organisation_id, [product.producer], field="producer")
    if product.organisation_id is None and product.producer is not None:
        raise InvalidOffer(
            _("A product of the shared catalogue cannot have an organisation's producer."), field="producer"
        )
    if product.is_unique_item:
        if product.unit != Unit.PIECE:
            raise InvalidOffer(_("A unique item is sold by the piece."), field="unit")
        if not product.condition:
            raise InvalidOffer(_("Give the condition of a unique item."), field="condition")


@transaction.atomic
def product_save(*, product: Product, actor=None) -> Product:
    product.gtin = normalise_identifier(product.gtin)
    product.supplier_reference = (product.supplier_reference or "").strip()
    product_validate(product=product)
    product.full_clean()
    product.save()
    return product


def offer_validate(*, offer: Offer, reserved_categories=None, allowed_depots=None) -> None:
    if offer.product_id is not None:
        require_same_organisation(offer.organisation_id, [offer.product], field="product")
    if offer.shop_id is not None:
        require_same_organisation(offer.organisation_id, [offer.shop], field="shop")
    if reserved_categories is not None:
        require_same_organisation(offer.organisation_id, reserved_categories, field="reserved_categories")
    if allowed_depots is not None:
        require_same_organisation(offer.organisation_id, allowed_depots, field="allowed_depots")
    if offer.vat_rate not in settings.PIVOT_VAT_RATES:
        raise InvalidOffer(
            _("%(rate)s %% is not a French VAT rate (allowed: %(rates)s).")
            % {"rate": offer.vat_rate, "rates": ", ".join(f"{r} %" for r in settings.PIVOT_VAT_RATES)},
            field="vat_rate",
        )
    if offer.price_excl_tax is not None and offer.price_excl_tax < 0:
        raise InvalidOffer(_("A price cannot be negative."), field="price_excl_tax")
    if offer.available_from and offer.available_until and offer.available_from >= offer.available_until:
        raise InvalidOffer(_("The end of the sale must come after its start."), field="available_until")
    if offer.product_id is not None and offer.product.is_unique_item:
        if offer.unlimited_stock or offer.stock_on_hand > 1:
            raise InvalidOffer(_("A unique item has a stock of 0 or 1."), field="stock_on_hand")
    if not offer.unlimited_stock and offer.stock_on_hand < offer.stock_allocated:
        raise InsufficientStock(
            _("The stock on hand cannot go below the %(allocated)s units already allocated to orders.")
            % {"allocated": offer.stock_allocated},
            field="stock_on_hand",
            allocated=offer.stock_allocated,
        )


@transaction.atomic
def offer_save(*, offer: Offer, reserved_categories=None, allowed_depots=None, actor=None) -> Offer:
    """Create or update an offer. The allocated stock is never written here: only reservations move it."""
    if reserved_categories is not None:
        reserved_categories = list(reserved_categories)
    if allowed_depots is not None:
        allowed_depots = list(allowed_depots)
    if offer.pk:
        offer.stock_allocated = (
            Offer.objects.select_for_update().values_list("stock_allocated", flat=True).get(pk=offer.pk)
        )
    offer_validate(offer=offer, reserved_categories=reserved_categories, allowed_depots=allowed_depots)
    offer.full_clean()
    offer.save()
    if reserved_categories is not None:
        offer.reserved_categories.set(reserved_categories)
    if allowed_depots is not None:
        offer.allowed_depots.set(allowed_depots)
    return offer


@transaction.atomic
def offer_duplicate(*, offer: Offer, actor=None) -> Offer:
    """A draft copy with the same product, price and audience, and no stock."""
    copy = Offer.objects.get(pk=offer.pk)
    copy.pk = None
    copy.status = OfferStatus.DRAFT
    copy.stock_on_hand = 0
    copy.stock_allocated = 0
    copy.save()
    copy.reserved_categories.set(offer.reserved_categories.all())
    copy.allowed_depots.set(offer.allowed_depots.all())
    return copy


def offer_stock_adjust(*, offer: Offer, delta: int, actor=None) -> int:
    """Add ``delta`` units to the stock on hand in one conditional UPDATE; refuse to go below what is allocated."""
    updated = (
        Offer.objects.filter(pk=offer.pk)
        .filter(Q(unlimited_stock=True) | Q(stock_on_hand__gte=F("stock_allocated") - delta))
        .filter(stock_on_hand__gte=-delta)
        .update(stock_on_hand=F("stock_on_hand") + delta)
    )
    if not updated:
        offer.refresh_from_db(fields=["stock_on_hand", "stock_allocated"])
        raise InsufficientStock(
            _("Not enough stock: %(on_hand)s on hand, %(allocated)s allocated, change of %(delta)s refused.")
            % {"on_hand": offer.stock_on_hand, "allocated": offer.stock_allocated, "delta": delta},
            offer=offer.pk,
            on_hand=offer.stock_on_hand,
            allocated=offer.stock_allocated,
        )
    offer.refresh_from_db(fields=["stock_on_hand", "stock_allocated"])
    return offer.stock_on_hand


def offer_stock_set(*, offer: Offer, on_hand: int, actor=None) -> int:
    """Set the counted stock; it may not fall below what is already allocated to orders."""
    if on_hand < 0:
        raise InsufficientStock(_("A stock cannot be negative."), field="stock_on_hand")
    updated = (
        Offer.objects.filter(pk=offer.pk)
        .filter(Q(unlimited_stock=True) | Q(stock_allocated__lte=on_hand))
        .update(stock_on_hand=on_hand)
    )
    if not updated:
        offer.refresh_from_db(fields=["stock_on_hand", "stock_allocated"])
        raise InsufficientStock(
            _("The stock on hand cannot go below the %(allocated)s units already allocated to orders.")
            % {"allocated": offer.stock_allocated},
            field="stock_on_hand",
            offer=offer.pk,
            allocated=offer.stock_allocated,
        )
    offer.stock_on_hand = on_hand
    return on_hand


def offer_prices(
    *, price_excl_tax: Decimal | None = None, price_incl_tax_value: Decimal | None = None, vat_rate: Decimal
):
    """Both prices from whichever one was typed; the price excluding tax wins when both are given."""
    if price_excl_tax is not None:
        return price_excl_tax, price_incl_tax(price_excl_tax=price_excl_tax, vat_rate=vat_rate)
    if price_incl_tax_value is not None:
        excl = price_excl_tax_from_incl(price_incl_tax=price_incl_tax_value, vat_rate=vat_rate)
        return excl, price_incl_tax_value.quantize(Decimal("0.01"))
    raise InvalidOffer(_("Give the price excluding or including tax."), field="price_excl_tax")
