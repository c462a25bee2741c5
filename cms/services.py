from django.contrib.auth.models import Permission
from django.db import transaction
from wagtail.models import GroupPagePermission

from .models import HomePage, ShopPage

SHOP_PAGE_PERMISSIONS = ["change_page", "publish_page"]


@transaction.atomic
def shop_page_ensure(*, shop) -> ShopPage:
    """Every shop has one published ShopPage that its organisation's staff group may edit and publish."""
    page = ShopPage.objects.filter(shop=shop).first()
    if page is None:
        home = HomePage.objects.get()
        page = ShopPage(title=shop.name, slug=shop.slug, shop=shop)
        home.add_child(instance=page)
    group = shop.organisation.staff_group
    if group is not None:
        for permission in Permission.objects.filter(
            content_type__app_label="wagtailcore", codename__in=SHOP_PAGE_PERMISSIONS
        ):
            GroupPagePermission.objects.get_or_create(group=group, page=page, permission=permission)
    return page
