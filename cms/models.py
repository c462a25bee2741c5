import time

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Prefetch
from django.db.models.signals import post_delete, post_save
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.images import get_image_model
from wagtail.models import Orderable, Page, PageManager
from wagtail.query import PageQuerySet
from wagtail.signals import page_published, page_unpublished, post_page_move

from pivot_site.validators import validate_hex_colour

from .blocks import BodyBlock


def images_with_renditions(ids, *filter_specs) -> dict:
    """Images by id with their ``filter_specs`` renditions: two queries, none without ids."""
    if not ids:
        return {}
    images = get_image_model().objects.filter(pk__in=ids).prefetch_renditions(*filter_specs)
    return {image.pk: image for image in images}


class HomePage(Page):
    intro = RichTextField(_("introduction"), blank=True, features=["bold", "italic", "link"])
    body = StreamField(BodyBlock(), blank=True, verbose_name=_("content"))

    FEATURED_MAX = 12
    FEATURED_DEFAULT = 6
    # The rendition templates/cms/home_page.html asks for; keep both in step.
    LOGO_FILTER = "max-80x80"

    content_panels = [
        *Page.content_panels,
        FieldPanel("intro"),
        InlinePanel(
            "featured_shops",
            label=_("Featured shops"),
            max_num=FEATURED_MAX,
            help_text=_("Shown on the home page in this order; when empty, the shops with the most offers."),
        ),
        FieldPanel("body"),
    ]
    max_count = 1
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["cms.ShopPage", "cms.ContentPage", "cms.CatalogPage"]

    class Meta:
        verbose_name = _("home page")

    def get_context(self, request, *args, **kwargs):
        from shops.choices import OrganisationKind
        from shops.selectors import shop_list_featured

        context = super().get_context(request, *args, **kwargs)
        # Read through the cluster so that a preview shows the shops being chosen, not the saved ones.
        chosen = [item.shop_id for item in self.featured_shops.all()][: self.FEATURED_MAX]
        shops = shop_list_featured(shop_ids=chosen, default_count=self.FEATURED_DEFAULT)
        self._load_logos(shops)
        context["featured_shops"] = shops
        context["catalogue_url"] = CatalogPage.main_url(request)
        context["map_kinds"] = OrganisationKind.choices
        return context

    def _load_logos(self, shops):
        """The shop pages' logos with their renditions in two queries, rather than two per shop."""
        pages = [shop.page for shop in shops if getattr(shop, "page", None) and shop.page.logo_id]
        images = images_with_renditions({page.logo_id for page in pages}, self.LOGO_FILTER)
        for page in pages:
            page.logo = images.get(page.logo_id)


class HomePageFeaturedShop(Orderable):
    page = ParentalKey(HomePage, on_delete=models.CASCADE, related_name="featured_shops")
    shop = models.ForeignKey("shops.Shop", on_delete=models.CASCADE, related_name="featured_on", verbose_name=_("shop"))

    panels = [FieldPanel("shop")]

    class Meta(Orderable.Meta):
        verbose_name = _("featured shop")
        verbose_name_plural = _("featured shops")


class ShopPageQuerySet(PageQuerySet):
    def only(self, *fields):
        # Partial loads (treebeard's tree delete) have no use for the shop, and Django refuses to defer a
        # field that select_related traverses.
        return super(ShopPageQuerySet, self.select_related(None)).only(*fields)

    def defer(self, *fields):
        return super(ShopPageQuerySet, self.select_related(None)).defer(*fields)


class ShopPageManager(PageManager.from_queryset(ShopPageQuerySet)):
    def get_queryset(self):
        # Wagtail loads a visited page through its default manager: the shop comes in the same query.
        return super().get_queryset().select_related("shop")


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
    subpage_types = ["cms.CatalogPage"]
    is_creatable = False

    objects = ShopPageManager()

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
        ids = {pk for pk in (self.logo_id, self.banner_id) if pk}
        images = images_with_renditions(ids, *self.LOGO_FILTERS, *self.BANNER_FILTERS)
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


_MISSING = object()
_main_catalogue_url: dict = {}


class CatalogPage(Page):
    """The faceted catalogue: the whole platform's under the home page, one shop's under its ShopPage."""

    introduction = models.TextField(_("introduction"), blank=True)
    shop = models.ForeignKey(
        "shops.Shop",
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("shop"),
        help_text=_("Set from the shop page it sits in; empty for the platform's catalogue."),
    )

    content_panels = [*Page.content_panels, FieldPanel("introduction")]
    parent_page_types = ["cms.HomePage", "cms.ShopPage"]
    subpage_types = []

    PER_PAGE = 24
    MAIN_URL_TTL = 60
    OFFER_PHOTO_FILTER = "fill-320x240"
    PARTIAL_TEMPLATE = "cms/includes/catalog_results.html"

    class Meta:
        verbose_name = _("catalogue page")

    @classmethod
    def main_url(cls, request=None):
        """URL of the platform's catalogue (the shallowest live CatalogPage), or None.

        Shown in every page's menu, so it is remembered for ``MAIN_URL_TTL`` seconds by each process and
        forgotten at once when a catalogue page is saved, published, unpublished or deleted here.
        """
        now = time.monotonic()
        cached = _main_catalogue_url.get("value", _MISSING)
        if cached is not _MISSING and now - _main_catalogue_url["at"] < cls.MAIN_URL_TTL:
            return cached
        page = cls.objects.live().order_by("depth", "path").only("id", "path", "url_path").first()
        url = page.get_url(request) if page else None
        _main_catalogue_url.update(value=url, at=now)
        return url

    @staticmethod
    def forget_main_url(**kwargs):
        _main_catalogue_url.clear()

    def get_template(self, request, *args, **kwargs):
        if request.GET.get("partial") == "1" or request.headers.get("X-Requested-With") == "XMLHttpRequest":
            return self.PARTIAL_TEMPLATE
        return super().get_template(request, *args, **kwargs)

    def save(self, *args, **kwargs):
        # Remember the shop of the ShopPage this catalogue sits in, so that a visit needs no lookup.
        if self.path:
            parent_path = self.path[: -self.steplen]
            self.shop_id = ShopPage.objects.filter(path=parent_path).values_list("shop_id", flat=True).first()
        return super().save(*args, **kwargs)

    def get_context(self, request, *args, **kwargs):
        from offers.filters import CatalogFilter
        from offers.models import Offer
        from offers.selectors import OfferIdsPaginator, as_cards, catalogue_facets, offer_list_public, with_photos

        context = super().get_context(request, *args, **kwargs)
        shop_id = self.shop_id
        offers = offer_list_public()
        if shop_id:
            offers = offers.filter(shop=shop_id)
        data = request.GET.copy()
        data.pop("page", None)
        data.pop("partial", None)
        filterset = CatalogFilter(data, queryset=offers, request=request)
        paginator = OfferIdsPaginator(
            filterset.qs,
            self.PER_PAGE,
            rows=lambda ids: with_photos(
                as_cards(filterset.ordered(Offer.objects.filter(pk__in=ids))), rendition_filter=self.OFFER_PHOTO_FILTER
            ),
        )
        full_page = self.get_template(request) != self.PARTIAL_TEMPLATE
        if full_page:
            cleaned = filterset.form.cleaned_data
            facets = catalogue_facets(
                filterset.qs_without("category", "shop"),
                category_path=filterset.form.category_path if cleaned.get("category") else None,
                shop_id=cleaned.get("shop"),
            )
            paginator.count = facets.total  # counted with the facets: no COUNT query of its own
            context.update(
                category_tree=facets.category_tree,
                shop_facets=[] if shop_id else facets.shops,
                selected_category=cleaned.get("category"),
            )
        page_obj = paginator.get_page(request.GET.get("page"))
        query = data.copy()
        for name in list(query):
            if not any(value.strip() for value in query.getlist(name)):
                del query[name]
        context.update(
            filterset=filterset,
            form=filterset.form,
            page_obj=page_obj,
            offers=page_obj.object_list,
            place=filterset.place,
            shop_id=shop_id,
            query_string=query.urlencode(),
            requested_page=request.GET.get("page"),
            offer_photo_filter=self.OFFER_PHOTO_FILTER,
        )
        if context["requested_page"] not in (None, "", str(page_obj.number)):
            context["page_message"] = True
        return context


post_save.connect(CatalogPage.forget_main_url, sender=CatalogPage, dispatch_uid="catalogue_url_saved")
post_delete.connect(CatalogPage.forget_main_url, sender=CatalogPage, dispatch_uid="catalogue_url_deleted")
page_unpublished.connect(CatalogPage.forget_main_url, sender=CatalogPage, dispatch_uid="catalogue_url_unpublished")
# Moving or renaming any ancestor changes the catalogue's URL.
post_page_move.connect(CatalogPage.forget_main_url, dispatch_uid="catalogue_url_moved")
page_published.connect(CatalogPage.forget_main_url, dispatch_uid="catalogue_url_ancestor_published")
