"""Business rules for producers, categories, products and offers: prices, stock, consistency."""

from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Q, Value
from django.db.models.functions import Concat, Substr
from django.utils import timezone
from django.utils.translation import gettext as _

from pivot_site import page_cache
from pivot_site.validators import normalise_identifier, normalise_phone
from shops.permissions import can_change
from shops.services import require_same_organisation

from .choices import OfferStatus, Unit
from .exceptions import InsufficientStock, InvalidCategory, InvalidOffer
from .models import Offer, Producer, Product, ProductCategory
from .pricing import STORED, price_excl_tax_from_incl, price_incl_tax
from .search import offers_reindex


@transaction.atomic
def producer_save(*, producer: Producer, actor=None) -> Producer:
    producer.phone = normalise_phone(producer.phone) if producer.phone else ""
    producer.full_clean()
    producer.save()
    return producer


@transaction.atomic
def product_category_save(*, category: ProductCategory, actor=None) -> ProductCategory:
    """Save a category and keep the materialised paths of it and its subtree right.

    Paths are read from the database under a lock, never from the instances passed in:
    those may be stale (an ancestor moved since they were loaded) or built without a path.
    """
    ids = [pk for pk in (category.pk, category.parent_id) if pk is not None]
    stored = {c.pk: c for c in ProductCategory.objects.select_for_update().filter(pk__in=ids).order_by("pk")}
    old_path = ""
    if category.pk in stored:
        old_path = stored[category.pk].path
        category._state.adding = False  # the row exists, even if this instance was built from its id
    parent = None
    if category.parent_id is not None:
        parent = stored.get(category.parent_id)
        if parent is None:
            raise InvalidCategory(_("The parent category does not exist."), field="parent")
        category.parent = parent
        if parent.organisation_id not in (None, category.organisation_id):
            raise InvalidCategory(_("The parent category belongs to another organisation."), field="parent")
        if parent.pk == category.pk or (old_path and parent.path.startswith(old_path)):
            raise InvalidCategory(
                _("A category cannot be placed under itself or one of its subcategories."), field="parent"
            )
    if old_path and category.organisation_id is not None:
        # An organisation's category holds only that organisation's subcategories and products.
        if (
            ProductCategory.objects.filter(parent_id=category.pk)
            .exclude(organisation_id=category.organisation_id)
            .exists()
            or Product.objects.filter(category_id=category.pk)
            .exclude(organisation_id=category.organisation_id)
            .exists()
        ):
            raise InvalidCategory(
                _("This category holds subcategories or products of other organisations or of the shared catalogue."),
                field="organisation",
            )
    siblings = ProductCategory.objects.filter(
        parent=parent, name__iexact=category.name, organisation=category.organisation_id
    )
    if siblings.exclude(pk=category.pk).exists():
        raise InvalidCategory(
            _("A category “%(name)s” already exists at that place.") % {"name": category.name}, field="name"
        )
    renamed = bool(old_path) and stored[category.pk].name != category.name
    category.path = old_path
    category.full_clean()
    category.save()
    if renamed:
        offers_reindex(Offer.objects.filter(product__category=category))
    new_path = f"{parent.path if parent else ''}{category.pk}/"
    if new_path != old_path:
        ProductCategory.objects.filter(pk=category.pk).update(path=new_path)
        if old_path:
            ProductCategory.objects.filter(path__startswith=old_path).exclude(pk=category.pk).update(
                path=Concat(Value(new_path), Substr("path", len(old_path) + 1))
            )
        category.path = new_path
    return category


def product_validate(*, product: Product) -> None:
    if product.category_id is not None:  # a missing category is full_clean's to report
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
    # Offers are found by their product's name, brand, category and description.
    offers_reindex(Offer.objects.filter(product=product))
    return product


def _as_decimal(offer: Offer, field: str) -> None:
    """Doors may hand over strings or floats ("5.5", 2.1): compare and store Decimals."""
    value = getattr(offer, field)
    if isinstance(value, float):
        value = repr(value)  # 2.1, not 2.100000000000000088817841970012523
    try:
        setattr(offer, field, Offer._meta.get_field(field).to_python(value))
    except ValidationError as error:
        raise InvalidOffer(error.messages[0], field=field)


MAX_PRICE = Decimal("99999999.9999")  # the largest price the column stores (12 digits, 4 decimals)


def check_vat_rate(rate: Decimal) -> None:
    if rate not in settings.PIVOT_VAT_RATES:
        raise InvalidOffer(
            _("%(rate)s %% is not a French VAT rate (allowed: %(rates)s).")
            % {"rate": rate, "rates": ", ".join(f"{r} %" for r in settings.PIVOT_VAT_RATES)},
            field="vat_rate",
        )


def check_price(price: Decimal, *, field: str = "price_excl_tax") -> None:
    if price < 0:
        raise InvalidOffer(_("A price cannot be negative."), field=field)
    if price > MAX_PRICE:
        raise InvalidOffer(_("This price is too high."), field=field)


def offer_validate(*, offer: Offer, reserved_categories=None, allowed_depots=None) -> None:
    _as_decimal(offer, "vat_rate")
    _as_decimal(offer, "price_excl_tax")
    if offer.product_id is not None:
        require_same_organisation(offer.organisation_id, [offer.product], field="product")
    if offer.shop_id is not None:
        require_same_organisation(offer.organisation_id, [offer.shop], field="shop")
    if reserved_categories is None and offer.pk:
        # Not changed here, but the offer may have moved to another organisation.
        reserved_categories = offer.reserved_categories.exclude(organisation_id=offer.organisation_id)[:1]
    if reserved_categories is not None:
        require_same_organisation(offer.organisation_id, reserved_categories, field="reserved_categories")
    if allowed_depots is None and offer.pk:
        allowed_depots = offer.allowed_depots.exclude(organisation_id=offer.organisation_id)[:1]
    if allowed_depots is not None:
        require_same_organisation(offer.organisation_id, allowed_depots, field="allowed_depots")
    check_vat_rate(offer.vat_rate)
    if offer.price_excl_tax is not None:
        check_price(offer.price_excl_tax)
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
    # Whatever the instance says, the allocated stock is the database's (locked until commit).
    current = Offer.objects.select_for_update().filter(pk=offer.pk).values_list("stock_allocated", flat=True)
    offer.stock_allocated = (current.first() or 0) if offer.pk else 0
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
    copy.sold_at, copy.sold_quantity = None, 0
    copy.save()
    copy.reserved_categories.set(offer.reserved_categories.all())
    copy.allowed_depots.set(offer.allowed_depots.all())
    return copy


UNIQUE_ITEM_STOCK = Q(product__is_unique_item=False)


def _refuse_unique_item_overflow(offer: Offer) -> None:
    raise InvalidOffer(
        _("A unique item has a stock of 0 or 1."), field="stock_on_hand", offer=offer.pk, on_hand=offer.stock_on_hand
    )


def offer_stock_adjust(*, offer: Offer, delta: int, actor=None) -> int:
    """Add ``delta`` units to the stock on hand in one conditional UPDATE; refuse to go below what is allocated.

    A unique item never holds more than one unit.
    """
    updated = (
        Offer.objects.filter(pk=offer.pk)
        .filter(Q(unlimited_stock=True) | Q(stock_on_hand__gte=F("stock_allocated") - delta))
        .filter(stock_on_hand__gte=-delta)
        .filter(UNIQUE_ITEM_STOCK | Q(stock_on_hand__lte=1 - delta))
        .update(stock_on_hand=F("stock_on_hand") + delta)
    )
    offer.refresh_from_db(fields=["stock_on_hand", "stock_allocated"])
    if not updated:
        if delta > 0 and offer.product.is_unique_item:
            _refuse_unique_item_overflow(offer)
        raise InsufficientStock(
            _("Not enough stock: %(on_hand)s on hand, %(allocated)s allocated, change of %(delta)s refused.")
            % {"on_hand": offer.stock_on_hand, "allocated": offer.stock_allocated, "delta": delta},
            offer=offer.pk,
            on_hand=offer.stock_on_hand,
            allocated=offer.stock_allocated,
        )
    page_cache.invalidate()  # an UPDATE sends no signal
    return offer.stock_on_hand


def offer_stock_set(*, offer: Offer, on_hand: int, actor=None) -> int:
    """Set the counted stock; it may not fall below what is already allocated to orders.

    A unique item is counted 0 or 1.
    """
    if on_hand < 0:
        raise InsufficientStock(_("A stock cannot be negative."), field="stock_on_hand", offer=offer.pk)
    candidates = Offer.objects.filter(pk=offer.pk)
    if on_hand > 1:
        candidates = candidates.filter(UNIQUE_ITEM_STOCK)
    updated = candidates.filter(Q(unlimited_stock=True) | Q(stock_allocated__lte=on_hand)).update(stock_on_hand=on_hand)
    offer.refresh_from_db(fields=["stock_on_hand", "stock_allocated"])
    if not updated:
        if on_hand > 1 and offer.product.is_unique_item:
            _refuse_unique_item_overflow(offer)
        raise InsufficientStock(
            _("The stock on hand cannot go below the %(allocated)s units already allocated to orders.")
            % {"allocated": offer.stock_allocated},
            field="stock_on_hand",
            offer=offer.pk,
            allocated=offer.stock_allocated,
        )
    page_cache.invalidate()  # an UPDATE sends no signal
    return offer.stock_on_hand


def offer_prices(
    *, price_excl_tax: Decimal | None = None, price_incl_tax_value: Decimal | None = None, vat_rate: Decimal
):
    """Both prices from whichever one was typed; the price excluding tax wins when both are given.

    The price excluding tax is returned with the stored precision (4 decimals) and the price
    including tax is always the one derived from it, rounded half-up to the cent.
    """
    if price_excl_tax is not None:
        excl = Decimal(price_excl_tax).quantize(STORED, rounding=ROUND_HALF_UP)
        return excl, price_incl_tax(price_excl_tax=excl, vat_rate=vat_rate)
    if price_incl_tax_value is not None:
        excl = price_excl_tax_from_incl(price_incl_tax=Decimal(price_incl_tax_value), vat_rate=vat_rate)
        return excl, price_incl_tax(price_excl_tax=excl, vat_rate=vat_rate)
    raise InvalidOffer(_("Give the price excluding or including tax."), field="price_excl_tax")


def _sold_mark_offer(offer: Offer, actor) -> Offer:
    """The offer's row, locked until commit, after checking that ``actor`` (if any) works for its organisation."""
    locked = Offer.objects.select_for_update().select_related("product").get(pk=offer.pk)
    if actor is not None and not can_change(actor, locked):
        raise PermissionDenied
    return locked


@transaction.atomic
def offer_mark_sold(*, offer: Offer, quantity: int = 1, sold_at=None, actor=None) -> Offer:
    """Record that ``quantity`` units of a published offer were sold (until orders exist, the admin says so).

    The units leave the stock on hand; an offer carries one sold mark, so a second sale needs the first one
    cancelled (``offer_mark_unsold``) and marked again with the total.
    """
    now = timezone.now()
    sold_at = sold_at or now
    locked = _sold_mark_offer(offer, actor)
    if locked.status != OfferStatus.PUBLISHED:
        raise InvalidOffer(_("Only a published offer can be marked sold."), code="offer_not_published", field="status")
    if locked.sold_quantity:
        raise InvalidOffer(
            _("This offer is already marked sold: cancel that mark first."), code="already_sold", offer=locked.pk
        )
    if quantity is None or quantity < 1:
        raise InvalidOffer(_("Sell at least one unit."), field="quantity")
    if locked.product.is_unique_item and quantity > 1:
        raise InvalidOffer(_("A unique item is sold once."), field="quantity")
    if timezone.is_naive(sold_at):
        sold_at = timezone.make_aware(sold_at)
    if sold_at > now:
        raise InvalidOffer(_("The date of the sale cannot be in the future."), field="sold_at")
    available = locked.stock_available
    if available is not None and quantity > available:
        raise InsufficientStock(
            _("Not enough stock: %(available)s available, %(quantity)s to sell.")
            % {"available": available, "quantity": quantity},
            field="quantity",
            offer=locked.pk,
            available=available,
        )
    if not locked.unlimited_stock:
        locked.stock_on_hand -= quantity
    locked.sold_at, locked.sold_quantity = sold_at, quantity
    locked.save(update_fields=["stock_on_hand", "sold_at", "sold_quantity", "updated_at"])
    offer.stock_on_hand, offer.sold_at, offer.sold_quantity = locked.stock_on_hand, sold_at, quantity
    return offer


@transaction.atomic
def offer_mark_unsold(*, offer: Offer, actor=None) -> Offer:
    """Cancel a sold mark made by mistake: the units go back to the stock on hand (a unique item holds one)."""
    locked = _sold_mark_offer(offer, actor)
    if not locked.sold_quantity:
        raise InvalidOffer(_("This offer is not marked sold."), code="not_sold", offer=locked.pk)
    if not locked.unlimited_stock:
        locked.stock_on_hand += locked.sold_quantity
        if locked.product.is_unique_item:
            locked.stock_on_hand = min(locked.stock_on_hand, 1)
    locked.sold_at, locked.sold_quantity = None, 0
    locked.save(update_fields=["stock_on_hand", "sold_at", "sold_quantity", "updated_at"])
    offer.stock_on_hand, offer.sold_at, offer.sold_quantity = locked.stock_on_hand, None, 0
    return offer
