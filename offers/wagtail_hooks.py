import django_filters
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel, ObjectList
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.viewsets.model import ModelViewSetGroup
from wagtail.admin.widgets.button import Button

from shops.permissions import can_change
from shops.viewsets import OrganisationScopedViewSet, ScopedEditView, ScopedFilterSet, ScopedIndexView

from .choices import OfferStatus
from .forms import OfferForm, ProducerForm, ProductCategoryForm, ProductForm
from .models import Offer, Producer, Product, ProductCategory
from .resources import OfferResource, ProducerResource, ProductCategoryResource, ProductResource
from .views import OfferDuplicateView, OfferMarkSoldView, OfferMarkUnsoldView


class ProducerViewSet(OrganisationScopedViewSet):
    model = Producer
    resource_class = ProducerResource
    icon = "group"
    menu_label = _("Producers and suppliers")
    list_display = ["name", "city", "is_wholesaler", "minimum_order_amount", "organisation"]
    list_filter = ["organisation", "is_wholesaler"]
    search_fields = ["name", "city", "contact_name"]
    ordering = ["name"]
    edit_handler = ObjectList(
        [
            FieldRowPanel([FieldPanel("name"), FieldPanel("organisation")]),
            MultiFieldPanel(
                [
                    FieldRowPanel([FieldPanel("postcode"), FieldPanel("city")]),
                    FieldRowPanel([FieldPanel("latitude"), FieldPanel("longitude")]),
                ],
                heading=_("Location"),
            ),
            MultiFieldPanel(
                [FieldPanel("contact_name"), FieldRowPanel([FieldPanel("email"), FieldPanel("phone")])],
                heading=_("Contact"),
            ),
            FieldRowPanel([FieldPanel("is_wholesaler"), FieldPanel("minimum_order_amount")]),
        ],
        base_form_class=ProducerForm,
    )


class ProductCategoryViewSet(OrganisationScopedViewSet):
    model = ProductCategory
    resource_class = ProductCategoryResource
    icon = "folder-open-inverse"
    menu_label = _("Product categories")
    list_display = ["name", "parent", "co2e_per_item_kg", "waste_per_item_kg", "organisation"]
    list_filter = ["organisation", "parent"]
    search_fields = ["name"]
    ordering = ["path"]
    edit_handler = ObjectList(
        [
            FieldRowPanel([FieldPanel("name"), FieldPanel("parent")]),
            FieldPanel("organisation"),
            MultiFieldPanel(
                [
                    FieldRowPanel(
                        [FieldPanel("co2e_per_item_kg"), FieldPanel("co2e_per_kg"), FieldPanel("waste_per_item_kg")]
                    ),
                    FieldPanel("impact_source"),
                ],
                heading=_("Environmental impact"),
            ),
        ],
        base_form_class=ProductCategoryForm,
    )


class ProductViewSet(OrganisationScopedViewSet):
    model = Product
    resource_class = ProductResource
    icon = "pick"
    menu_label = _("Products")
    list_display = ["name", "category", "brand", "size", "condition", "gtin", "organisation"]
    list_filter = ["organisation", "category", "condition", "is_unique_item", "unit"]
    search_fields = ["name", "brand", "gtin", "supplier_reference", "model_code"]
    ordering = ["name"]
    edit_handler = ObjectList(
        [
            FieldRowPanel([FieldPanel("name"), FieldPanel("organisation")]),
            FieldPanel("description"),
            FieldRowPanel([FieldPanel("category"), FieldPanel("producer")]),
            InlinePanel("images", heading=_("Photos"), label=_("Photo")),
            MultiFieldPanel(
                [
                    FieldRowPanel([FieldPanel("unit"), FieldPanel("brand"), FieldPanel("model_code")]),
                    FieldRowPanel([FieldPanel("size"), FieldPanel("colour"), FieldPanel("material")]),
                    FieldRowPanel([FieldPanel("gtin"), FieldPanel("supplier_reference")]),
                ],
                heading=_("Characteristics"),
            ),
            MultiFieldPanel(
                [
                    FieldRowPanel([FieldPanel("is_unique_item"), FieldPanel("condition")]),
                    FieldRowPanel(
                        [
                            FieldPanel("width_cm"),
                            FieldPanel("height_cm"),
                            FieldPanel("depth_cm"),
                            FieldPanel("weight_kg"),
                        ]
                    ),
                    FieldPanel("provenance"),
                ],
                heading=_("Second-hand item"),
            ),
        ],
        base_form_class=ProductForm,
    )


class OfferFilterSet(ScopedFilterSet):
    sold = django_filters.BooleanFilter(label=_("Sold"), method="filter_sold")

    def filter_sold(self, queryset, name, value):
        return queryset.filter(sold_quantity__gt=0) if value else queryset.filter(sold_quantity=0)


class OfferIndexView(ScopedIndexView):
    base_filterset_class = OfferFilterSet

    def get_base_queryset(self):
        return super().get_base_queryset().select_related("product", "organisation", "shop")


class OfferEditView(ScopedEditView):
    @cached_property
    def header_more_buttons(self):
        buttons = list(super().header_more_buttons)
        if can_change(self.request.user, self.object) and self.user_has_permission("add"):
            buttons.append(
                Button(
                    _("Duplicate"), url=reverse("offer:duplicate", args=[self.object.pk]), icon_name="copy", priority=15
                )
            )
        if can_change(self.request.user, self.object):
            if self.object.sold_quantity:
                buttons.append(
                    Button(
                        _("Cancel the sale"),
                        url=reverse("offer:mark_unsold", args=[self.object.pk]),
                        icon_name="undo",
                        priority=20,
                    )
                )
            elif self.object.status == OfferStatus.PUBLISHED:
                buttons.append(
                    Button(
                        _("Mark as sold"),
                        url=reverse("offer:mark_sold", args=[self.object.pk]),
                        icon_name="tick",
                        priority=20,
                    )
                )
        return buttons


class OfferViewSet(OrganisationScopedViewSet):
    model = Offer
    resource_class = OfferResource
    icon = "doc-full"
    menu_label = _("Offers")
    index_view_class = OfferIndexView
    edit_view_class = OfferEditView
    list_display = [
        "product",
        "organisation",
        "shop",
        Column("price_incl_tax", label=_("Price incl. tax"), accessor="price_incl_tax"),
        Column("stock_available", label=_("Available"), accessor="stock_available"),
        "status",
        DateColumn("sold_at", label=_("Sold")),
    ]
    list_filter = ["status", "organisation", "shop", "sale_mode", "vat_rate"]
    search_fields = ["product__name", "product__brand", "product__gtin", "product__supplier_reference"]
    ordering = ["-created_at"]
    edit_handler = ObjectList(
        [
            FieldRowPanel([FieldPanel("product"), FieldPanel("status")]),
            FieldRowPanel([FieldPanel("organisation"), FieldPanel("shop")]),
            MultiFieldPanel(
                [FieldRowPanel([FieldPanel("price_excl_tax"), FieldPanel("vat_rate"), FieldPanel("price_incl_tax")])],
                heading=_("Price"),
            ),
            MultiFieldPanel(
                [
                    FieldRowPanel([FieldPanel("unlimited_stock"), FieldPanel("stock_on_hand")]),
                    FieldRowPanel([FieldPanel("case_size"), FieldPanel("minimum_cases")]),
                ],
                heading=_("Stock"),
            ),
            MultiFieldPanel(
                [FieldRowPanel([FieldPanel("available_from"), FieldPanel("available_until")]), FieldPanel("sale_mode")],
                heading=_("Sale period"),
            ),
            MultiFieldPanel(
                [FieldPanel("reserved_categories"), FieldPanel("allowed_depots")], heading=_("Audience and pickup")
            ),
        ],
        base_form_class=OfferForm,
    )

    @property
    def duplicate_view(self):
        return OfferDuplicateView.as_view(edit_url_name=self.get_url_name("edit"))

    def get_urlpatterns(self):
        edit_url_name = self.get_url_name("edit")
        return [
            *super().get_urlpatterns(),
            path("duplicate/<int:pk>/", self.duplicate_view, name="duplicate"),
            path("sold/<int:pk>/", OfferMarkSoldView.as_view(edit_url_name=edit_url_name), name="mark_sold"),
            path("unsold/<int:pk>/", OfferMarkUnsoldView.as_view(edit_url_name=edit_url_name), name="mark_unsold"),
        ]


class CatalogueGroup(ModelViewSetGroup):
    menu_label = _("Catalogue")
    menu_icon = "pick"
    menu_order = 210
    items = [OfferViewSet, ProductViewSet, ProductCategoryViewSet, ProducerViewSet]


@hooks.register("register_admin_viewset")
def register_catalogue_viewsets():
    return CatalogueGroup()
