"""The ``load_demo_data`` command: complete, idempotent, resettable, scalable, and usable (logins, pages)."""

from datetime import timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import strip_tags
from stdnum import ean
from wagtail.images import get_image_model
from wagtail.models import GroupPagePermission, Revision

from baskets.admin_views import overdue_condition
from baskets.choices import Fulfilment, PaymentMethod, PaymentStatus, ReservationStatus
from baskets.models import Reservation, ReservationLine, StatusChange
from baskets.services import LineRequest, reservation_create
from baskets.wagtail_hooks import reservation_viewset
from cms.demo import data
from cms.demo.pictures import contrast_ratio
from cms.demo.reset import delete_with_dependents, demo_reset
from cms.models import HomePage, ShopPage
from offers import services as offer_services
from offers.choices import OfferStatus, SaleMode, Unit
from offers.models import Offer, Producer, Product, ProductCategory, ProductImage
from offers.pricing import price_incl_tax
from shops.choices import ANIMATORS_GROUP, OrganisationKind, StaffRole, VolunteerAnswer
from shops.models import (
    Closure,
    CustomerCategory,
    Depot,
    Member,
    OpeningPeriod,
    Organisation,
    PickupSlot,
    Shop,
    StaffMembership,
)
from shops.services import depot_check_access_code
from subscriptions.choices import ChangeKind
from subscriptions.models import Delivery, DeliveryChange, Plan, Season, Subscription
from tests import factories

pytestmark = pytest.mark.django_db

# A small sample of each catalogue keeps the test fast; the default (no --items) is the full dataset.
ITEMS = 8
COUNTED = [
    Season,
    Plan,
    Subscription,
    Delivery,
    DeliveryChange,
    Organisation,
    Shop,
    OpeningPeriod,
    Depot,
    PickupSlot,
    Closure,
    CustomerCategory,
    Member,
    StaffMembership,
    Producer,
    ProductCategory,
    Product,
    ProductImage,
    Offer,
    get_image_model(),
    get_user_model(),
    Group,
    ShopPage,
    Revision,
    GroupPagePermission,
    Reservation,
    ReservationLine,
    StatusChange,
]


def snapshot():
    return {model.__name__: model.objects.count() for model in COUNTED}


def load(**options) -> str:
    out = StringIO()
    with translation.override("en"):
        call_command("load_demo_data", items=ITEMS, stdout=out, **options)
    return out.getvalue()


def demo_organisations():
    return Organisation.objects.filter(slug__in=[spec["slug"] for spec in data.ORGANISATIONS])


def demo_orders():
    return Reservation.objects.filter(
        customer__username=data.ORDER_CUSTOMER, idempotency_key__in=[spec["key"] for spec in data.ORDERS]
    )


def check_load_builds_every_kind_of_organisation():
    organisations = demo_organisations()
    kinds = {kind: organisations.filter(kind=kind).count() for kind in OrganisationKind.values}
    assert kinds == {
        OrganisationKind.REUSE_SHOP: 1,
        OrganisationKind.GROUP_BUYING: 1,
        OrganisationKind.SHOP_NETWORK: 6,
        OrganisationKind.CSA_GARDEN: 1,
    }
    shops = Shop.objects.filter(organisation__in=organisations)
    assert shops.count() == len(data.SHOPS) == 14
    assert shops.filter(organisation__kind=OrganisationKind.SHOP_NETWORK).count() == 10
    assert len({shop.city for shop in shops.filter(organisation__kind=OrganisationKind.SHOP_NETWORK)}) == 10
    for shop in shops:
        assert shop.latitude and shop.longitude and shop.opening_hours.exists()
        assert 41 < shop.latitude < 52 and -5 < shop.longitude < 10  # metropolitan France
    assert set(CustomerCategory.objects.filter(organisation__slug=data.JARDIN).values_list("name", flat=True)) >= {
        "Panier solidaire"
    }
    # Besides, the demo customer's first order in an organisation made her a member there (without a category).
    members = Member.objects.filter(organisation__in=organisations).exclude(
        user__username=data.ORDER_CUSTOMER, categories__isnull=True
    )
    assert members.count() == len(data.MEMBERS) == 40
    assert members.filter(is_employee=True).count() == 1
    assert members.filter(volunteer=VolunteerAnswer.YES, volunteer_domains__isnull=False).exists()
    assert members.filter(volunteer=VolunteerAnswer.MAYBE, volunteer_domains__isnull=False).exists()
    assert not members.filter(categories__isnull=True).exists()
    assert strip_tags(HomePage.objects.get().intro).strip()


def check_ressourcerie_items_are_unique_photographed_and_priced():
    offers = Offer.objects.filter(organisation__slug=data.RESSOURCERIE).select_related("product__category")
    assert offers.count() == ITEMS
    items = {item["reference"]: item for item in data.ressourcerie_items(ITEMS)}
    for offer in offers:
        product = offer.product
        assert product.is_unique_item and product.condition and product.provenance and product.weight_kg
        assert product.category.co2e_per_item_kg is not None  # a seeded category with ADEME factors
        assert product.images.count() == 1
        collected = ReservationLine.objects.filter(offer=offer, handed_over_at__isnull=False).exists()
        assert offer.stock_on_hand == (0 if offer.sold_quantity or collected else 1)
        assert offer.status == OfferStatus.PUBLISHED
        assert offer.price_incl_tax == items[product.supplier_reference]["price_incl_tax"]
    sold = offers.filter(sold_quantity=1, sold_at__gte=timezone.now() - timedelta(days=366))
    assert 0 < sold.count() < ITEMS  # the impact pages have a history
    image = offers[0].product.images.get().image
    assert (image.width, image.height) == (480, 360) and image.file_size < 60_000


def test_full_catalogue_sizes():
    assert len(data.ressourcerie_items()) == data.RESSOURCERIE_ITEM_COUNT == 150
    assert len({item["name"] for item in data.ressourcerie_items()}) == 150
    products = data.epicerie_products()
    assert len(products) == 300
    assert all(ean.is_valid(p["gtin"]) for p in products if p["gtin"])
    assert sum(1 for p in products if p["gtin"]) > 100
    assert {p["unit"] for p in products} >= {Unit.KG, Unit.LITRE, Unit.PIECE}
    shoes = data.shoe_products()
    assert {p["size"] for p in shoes} == {str(size) for size in range(36, 46)}
    assert len({p["gtin"] for p in shoes}) == len(shoes) and all(ean.is_valid(p["gtin"]) for p in shoes)


def check_group_buying_catalogue():
    organisation = Organisation.objects.get(slug=data.EPICERIE)
    wholesalers = Producer.objects.filter(organisation=organisation, is_wholesaler=True)
    assert wholesalers.count() == 2
    assert all(producer.minimum_order_amount > 0 for producer in wholesalers)
    offers = Offer.objects.filter(organisation=organisation).select_related("product")
    assert offers.count() == ITEMS
    assert {offer.vat_rate for offer in offers} == {Decimal("5.5")}
    assert all(offer.product.supplier_reference for offer in offers)
    assert any(offer.case_size > 1 for offer in offers)
    assert all(ean.is_valid(offer.product.gtin) for offer in offers if offer.product.gtin)


def check_shoe_network_shares_a_reference_catalogue():
    shoe_offers = Offer.objects.filter(organisation__kind=OrganisationKind.SHOP_NETWORK).select_related("product")
    assert shoe_offers.exists()
    assert all(offer.product.organisation_id is None for offer in shoe_offers)
    assert shoe_offers.values("shop").distinct().count() == 10
    product = shoe_offers[0].product
    assert product.brand and product.colour and product.material and product.size and ean.is_valid(product.gtin)
    assert product.category.parent.name == data.SHOE_CATEGORY_ROOT


def check_csa_garden_depots_and_subscriptions():
    organisation = Organisation.objects.get(slug=data.JARDIN)
    depots = Depot.objects.filter(organisation=organisation)
    assert depots.count() == 4
    restricted = depots.get(restricted=True)
    assert restricted.public_note
    assert depot_check_access_code(depot=restricted, access_code="1234")
    assert not depot_check_access_code(depot=restricted, access_code="0000")
    assert all(depot.pickup_slots.exists() for depot in depots)
    assert depots.filter(delivery_fee__gt=0).count() == 3
    assert Closure.objects.filter(depot__organisation=organisation, replacement__isnull=False).count() == 1
    offers = Offer.objects.filter(organisation=organisation)
    assert offers.count() == len(data.GARDEN_OFFERS)
    assert set(offers.values_list("sale_mode", flat=True)) == {SaleMode.SUBSCRIPTION}
    solidaire = offers.get(product__name="Panier solidaire")
    assert list(solidaire.reserved_categories.values_list("name", flat=True)) == ["Panier solidaire"]
    assert solidaire.allowed_depots.count() == 4
    subscriptions = Subscription.objects.filter(organisation=organisation)
    assert subscriptions.count() == len(data.GARDEN_SUBSCRIPTIONS)
    assert Plan.objects.filter(organisation=organisation).count() == len(data.GARDEN_PLANS)
    assert all(subscription.deliveries.exists() for subscription in subscriptions)
    assert subscriptions.filter(funder__isnull=False, discount_percent__gt=0).count() == 2
    changes = set(DeliveryChange.objects.filter(subscription__organisation=organisation).values_list("kind", flat=True))
    assert changes == {ChangeKind.POSTPONE, ChangeKind.CANCEL, ChangeKind.DOUBLE}
    # The closure of the holidays sends the deliveries of its dates to the replacement depot.
    closure = Closure.objects.get(depot__organisation=organisation)
    during = Delivery.objects.filter(date__range=(closure.starts_on, closure.ends_on), organisation=organisation)
    assert not during.filter(depot=closure.depot).exists()


def check_accounts_are_printed_and_can_log_in(output, client):
    for username, *_rest in data.USERS:
        assert username in output
        assert client.login(username=username, password=data.DEMO_PASSWORD), username
        client.logout()
    assert data.DEMO_PASSWORD in output
    User = get_user_model()
    assert User.objects.get(username="admin").is_superuser
    assert User.objects.get(username="animatrice").groups.filter(name=ANIMATORS_GROUP).exists()
    assert StaffMembership.objects.get(user__username="ressourcerie").role == StaffRole.MANAGER
    for username, slug in [
        ("ressourcerie-vente", data.RESSOURCERIE),
        ("epicerie", data.EPICERIE),
        ("chaussures", data.SHOE_LEFEVRE),
        ("jardin", data.JARDIN),
    ]:
        assert StaffMembership.objects.get(user__username=username).organisation.slug == slug
    ordered_from = set(demo_orders().values_list("organisation__slug", flat=True))
    assert set(Member.objects.filter(user__username="adherent").values_list("organisation__slug", flat=True)) == {
        data.EPICERIE,
        data.JARDIN,
        *ordered_from,
    }


def check_demo_orders_at_every_step(client):
    orders = {order.idempotency_key: order for order in demo_orders().select_related("shop__organisation")}
    expected = {spec["key"]: (spec["steps"] or [ReservationStatus.PLACED])[-1] for spec in data.ORDERS}
    assert {key: order.status for key, order in orders.items()} == expected
    for spec in data.ORDERS:
        order = orders[spec["key"]]
        assert order.fulfilment == spec["fulfilment"]
        history = list(order.history.values_list("to_status", flat=True))
        assert history == [ReservationStatus.PLACED, *spec["steps"]]
        staff = {"ressourcerie-vente"} if spec["organisation"] == data.RESSOURCERIE else {"chaussures"}
        moved_by = order.history.exclude(to_status=ReservationStatus.PLACED).values_list("actor__username", flat=True)
        assert set(moved_by) <= staff
        assert order.history.get(to_status=ReservationStatus.PLACED).actor.username == data.ORDER_CUSTOMER

    # The ressourcerie: unique items collected in their shop, one paid in cash.
    fabrique = [orders[spec["key"]] for spec in data.ORDERS if spec["organisation"] == data.RESSOURCERIE]
    assert {order.status for order in fabrique} == {"placed", "accepted", "ready", "collected"}
    for order in fabrique:
        line = order.lines.select_related("offer__product").get()
        assert line.offer.product.is_unique_item and order.pickup_shop_id == order.shop_id == line.offer.shop_id
    collected = orders["demo-fabrique-retiree"]
    assert collected.payment_status == PaymentStatus.PAID and collected.payment_method == PaymentMethod.CASH
    assert collected.amount_paid == collected.total_incl_tax > 0
    assert collected.lines.get().handed_over_at is not None

    # The shoe networks: one delivery served by another shop of the network than the one in the customer's town,
    # which lacks the size; one shipped with its tracking number; one accepted and not shipped in time.
    routed = orders["demo-chaussures-routee"]
    assert routed.fulfilment == Fulfilment.DELIVERY and routed.latitude is not None
    assert routed.shop.organisation.kind == OrganisationKind.SHOP_NETWORK and routed.shop.city != routed.delivery_city
    line = routed.lines.get()
    local = Offer.objects.get(
        shop__organisation=routed.organisation, shop__city=routed.delivery_city, product=line.offer.product
    )
    assert local.stock_on_hand <= local.stock_allocated
    shipped = orders["demo-lefevre-expediee"]
    assert (
        shipped.carrier == "Colissimo"
        and shipped.tracking_number
        and shipped.shop.organisation.slug == data.SHOE_LEFEVRE
    )
    late = orders["demo-lefevre-en-retard"]
    assert list(Reservation.objects.filter(overdue_condition(timezone.now()))) == [late]
    assert late.placed_at < late.due_at < timezone.now() - timedelta(hours=5)

    # Every demo offer's allocated units are the units its orders hold.
    held = dict(
        ReservationLine.objects.filter(holds_stock=True)
        .values("offer")
        .annotate(n=Sum("quantity"))
        .values_list("offer", "n")
    )
    for offer in Offer.objects.filter(organisation__in=demo_organisations()):
        assert offer.stock_allocated == held.get(offer.pk, 0), offer

    # The dashboard panel shows the overdue order to the shoe shop's staff.
    client.login(username="chaussures", password=data.DEMO_PASSWORD)
    html = client.get("/admin/").content.decode()
    client.logout()
    detail = reverse(reservation_viewset.get_url_name("detail"), args=[late.pk])
    assert "w-text-critical-200" in html and f'href="{detail}"' in html  # the overdue count stands out


def check_staff_reach_the_admin(client):
    client.login(username="ressourcerie", password=data.DEMO_PASSWORD)
    assert client.get("/admin/").status_code == 200
    client.logout()


def test_branding_has_enough_contrast():
    for primary, secondary, _initials in data.BRANDING.values():
        assert contrast_ratio(primary, "#ffffff") >= 4.5
        assert contrast_ratio(primary, secondary) >= 4.5


def check_shop_pages_are_branded_and_render(client):
    pages = ShopPage.objects.filter(shop__organisation__in=demo_organisations()).select_related("shop__organisation")
    assert pages.count() == 14
    for page in pages:
        primary, secondary, _initials = data.BRANDING[page.shop.organisation.slug]
        assert page.live and not page.has_unpublished_changes
        assert page.logo_id and page.banner_id and page.introduction
        response = client.get(page.url)
        assert response.status_code == 200
        html = response.content.decode()
        assert f"--brand-primary: {primary}" in html and f"--brand-secondary: {secondary}" in html
    response = client.get(pages.get(shop__slug="la-fabrique-montreuil").url)
    assert Offer.objects.filter(shop__slug="la-fabrique-montreuil").first().product.name in response.content.decode()
    assert client.get("/").status_code == 200


def test_load_builds_the_whole_dataset_and_twice_changes_nothing(db, client):
    output = load()
    check_load_builds_every_kind_of_organisation()
    check_ressourcerie_items_are_unique_photographed_and_priced()
    check_group_buying_catalogue()
    check_shoe_network_shares_a_reference_catalogue()
    check_csa_garden_depots_and_subscriptions()
    check_accounts_are_printed_and_can_log_in(output, client)
    check_demo_orders_at_every_step(client)
    check_staff_reach_the_admin(client)
    check_shop_pages_are_branded_and_render(client)
    assert f"{len(data.ORDERS)} orders" in output

    before = snapshot()
    statuses = dict(demo_orders().values_list("pk", "status"))
    again = load()
    assert snapshot() == before
    assert dict(demo_orders().values_list("pk", "status")) == statuses
    assert "nothing changed" in again


def test_reset_deletes_only_demo_data_and_reloads(db):
    other = factories.ShopFactory(name="Boutique hors démo")
    elsewhere = factories.OfferFactory(organisation=other.organisation, shop=other, stock_on_hand=3)
    kept = reservation_create(
        customer=factories.UserFactory(),
        lines=[LineRequest(elsewhere.pk, 1)],
        fulfilment="pickup",
        pickup_shop_id=other.pk,
    )
    load()
    first = snapshot()

    # The demo customer's orders go with the demo data, wherever she placed them, and the units they held are
    # free again; orders protect offers and shops, so they go first.
    adherent = get_user_model().objects.get(username=data.ORDER_CUSTOMER)
    reservation_create(
        customer=adherent, lines=[LineRequest(elsewhere.pk, 2)], fulfilment="pickup", pickup_shop_id=other.pk
    )
    elsewhere.refresh_from_db()
    assert elsewhere.stock_allocated == 3
    out = load(reset=True)
    assert f"Demo data deleted: {len(data.ORDERS) + 1} orders, " in out and "Created:" in out
    elsewhere.refresh_from_db()
    assert elsewhere.stock_allocated == 1
    assert Reservation.objects.filter(shop=other).get() == kept
    # Only her member record in that other organisation stays: it is that organisation's, not the demo's.
    assert snapshot() == {**first, "Member": first["Member"] + 1}

    # Rows of other apps pointing at demo rows with PROTECT (as offers do at products) go first.
    products = Product.objects.filter(organisation__slug=data.RESSOURCERIE)
    delete_with_dependents(products)
    assert not products.exists() and not Offer.objects.filter(organisation__slug=data.RESSOURCERIE).exists()
    assert Offer.objects.filter(organisation__slug=data.EPICERIE).exists()

    assert demo_reset()["orders"] == len(data.ORDERS)
    assert not demo_organisations().exists()
    assert not get_user_model().objects.filter(username__in=data.DEMO_USERNAMES).exists()
    assert not ShopPage.objects.filter(shop__organisation__slug__in=[s["slug"] for s in data.ORGANISATIONS]).exists()
    assert not Product.objects.filter(gtin__in=[p["gtin"] for p in data.shoe_products()]).exists()
    assert not ProductCategory.objects.filter(name=data.SHOE_CATEGORY_ROOT).exists()
    assert not get_image_model().objects.filter(collection__name=data.IMAGE_COLLECTION).exists()
    assert Shop.objects.filter(pk=other.pk).exists() and ShopPage.objects.filter(shop=other).exists()
    assert list(Reservation.objects.all()) == [kept]


def test_scale_multiplies_shops_and_offers_and_keeps_rules(db):
    shoe_shops = [shop["slug"] for shop in data.SHOPS if shop["organisation"] in data.SHOE_ORGANISATIONS]
    base_offers = (
        2 * ITEMS
        + len(data.GARDEN_OFFERS)
        + sum(
            data.shoe_stock(slug, product["gtin"]) is not None
            for slug in shoe_shops
            for product in data.shoe_products()[:ITEMS]
        )
    )
    load(scale=2)
    scaled = snapshot()
    assert scaled["Shop"] == 2 * len(data.SHOPS)
    assert scaled["ShopPage"] == 2 * len(data.SHOPS)  # extra shops get their page through shop_save too
    assert 1.7 * base_offers <= scaled["Offer"] <= 2.3 * base_offers
    load(scale=2)
    assert snapshot() == scaled

    bulk = Offer.objects.filter(product__supplier_reference__endswith="-2").select_related("product", "shop")
    bulk_shoes = Offer.objects.filter(shop__slug__endswith="-2-0").select_related("product", "shop")
    assert bulk.exists() and bulk_shoes.exists()
    for offer in [*bulk, *bulk_shoes]:
        offer_services.offer_validate(offer=offer)
        offer.full_clean()
        offer.product.full_clean()
        assert offer.price_incl_tax == price_incl_tax(price_excl_tax=offer.price_excl_tax, vat_rate=offer.vat_rate)
    unique = bulk.filter(product__is_unique_item=True)
    assert unique.exists() and set(unique.values_list("stock_on_hand", flat=True)) == {1}
    assert all(offer.product.images.exists() for offer in unique)
