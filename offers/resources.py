"""Spreadsheet columns of the offers app's tables; every row is saved by ``offers.services``."""

from django.utils.translation import gettext_lazy as _

from imports.registry import register_resource
from imports.resources import ExtraField, OrganisationWidget, ServiceResource, column, pending
from imports.widgets import (
    BooleanWidget,
    CategoryPathWidget,
    ChoiceWidget,
    DateTimeWidget,
    DecimalWidget,
    IdentifierWidget,
    IntegerWidget,
    ManyRelatedWidget,
    PhoneWidget,
    PostcodeWidget,
    RelatedWidget,
    is_empty,
    parse_number,
)
from shops.models import CustomerCategory, Depot, Shop

from . import services
from .choices import Condition, OfferStatus, SaleMode, Unit
from .models import Offer, Producer, Product, ProductCategory


def organisation_column():
    return column("organisation", _("Organisation"), OrganisationWidget())


@register_resource("producers")
class ProducerResource(ServiceResource):
    natural_keys = (("organisation", "name"),)
    organisation = organisation_column()
    name = column("name", _("Name"))
    contact_name = column("contact_name", _("Contact person"))
    email = column("email", _("E-mail"))
    phone = column("phone", _("Phone"), PhoneWidget())
    postcode = column("postcode", _("Postcode"), PostcodeWidget())
    city = column("city", _("City"))
    latitude = column("latitude", _("Latitude"), DecimalWidget())
    longitude = column("longitude", _("Longitude"), DecimalWidget())
    is_wholesaler = column("is_wholesaler", _("Wholesaler"), BooleanWidget())
    minimum_order_amount = column(
        "minimum_order_amount", _("Minimum order (excl. tax)"), DecimalWidget(places=2), aliases=("minimum order",)
    )

    class Meta:
        model = Producer
        fields = (
            "id",
            "organisation",
            "name",
            "contact_name",
            "email",
            "phone",
            "postcode",
            "city",
            "latitude",
            "longitude",
            "is_wholesaler",
            "minimum_order_amount",
        )

    def export_queryset(self, queryset):
        return queryset.select_related("organisation")

    def save_with_service(self, instance, extras, row):
        services.producer_save(producer=instance, actor=self.user)


@register_resource("product-categories")
class ProductCategoryResource(ServiceResource):
    """Parents come before their children in the export (ordered by path), so a file can build a tree."""

    natural_keys = (("organisation", "parent", "name"),)
    organisation = organisation_column()
    parent = column("parent", _("Parent category"), CategoryPathWidget(ProductCategory))
    name = column("name", _("Name"))
    co2e_per_item_kg = column("co2e_per_item_kg", _("kg CO2e avoided per item"), DecimalWidget())
    co2e_per_kg = column("co2e_per_kg", _("kg CO2e avoided per kg"), DecimalWidget())
    waste_per_item_kg = column("waste_per_item_kg", _("kg of waste diverted per item"), DecimalWidget())
    impact_source = column("impact_source", _("Source of the impact factors"))

    class Meta:
        model = ProductCategory
        fields = (
            "id",
            "organisation",
            "parent",
            "name",
            "co2e_per_item_kg",
            "co2e_per_kg",
            "waste_per_item_kg",
            "impact_source",
        )

    def export_queryset(self, queryset):
        return queryset.select_related("organisation", "parent").order_by("path")

    def save_with_service(self, instance, extras, row):
        services.product_category_save(category=instance, actor=self.user)
        self.fields["parent"].widget.forget()  # later rows may sit under this one


class ProductWidget(RelatedWidget):
    """The offer's product by its id, else its EAN, else its name (own organisation's or shared)."""

    def __init__(self, **kwargs):
        super().__init__(Product, key="name", **kwargs)

    def clean(self, value, row=None, target=None, **kwargs):
        fields, row = self.resource.fields, row or {}
        product_id, gtin = row.get(fields["product_id"].column_name), row.get(fields["product_gtin"].column_name)
        organisation_id = getattr(target, "organisation_id", None)
        own_or_shared = [organisation_id, None]
        if not is_empty(product_id):
            try:
                found = self.queryset().filter(pk=int(parse_number(product_id)), organisation_id__in=own_or_shared)
            except ValueError:
                found = []
            if len(found) != 1:
                raise ValueError(_("Unknown product id “%(value)s”.") % {"value": product_id})
            return found[0]
        if not is_empty(gtin):
            gtin = fields["product_gtin"].widget.clean(gtin)
            found = list(self.queryset().filter(gtin=gtin, organisation_id__in=own_or_shared)[:2])
            own = [p for p in found if p.organisation_id == organisation_id]
            if len(own or found) != 1:
                raise ValueError(_("Unknown EAN “%(value)s”.") % {"value": gtin})
            return (own or found)[0]
        return super().clean(value, row, target=target, **kwargs)


@register_resource("products")
class ProductResource(ServiceResource):
    natural_keys = (
        ("organisation", "gtin"),
        ("organisation", "producer", "supplier_reference"),
        ("organisation", "name"),
    )
    organisation = organisation_column()
    name = column("name", _("Name"))
    category = column("category", _("Category"), CategoryPathWidget(ProductCategory))
    producer = column("producer", _("Producer"), RelatedWidget(Producer))
    unit = column("unit", _("Unit"), ChoiceWidget(Unit.choices))
    brand = column("brand", _("Brand or maker"))
    model_code = column("model_code", _("Model"))
    size = column("size", _("Size"))
    colour = column("colour", _("Colour"))
    material = column("material", _("Material"))
    gtin = column("gtin", _("EAN / GTIN"), IdentifierWidget())
    supplier_reference = column("supplier_reference", _("Supplier reference"))
    is_unique_item = column("is_unique_item", _("Unique item"), BooleanWidget())
    condition = column("condition", _("Condition"), ChoiceWidget(Condition.choices))
    width_cm = column("width_cm", _("Width (cm)"), DecimalWidget())
    height_cm = column("height_cm", _("Height (cm)"), DecimalWidget())
    depth_cm = column("depth_cm", _("Depth (cm)"), DecimalWidget())
    weight_kg = column("weight_kg", _("Weight (kg)"), DecimalWidget())
    provenance = column("provenance", _("Provenance"))
    description = column("description", _("Description"))

    class Meta:
        model = Product
        fields = (
            "id",
            "organisation",
            "name",
            "category",
            "producer",
            "unit",
            "brand",
            "model_code",
            "size",
            "colour",
            "material",
            "gtin",
            "supplier_reference",
            "is_unique_item",
            "condition",
            "width_cm",
            "height_cm",
            "depth_cm",
            "weight_kg",
            "provenance",
            "description",
        )

    def export_queryset(self, queryset):
        return queryset.select_related("organisation", "category", "producer")

    def save_with_service(self, instance, extras, row):
        services.product_save(product=instance, actor=self.user)


@register_resource("offers")
class OfferResource(ServiceResource):
    """Offers are matched by id only: one product may have several offers (shops, periods)."""

    label_fields = ("product",)
    organisation = organisation_column()
    product_id = column("product_id", _("Product id"), IntegerWidget(), readonly=True)
    product = column("product", _("Product"), ProductWidget())
    product_gtin = column("product__gtin", _("EAN / GTIN"), IdentifierWidget(), readonly=True)
    shop = column("shop", _("Shop"), RelatedWidget(Shop, key="slug", same_organisation=False))
    price_excl_tax = column("price_excl_tax", _("Price excl. tax"), DecimalWidget(places=2))
    price_incl_tax = ExtraField(
        "price_incl_tax", _("Price incl. tax"), DecimalWidget(places=2), same=lambda *args: True
    )
    vat_rate = column("vat_rate", _("VAT rate (%)"), DecimalWidget(), aliases=("vat rate",))
    unlimited_stock = column("unlimited_stock", _("Unlimited stock"), BooleanWidget())
    stock_on_hand = column("stock_on_hand", _("Stock on hand"), IntegerWidget())
    available_from = column("available_from", _("On sale from"), DateTimeWidget())
    available_until = column("available_until", _("On sale until"), DateTimeWidget())
    sale_mode = column("sale_mode", _("Sale mode"), ChoiceWidget(SaleMode.choices))
    case_size = column("case_size", _("Case size"), IntegerWidget())
    minimum_cases = column("minimum_cases", _("Minimum cases"), IntegerWidget())
    reserved_categories = ExtraField(
        "reserved_categories", _("Reserved to"), ManyRelatedWidget(CustomerCategory), aliases=("reserved categories",)
    )
    allowed_depots = ExtraField("allowed_depots", _("Pickup depots"), ManyRelatedWidget(Depot))
    status = column("status", _("Status"), ChoiceWidget(OfferStatus.choices))

    class Meta:
        model = Offer
        fields = (
            "id",
            "organisation",
            "product_id",
            "product",
            "product_gtin",
            "shop",
            "price_excl_tax",
            "price_incl_tax",
            "vat_rate",
            "unlimited_stock",
            "stock_on_hand",
            "available_from",
            "available_until",
            "sale_mode",
            "case_size",
            "minimum_cases",
            "reserved_categories",
            "allowed_depots",
            "status",
        )

    def export_queryset(self, queryset):
        return queryset.select_related("organisation", "product", "shop").prefetch_related(
            "reserved_categories", "allowed_depots"
        )

    def before_import_row(self, row, **kwargs):
        """A product given only by id or EAN still goes through the product column."""
        product_columns = [self.fields[name].column_name for name in ("product_id", "product_gtin")]
        if any(name in row for name in product_columns):
            row.setdefault(self.fields["product"].column_name, "")

    def after_fields(self, instance, row):
        """The service turns whichever price was typed into the stored price excluding tax."""
        excl_column = self.fields["price_excl_tax"].column_name
        incl = pending(instance).get("price_incl_tax")
        excl = instance.price_excl_tax if not is_empty(row.get(excl_column)) else None
        if excl is None and incl is None and instance.pk and excl_column not in row:
            return  # neither price column: the price stays
        instance.price_excl_tax, _incl = services.offer_prices(
            price_excl_tax=excl, price_incl_tax_value=incl, vat_rate=instance.vat_rate
        )

    def save_with_service(self, instance, extras, row):
        services.offer_save(
            offer=instance,
            reserved_categories=extras.get("reserved_categories"),
            allowed_depots=extras.get("allowed_depots"),
            actor=self.user,
        )
