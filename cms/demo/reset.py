"""``load_demo_data --reset``: delete the demo organisations and everything under them (their orders first),
the demo customers' orders, the shared shoe catalogue, the demo users and the demo pictures — and nothing
else."""

from collections import defaultdict

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db.models import Count, F, ProtectedError, Q, RestrictedError, Sum
from wagtail.images import get_image_model

from baskets.models import Reservation, ReservationLine
from cms.models import ShopPage
from offers.models import Offer, Product, ProductCategory
from shops.models import Closure, Depot, Member, Organisation, Shop

from . import data
from .loader import demo_collection, shared_category


def delete_with_dependents(queryset, *, depth: int = 0) -> None:
    """Delete ``queryset``; rows of other apps that protect it (e.g. orders of a demo offer) go first.

    Demo data may have been used (reservations, orders, imports) between two runs; whatever those
    models are, the protected rows are deleted before the demo rows they point to.
    """
    try:
        queryset.delete()
        return
    except (ProtectedError, RestrictedError) as error:
        if depth > 8:
            raise
        blocking = getattr(error, "protected_objects", None) or getattr(error, "restricted_objects", None) or []
        by_model = defaultdict(set)
        for obj in blocking:
            by_model[type(obj)].add(obj.pk)
        for model, pks in by_model.items():
            delete_with_dependents(model._default_manager.filter(pk__in=pks), depth=depth + 1)
        queryset.delete()


def delete_categories(queryset) -> int:
    """Categories protect their children: delete the deepest first."""
    categories = sorted(queryset, key=lambda c: c.path.count("/"), reverse=True)
    for category in categories:
        delete_with_dependents(ProductCategory.objects.filter(pk=category.pk))
    return len(categories)


def delete_orders(reservations) -> int:
    """Delete orders (their lines, history and reassignments go with them); the units their lines still held
    go back to the offers' free stock, so that an offer that stays (another organisation's, ordered by a demo
    customer) keeps ``stock_allocated`` equal to what its remaining orders hold."""
    held = (
        ReservationLine.objects.filter(reservation__in=reservations, holds_stock=True)
        .values("offer_id")
        .annotate(units=Sum("quantity"))
        .order_by("offer_id")
    )
    for row in held:
        Offer.objects.filter(pk=row["offer_id"]).update(stock_allocated=F("stock_allocated") - row["units"])
    count = reservations.count()
    delete_with_dependents(reservations)
    return count


def demo_reset() -> dict[str, int]:
    """Delete the demo data; return how many of each kind of object went."""
    counts = {}
    organisations = Organisation.objects.filter(slug__in=[spec["slug"] for spec in data.ORGANISATIONS])
    group_ids = list(organisations.exclude(staff_group=None).values_list("staff_group_id", flat=True))
    shops = Shop.objects.filter(organisation__in=organisations)

    # Orders first: they protect the offers and shops they were placed in.
    counts["orders"] = delete_orders(
        Reservation.objects.filter(
            Q(organisation__in=organisations)
            | Q(shop__in=shops)
            | Q(pickup_shop__in=shops)
            | Q(customer__username__in=data.DEMO_CUSTOMERS)
        )
    )
    pages = ShopPage.objects.filter(shop__in=shops)
    counts["shop pages"] = pages.count()
    pages.delete()
    offers = Offer.objects.filter(organisation__in=organisations)
    counts["offers"] = offers.count()
    delete_with_dependents(offers)
    products = Product.objects.filter(organisation__in=organisations)
    counts["products"] = products.count()
    delete_with_dependents(products)

    # The shared shoe catalogue, unless another organisation has started selling it.
    gtins = [spec["gtin"] for spec in data.shoe_products()]
    unsold = Product.objects.filter(organisation=None, gtin__in=gtins).annotate(n=Count("offers")).filter(n=0)
    shared = Product.objects.filter(pk__in=list(unsold.values_list("pk", flat=True)))
    counts["products"] += shared.count()
    delete_with_dependents(shared)
    counts["product categories"] = 0
    textile = shared_category("Textile et chaussures")
    root = shared_category(data.SHOE_CATEGORY_ROOT, parent=textile) if textile else None
    if root is not None and not Product.objects.filter(category__path__startswith=root.path).exists():
        counts["product categories"] += delete_categories(ProductCategory.objects.filter(path__startswith=root.path))
    counts["product categories"] += delete_categories(ProductCategory.objects.filter(organisation__in=organisations))

    for label, queryset in (
        ("members", Member.objects.filter(organisation__in=organisations)),
        ("closures", Closure.objects.filter(depot__organisation__in=organisations)),
        ("depots", Depot.objects.filter(organisation__in=organisations)),
        ("shops", shops),
        ("organisations", organisations),
        ("users", get_user_model().objects.filter(username__in=data.DEMO_USERNAMES)),
    ):
        counts[label] = queryset.count()
        delete_with_dependents(queryset)
    Group.objects.filter(pk__in=group_ids).delete()

    collection = demo_collection(create=False)
    counts["images"] = 0
    if collection is not None:
        images = get_image_model().objects.filter(collection=collection)
        counts["images"] = images.count()
        delete_with_dependents(images)
        collection.delete()
    return counts
