from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Case, Exists, F, OuterRef, Q, Value, When
from django.db.models.functions import Round, Upper
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.search import index

from pivot_site.validators import validate_gtin, validate_phone, validate_postcode

from .choices import Condition, OfferStatus, SaleMode, Unit
from .pricing import HALF_UP_NUDGE, price_incl_tax


class Producer(models.Model):
    """A producer or supplier; wholesalers have a minimum order amount."""

    organisation = models.ForeignKey(
        "shops.Organisation", on_delete=models.CASCADE, related_name="producers", verbose_name=_("organisation")
    )
    name = models.CharField(_("name"), max_length=150)
    city = models.CharField(_("city"), max_length=100, blank=True)
    postcode = models.CharField(_("postcode"), max_length=5, blank=True, validators=[validate_postcode])
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    contact_name = models.CharField(_("contact person"), max_length=150, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True, validators=[validate_phone])
    is_wholesaler = models.BooleanField(_("wholesaler"), default=False)
    minimum_order_amount = models.DecimalField(
        _("minimum order (excl. tax)"), max_digits=10, decimal_places=2, null=True, blank=True
    )

    organisation_path = "organisation"

    class Meta:
        ordering = ["name"]
        verbose_name = _("producer")
        verbose_name_plural = _("producers")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="unique_producer_name"),
            models.CheckConstraint(
                condition=Q(minimum_order_amount__isnull=True) | Q(minimum_order_amount__gte=0),
                name="producer_minimum_order_not_negative",
            ),
        ]

    def __str__(self):
        return self.name


class ProductCategory(models.Model):
    """A node of the category tree; ``path`` lists ancestor ids so a subtree is one prefix query.

    Categories without an organisation are the platform's shared tree.
    """

    organisation = models.ForeignKey(
        "shops.Organisation",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="product_categories",
        verbose_name=_("organisation"),
        help_text=_("Empty for a category shared by the whole platform."),
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent category"),
    )
    name = models.CharField(_("name"), max_length=120)
    path = models.CharField(max_length=255, db_index=True, editable=False, default="")
    co2e_per_item_kg = models.DecimalField(
        _("kg CO2e avoided per item"), max_digits=10, decimal_places=3, null=True, blank=True
    )
    co2e_per_kg = models.DecimalField(
        _("kg CO2e avoided per kg"), max_digits=10, decimal_places=3, null=True, blank=True
    )
    waste_per_item_kg = models.DecimalField(
        _("kg of waste diverted per item"), max_digits=10, decimal_places=3, null=True, blank=True
    )
    impact_source = models.TextField(_("source of the impact factors"), blank=True)

    organisation_path = "organisation"

    class Meta:
        ordering = ["path"]
        verbose_name = _("product category")
        verbose_name_plural = _("product categories")
        constraints = [
            models.CheckConstraint(
                condition=(Q(co2e_per_item_kg__isnull=True) | Q(co2e_per_item_kg__gte=0))
                & (Q(co2e_per_kg__isnull=True) | Q(co2e_per_kg__gte=0))
                & (Q(waste_per_item_kg__isnull=True) | Q(waste_per_item_kg__gte=0)),
                name="category_impact_not_negative",
            )
        ]

    def __str__(self):
        return self.name

    @property
    def depth(self):
        return self.path.count("/") - 1 if self.path else 0


class Product(ClusterableModel):
    """What is sold: a catalogue reference or a one-off second-hand item.

    Products without an organisation form a shared reference catalogue (e.g. a shop network's).
    """

    organisation = models.ForeignKey(
        "shops.Organisation",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="products",
        verbose_name=_("organisation"),
        help_text=_("Empty for the shared reference catalogue."),
    )
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    category = models.ForeignKey(
        ProductCategory, on_delete=models.PROTECT, related_name="products", verbose_name=_("category")
    )
    producer = models.ForeignKey(
        Producer, on_delete=models.SET_NULL, null=True, blank=True, related_name="products", verbose_name=_("producer")
    )
    unit = models.CharField(_("unit"), max_length=10, choices=Unit.choices, default=Unit.PIECE)
    brand = models.CharField(_("brand or maker"), max_length=100, blank=True)
    model_code = models.CharField(_("model"), max_length=100, blank=True)
    size = models.CharField(_("size"), max_length=30, blank=True)
    colour = models.CharField(_("colour"), max_length=50, blank=True)
    material = models.CharField(_("material"), max_length=100, blank=True)
    gtin = models.CharField(_("EAN / GTIN"), max_length=14, blank=True, validators=[validate_gtin])
    supplier_reference = models.CharField(_("supplier reference"), max_length=60, blank=True)
    is_unique_item = models.BooleanField(_("unique item"), default=False, help_text=_("A one-off second-hand item."))
    condition = models.CharField(_("condition"), max_length=10, choices=Condition.choices, blank=True)
    width_cm = models.DecimalField(_("width (cm)"), max_digits=7, decimal_places=1, null=True, blank=True)
    height_cm = models.DecimalField(_("height (cm)"), max_digits=7, decimal_places=1, null=True, blank=True)
    depth_cm = models.DecimalField(_("depth (cm)"), max_digits=7, decimal_places=1, null=True, blank=True)
    weight_kg = models.DecimalField(_("weight (kg)"), max_digits=8, decimal_places=3, null=True, blank=True)
    provenance = models.CharField(_("provenance"), max_length=200, blank=True)
    # The network's recommended retail price (reference catalogue), which shops may follow or not.
    recommended_price = models.DecimalField(
        _("recommended price incl. tax"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    organisation_path = "organisation"

    class Meta:
        ordering = ["name"]
        verbose_name = _("product")
        verbose_name_plural = _("products")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "gtin"],
                condition=~Q(gtin="") & Q(organisation__isnull=False),
                name="unique_product_gtin",
            ),
            models.UniqueConstraint(
                fields=["gtin"], condition=~Q(gtin="") & Q(organisation__isnull=True), name="unique_shared_product_gtin"
            ),
            models.UniqueConstraint(
                fields=["producer", "supplier_reference"],
                condition=~Q(supplier_reference=""),
                name="unique_supplier_reference",
            ),
            models.CheckConstraint(
                condition=(Q(width_cm__isnull=True) | Q(width_cm__gt=0))
                & (Q(height_cm__isnull=True) | Q(height_cm__gt=0))
                & (Q(depth_cm__isnull=True) | Q(depth_cm__gt=0))
                & (Q(weight_kg__isnull=True) | Q(weight_kg__gt=0)),
                name="product_measures_positive",
            ),
            models.CheckConstraint(
                condition=Q(recommended_price__isnull=True) | Q(recommended_price__gte=0),
                name="product_recommended_price_not_negative",
            ),
        ]
        indexes = [
            models.Index(fields=["supplier_reference"], name="product_supplier_ref_idx"),
            # The catalogue's facets match these ignoring case (UPPER(size) = UPPER('38') on PostgreSQL).
            models.Index(Upper("size"), name="product_size_upper_idx"),
            models.Index(Upper("colour"), name="product_colour_upper_idx"),
            models.Index(Upper("material"), name="product_material_upper_idx"),
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._stored_category_id = self.__dict__.get("category_id")  # never load a deferred field

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        if "category_id" in self.__dict__ and self.category_id != self._stored_category_id:
            # Offers keep a copy of their product's category (see Offer.category), whatever door saved it.
            Offer.objects.filter(product=self).exclude(category_id=self.category_id).update(
                category_id=self.category_id
            )
            self._stored_category_id = self.category_id


class ProductImage(models.Model):
    product = ParentalKey(Product, on_delete=models.CASCADE, related_name="images")
    image = models.ForeignKey(
        "wagtailimages.Image", on_delete=models.CASCADE, related_name="+", verbose_name=_("image")
    )
    sort_order = models.PositiveSmallIntegerField(default=0, editable=False)

    class Meta:
        ordering = ["sort_order", "pk"]
        verbose_name = _("photo")
        verbose_name_plural = _("photos")

    def __str__(self):
        return f"{self.product} — {self.image}"


class OfferQuerySet(models.QuerySet):
    def relist(self) -> int:
        """Recompute ``listed`` for these offers in one UPDATE (after an organisation or shop changed)."""
        from shops.models import Organisation, Shop

        public = (
            Q(status=OfferStatus.PUBLISHED)
            & Exists(Organisation.objects.filter(pk=OuterRef("organisation_id"), active=True))
            & (Q(shop__isnull=True) | Exists(Shop.objects.filter(pk=OuterRef("shop_id"), active=True)))
        )
        return self.update(listed=Case(When(public, then=Value(True)), default=Value(False)))


class Offer(index.Indexed, models.Model):
    """An organisation selling a product from a shop's stock, at a price, for a period, to an audience."""

    organisation = models.ForeignKey(
        "shops.Organisation", on_delete=models.PROTECT, related_name="offers", verbose_name=_("organisation")
    )
    shop = models.ForeignKey(
        "shops.Shop",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="offers",
        verbose_name=_("shop"),
        help_text=_("Where the stock is."),
    )
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="offers", verbose_name=_("product"))
    # A copy of the product's category, kept by Offer.save and Product.save: the catalogue's facet counts
    # then read one index of offers instead of joining 100,000 products.
    category = models.ForeignKey(
        ProductCategory, on_delete=models.PROTECT, related_name="+", editable=False, verbose_name=_("category")
    )
    price_excl_tax = models.DecimalField(_("price excl. tax"), max_digits=12, decimal_places=4)
    vat_rate = models.DecimalField(
        _("VAT rate (%)"),
        max_digits=4,
        decimal_places=2,
        default=settings.PIVOT_DEFAULT_VAT_RATE,
        choices=[(rate, f"{rate.normalize():f} %") for rate in settings.PIVOT_VAT_RATES],
    )
    # The price including tax as listed, computed by the database itself (so that no door can leave it
    # stale) for the catalogue to filter and sort 100,000 offers by price through an index. Prices are
    # shown from the price_incl_tax property, which gives the same cents (tested). Multiplying by 0.01 rather
    # than dividing by 100: SQLite stores 81.0000 as the integer 81 and would divide 81 × 120 by 100 as
    # integers (97, not 97.20).
    listed_price = models.GeneratedField(
        expression=Round(
            F("price_excl_tax") * (Value(100) + F("vat_rate")) * Value(Decimal("0.01")) + Value(HALF_UP_NUDGE), 2
        ),
        output_field=models.DecimalField(max_digits=14, decimal_places=2),
        db_persist=True,
        verbose_name=_("price incl. tax"),
    )
    unlimited_stock = models.BooleanField(_("unlimited stock"), default=False)
    stock_on_hand = models.IntegerField(_("stock on hand"), default=0)
    stock_allocated = models.IntegerField(_("stock allocated to orders"), default=0, editable=False)
    available_from = models.DateTimeField(_("on sale from"), null=True, blank=True)
    available_until = models.DateTimeField(_("on sale until"), null=True, blank=True)
    reserved_categories = models.ManyToManyField(
        "shops.CustomerCategory",
        blank=True,
        related_name="reserved_offers",
        verbose_name=_("reserved to"),
        help_text=_("Empty: everyone may buy."),
    )
    allowed_depots = models.ManyToManyField(
        "shops.Depot",
        blank=True,
        related_name="offers",
        verbose_name=_("pickup depots"),
        help_text=_("Empty: every depot of the organisation."),
    )
    case_size = models.PositiveIntegerField(_("case size"), default=1)
    minimum_cases = models.PositiveIntegerField(_("minimum cases"), default=1)
    sale_mode = models.CharField(_("sale mode"), max_length=15, choices=SaleMode.choices, default=SaleMode.ONE_OFF)
    status = models.CharField(_("status"), max_length=10, choices=OfferStatus.choices, default=OfferStatus.DRAFT)
    # Whether the public sees it: published, by an active organisation, from an active shop or none. Kept by
    # Offer.save and by the organisation's and shop's save (OfferQuerySet.relist), so that the catalogue
    # reads one index of offers instead of joining organisations and shops for each of 100,000 offers.
    listed = models.BooleanField(_("listed"), default=False, editable=False)
    # Marked sold in the admin until orders exist (offers.services.offer_mark_sold); 0 units = not sold, so
    # that impact sums need no NULL handling.
    sold_at = models.DateTimeField(_("sold on"), null=True, blank=True, editable=False)
    sold_quantity = models.PositiveIntegerField(_("units sold"), default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = OfferQuerySet.as_manager()

    organisation_path = "organisation"

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("offer")
        verbose_name_plural = _("offers")
        constraints = [
            models.CheckConstraint(condition=Q(stock_on_hand__gte=0), name="offer_stock_on_hand_not_negative"),
            models.CheckConstraint(condition=Q(stock_allocated__gte=0), name="offer_stock_allocated_not_negative"),
            models.CheckConstraint(
                condition=Q(unlimited_stock=True) | Q(stock_allocated__lte=F("stock_on_hand")),
                name="offer_stock_allocated_within_on_hand",
            ),
            models.CheckConstraint(condition=Q(price_excl_tax__gte=0), name="offer_price_not_negative"),
            models.CheckConstraint(condition=Q(vat_rate__gte=0) & Q(vat_rate__lt=100), name="offer_vat_rate_range"),
            models.CheckConstraint(condition=Q(case_size__gte=1), name="offer_case_size_positive"),
            models.CheckConstraint(
                condition=Q(available_from__isnull=True)
                | Q(available_until__isnull=True)
                | Q(available_from__lt=F("available_until")),
                name="offer_period_order",
            ),
        ]
        indexes = [
            # Covers the public listing's filters and the facet counts (per category and shop): one pass
            # over the index instead of the wide offer rows.
            # (Partial on "listed": SQLite uses an index on a boolean only when the query's WHERE matches
            # the index's, and Django writes filter(listed=True) as a bare "WHERE listed".)
            models.Index(
                fields=["category", "shop", "product"], condition=Q(listed=True), name="offer_listing_cover_idx"
            ),
            # Listings show the newest (or cheapest, or dearest) offers first: walking these indexes avoids
            # sorting the whole catalogue.
            models.Index(fields=["-created_at", "-id"], name="offer_newest_idx"),
            models.Index(fields=["listed_price", "id"], name="offer_price_idx"),
            # Impact pages read sold offers by date.
            models.Index(fields=["sold_at"], name="offer_sold_at_idx", condition=Q(sold_at__isnull=False)),
        ]

    # One folded field serves the catalogue's search and the autocomplete (see offers/search.py).
    search_fields = [index.AutocompleteField("search_text")]

    def __str__(self):
        return f"{self.product} — {self.organisation}"

    def save(self, *args, update_fields=None, **kwargs):
        if self.product_id is not None and (update_fields is None or "product" in update_fields):
            self.category_id = self.product.category_id
            if update_fields is not None:
                update_fields = {*update_fields, "category"}
        if update_fields is None or {"status", "organisation", "shop"} & set(update_fields):
            self.listed = (
                self.status == OfferStatus.PUBLISHED
                and self.organisation.active
                and (self.shop_id is None or self.shop.active)
            )
            if update_fields is not None:
                update_fields = {*update_fields, "listed"}
        super().save(*args, update_fields=update_fields, **kwargs)

    def search_text(self):
        from .search import offer_search_text

        return offer_search_text(self)

    @property
    def price_incl_tax(self):
        return price_incl_tax(price_excl_tax=self.price_excl_tax, vat_rate=self.vat_rate)

    @property
    def stock_available(self):
        """None means unlimited."""
        if self.unlimited_stock:
            return None
        return max(self.stock_on_hand - self.stock_allocated, 0)
