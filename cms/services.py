import math

from django.conf import settings
from django.contrib.auth.models import Permission
from django.db import transaction
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.models import GroupPagePermission, Locale, Page, Site

from pivot_site.exceptions import DomainError

from .colours import contrast_ratio
from .models import HomePage, ShopPage

# WCAG 2.1 level AA for body text.
MINIMUM_CONTRAST = 4.5
# The site header and the buttons write white on the primary colour (static/css/site.css).
TEXT_ON_PRIMARY = "#ffffff"

SHOP_PAGE_PERMISSIONS = ["change_page", "publish_page"]


def home_page_ensure() -> HomePage:
    """The site's home page, rebuilt under the root page if someone deleted it."""
    home = HomePage.objects.first()
    if home is not None:
        return home
    locale, _created = Locale.objects.get_or_create(
        language_code=get_supported_content_language_variant(settings.LANGUAGE_CODE)
    )
    root = Page.get_first_root_node() or Page.add_root(instance=Page(title="Root", slug="root", locale=locale))
    home = root.add_child(instance=HomePage(title="PIVOT", slug="home", locale=locale))
    Site.objects.update_or_create(
        is_default_site=True, defaults={"hostname": "localhost", "root_page": home, "site_name": "PIVOT"}
    )
    return home


@transaction.atomic
def shop_page_ensure(*, shop) -> ShopPage:
    """Every shop has one published ShopPage that its organisation's staff group may edit and publish."""
    page = ShopPage.objects.filter(shop=shop).first()
    if page is None:
        home = home_page_ensure()
        page = ShopPage(title=shop.name, slug=shop.slug, shop=shop)
        home.add_child(instance=page)
    group = shop.organisation.staff_group
    if group is not None:
        for permission in Permission.objects.filter(
            content_type__app_label="wagtailcore", codename__in=SHOP_PAGE_PERMISSIONS
        ):
            GroupPagePermission.objects.get_or_create(group=group, page=page, permission=permission)
    return page


def _ratio_display(ratio: float) -> str:
    """Rounded down to one decimal, so that 4.47:1 never shows as an acceptable "4.5:1"."""
    return number_format(math.floor(ratio * 10) / 10, decimal_pos=1)


def branding_validate(*, primary_colour: str, secondary_colour: str) -> None:
    """Refuse colours that visitors cannot read (WCAG 2.1 AA, 4.5:1).

    Titles and links are written in the primary colour on the secondary background, and white text
    (header, buttons) on the primary colour. Raises ``DomainError`` (code ``insufficient_contrast``)
    whose ``errors`` detail maps each field at fault to its message, ``field`` naming the first one.
    """
    errors = {}
    minimum = number_format(MINIMUM_CONTRAST, decimal_pos=1)
    on_white = contrast_ratio(TEXT_ON_PRIMARY, primary_colour)
    if on_white < MINIMUM_CONTRAST:
        errors["primary_colour"] = _(
            "Insufficient contrast between white text and the primary colour: %(ratio)s:1, "
            "at least %(minimum)s:1 is needed. Choose a darker primary colour."
        ) % {"ratio": _ratio_display(on_white), "minimum": minimum}
    on_secondary = contrast_ratio(primary_colour, secondary_colour)
    if on_secondary < MINIMUM_CONTRAST:
        errors["secondary_colour"] = _(
            "Insufficient contrast between the primary colour and the secondary colour: %(ratio)s:1, "
            "at least %(minimum)s:1 is needed. Choose a lighter secondary colour."
        ) % {"ratio": _ratio_display(on_secondary), "minimum": minimum}
    if errors:
        field = next(iter(errors))
        raise DomainError(
            " ".join(errors.values()),
            code="insufficient_contrast",
            field=field,
            errors=errors,
            ratios={"primary_colour": round(on_white, 2), "secondary_colour": round(on_secondary, 2)},
        )
