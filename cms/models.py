from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.images import get_image_model
from wagtail.models import Page

from pivot_site.validators import validate_hex_colour

from .blocks import BodyBlock


class HomePage(Page):
    intro = RichTextField(_("introduction"), blank=True, features=["bold", "italic", "link"])
    body = StreamField(BodyBlock(), blank=True, verbose_name=_("content"))

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]
    max_count = 1
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["cms.ShopPage", "cms.ContentPage"]

    class Meta:
        verbose_name = _("home page")

    def get_context(self, request, *args, **kwargs):
        from shops.selectors import shop_list_public

        context = super().get_context(request, *args, **kwargs)
        context["shops"] = shop_list_public()
        return context


class ShopPage(Page):
    """A shop's storefront, created with the shop; only its organisation's staff edit it."""

    shop = models.OneToOneField("shops.Shop", on_delete=models.PROTECT, related_name="page", verbose_name=_("shop"))
    logo = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("logo"),
    )
    banner = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("banner"),
    )
    primary_colour = models.CharField(
        _("primary colour"), max_length=7, default="#1f6f50", validators=[validate_hex_colour]
    )
    secondary_colour = models.CharField(
        _("secondary colour"), max_length=7, default="#f5efe3", validators=[validate_hex_colour]
    )
    introduction = models.TextField(_("introduction"), blank=True)
    body = StreamField(BodyBlock(), blank=True, verbose_name=_("content"))

    content_panels = [
        *Page.content_panels,
        FieldPanel("introduction"),
        MultiFieldPanel(
            [FieldPanel("logo"), FieldPanel("banner"), FieldPanel("primary_colour"), FieldPanel("secondary_colour")],
            heading=_("Branding"),
        ),
        FieldPanel("body"),
    ]
    parent_page_types = ["cms.HomePage"]
    subpage_types = []
    is_creatable = False

    class Meta:
        verbose_name = _("shop page")

    OFFER_PHOTO_FILTER = "fill-320x240"
    OFFERS_SHOWN = 48
    # The renditions templates/cms/shop_page.html asks for; keep both in step.
    LOGO_FILTERS = ("max-160x160",)
    BANNER_FILTERS = ("fill-600x150", "fill-1200x300", "fill-2400x600")

    def clean(self):
        from pivot_site.exceptions import DomainError

        from .services import branding_validate

        super().clean()
        try:
            branding_validate(primary_colour=self.primary_colour, secondary_colour=self.secondary_colour)
        except DomainError as error:
            raise ValidationError(error.details.get("errors") or {error.field: error.message}, code=error.code)

    def get_context(self, request, *args, **kwargs):
        from offers.models import ProductImage
        from offers.selectors import offer_list_public

        from .selectors import shop_opening_status, shop_week_hours

        context = super().get_context(request, *args, **kwargs)
        self._load_branding_images()
        # A constant number of queries whatever the number of offers: photos and their renditions come in
        # two prefetch queries instead of two per offer.
        renditions = get_image_model().get_rendition_model().objects.filter(filter_spec=self.OFFER_PHOTO_FILTER)
        context["offers"] = (
            offer_list_public()
            .filter(shop=self.shop_id)
            .prefetch_related(
                Prefetch("product__images", queryset=ProductImage.objects.select_related("image")),
                Prefetch("product__images__image__renditions", queryset=renditions),
            )[: self.OFFERS_SHOWN]
        )
        periods = list(self.shop.opening_hours.all())
        context["opening_hours"] = shop_week_hours(periods=periods)
        context["opening_status"] = shop_opening_status(periods=periods, now=timezone.now())
        context["offer_photo_filter"] = self.OFFER_PHOTO_FILTER
        return context

    def _load_branding_images(self):
        """Logo and banner with their renditions in two queries, rather than up to two per image."""
        ids = [pk for pk in (self.logo_id, self.banner_id) if pk]
        if not ids:
            return
        images = (
            get_image_model().objects.filter(pk__in=ids).prefetch_renditions(*self.LOGO_FILTERS, *self.BANNER_FILTERS)
        )
        images = {image.pk: image for image in images}
        if self.logo_id in images:
            self.logo = images[self.logo_id]
        if self.banner_id in images:
            self.banner = images[self.banner_id]


class ContentPage(Page):
    body = StreamField(BodyBlock(), blank=True, verbose_name=_("content"))

    content_panels = [*Page.content_panels, FieldPanel("body")]
    parent_page_types = ["cms.HomePage", "cms.ContentPage"]

    class Meta:
        verbose_name = _("content page")
