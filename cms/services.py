from django.conf import settings
from django.contrib.auth.models import Permission
from django.db import transaction
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.models import GroupPagePermission, Locale, Page, Site

from .models import HomePage, ShopPage

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
