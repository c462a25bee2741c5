"""Builds the demo dataset of ``cms.demo.data`` through the services, as every other door does.

Each object is looked up by its natural key first (organisation and shop slugs, usernames, e-mails, supplier
references, GTINs, image titles, orders' idempotency keys) and only created when missing, so that running
the loader again changes nothing. The exceptions to "through the services" are the benchmark volume of
``--scale`` (see ``DemoLoader.scale_up``), the past sales (``DemoLoader.build_sales``) and the dates of the
overdue demo order (``DemoLoader.backdate_order``).
"""

import io
import random
import time
from collections import Counter, defaultdict
from datetime import date, timedelta
from decimal import Decimal
from functools import partial

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import check_password, make_password
from django.contrib.auth.models import Group
from django.core.files.images import ImageFile
from django.db.models import F
from django.db.models.signals import post_save
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.text import slugify
from wagtail.images import get_image_model
from wagtail.models import Collection, ReferenceIndex
from wagtail.signal_handlers import disable_reference_index_auto_update

from baskets.choices import Fulfilment, ReservationStatus
from baskets.deadlines import deadlines_for
from baskets.models import Reservation, StatusChange
from baskets.routing import candidates, default_strategy
from baskets.services import DeliveryAddress, LineRequest, reservation_create, reservation_transition
from cms.models import CatalogPage, HomePage, HomePageFeaturedShop, ShopPage
from offers import services as offer_services
from offers.choices import OfferStatus, SaleMode, Unit
from offers.models import Offer, Producer, Product, ProductCategory, ProductImage
from offers.search import offers_reindex
from offers.selectors import sale_period_condition
from offers.services import offer_prices
from pivot_site import page_cache
from shops import services as shop_services
from shops.choices import ANIMATORS_GROUP, StaffRole
from shops.geocoding import geocode_offline
from shops.models import (
    CustomerCategory,
    Depot,
    Member,
    OpeningPeriod,
    Organisation,
    PickupSlot,
    Shop,
    VolunteerDomain,
)
from subscriptions import services as subscription_services
from subscriptions.models import DeliveryBreak, Funder, Plan, Season, Subscription

from . import data, pictures

User = get_user_model()
Image = get_image_model()

VAT_STANDARD = Decimal("20.0")
VAT_FOOD = Decimal("5.5")
BULK_BATCH = 1000
DEMO_SOLD_SHARE = 0.35
REFERENCE_INDEX_UID = "pivot-demo-reference-index"


def demo_collection(*, create: bool = True):
    """The Wagtail collection that holds every demo picture (so that ``--reset`` can find them)."""
    collection = Collection.objects.filter(depth=2, name=data.IMAGE_COLLECTION).first()
    if collection is None and create:
        collection = Collection.get_first_root_node().add_child(name=data.IMAGE_COLLECTION)
    return collection


def shared_category(name: str, *, parent: ProductCategory | None = None) -> ProductCategory | None:
    categories = ProductCategory.objects.filter(organisation=None, name=name)
    if parent is not None:
        categories = categories.filter(parent=parent)
    return categories.order_by("path").first()


class DemoLoader:
    def __init__(self, *, items: int | None = None, scale: int = 1, log=None):
        self.items = items
        self.scale = max(1, scale)
        self.log = log or (lambda message: None)
        self.created = Counter()
        self.orgs: dict[str, Organisation] = {}
        self.shops: dict[str, Shop] = {}
        self.users: dict[str, object] = {}
        self.customer_categories: dict[tuple[str, str], CustomerCategory] = {}
        self.categories: dict[str, ProductCategory] = {}

    # ---------------------------------------------------------------------------------------------------
    # Entry point

    def run(self):
        self.collection = demo_collection()
        steps = [
            self.build_users,
            self.build_organisations,
            self.build_staff,
            self.build_shops,
            self.build_customer_categories,
            self.build_members,
            self.build_ressourcerie,
            self.build_epicerie,
            self.build_shoe_network,
            self.build_garden,
            self.build_subscriptions,
            self.build_sales,
            self.build_orders,
            self.build_branding,
            self.build_home_page,
            self.build_catalogue_page,
        ]
        if self.scale > 1:
            steps.append(self.scale_up)
        # Wagtail refreshes its reference index after every save, one task per object; collect the indexed
        # objects instead and refresh them once at the end (several times faster for a thousand offers).
        saved = {}

        def remember(sender, instance, raw=False, **kwargs):
            if not raw and ReferenceIndex.is_indexed(sender):
                saved[(sender, instance.pk)] = instance

        post_save.connect(remember, weak=False, dispatch_uid=REFERENCE_INDEX_UID)
        try:
            with disable_reference_index_auto_update():
                for step in steps:
                    started = time.monotonic()
                    step()
                    self.log(f"{step.__name__}: {time.monotonic() - started:.1f} s")
        finally:
            post_save.disconnect(dispatch_uid=REFERENCE_INDEX_UID)
        for instance in saved.values():
            ReferenceIndex.create_or_update_for_object(instance)
        if self.scale > 1:
            # Offers written with bulk_create sent no signal to the search index.
            started = time.monotonic()
            indexed = offers_reindex(Offer.objects.all())
            self.log(f"search index: {indexed} offers, {time.monotonic() - started:.1f} s")
        # Bulk writes sent no signal: forget the cached pages.
        page_cache.invalidate()
        return self.created

    # ---------------------------------------------------------------------------------------------------
    # Helpers

    def image(self, *, title: str, filename: str, render) -> object:
        """The demo picture titled ``title``, drawn by ``render()`` the first time only."""
        image = Image.objects.filter(collection=self.collection, title=title).first()
        if image is not None:
            return image
        image = Image(title=title, collection=self.collection, uploaded_by_user=self.users.get("admin"))
        image.file = ImageFile(io.BytesIO(render()), name=filename)
        image._set_image_file_metadata()
        image.save()
        self.created["images"] += 1
        return image

    def category(self, name: str) -> ProductCategory:
        """A category of the shared tree seeded by the migrations."""
        if name not in self.categories:
            category = shared_category(name)
            if category is None:
                raise LookupError(f"The shared category “{name}” is missing: run the migrations first.")
            self.categories[name] = category
        return self.categories[name]

    @property
    def actor(self):
        return self.users.get("admin")

    # ---------------------------------------------------------------------------------------------------
    # Users, organisations, staff

    def build_users(self):
        animators = Group.objects.get(name=ANIMATORS_GROUP)
        # Hashing is slow on purpose: hash the shared demo password once and give every demo user that
        # hash; on later runs, one check covers every user who still has it.
        existing = {user.username: user for user in User.objects.filter(username__in=data.DEMO_USERNAMES)}
        known_hashes = {
            encoded
            for encoded in {user.password for user in existing.values()}
            if check_password(data.DEMO_PASSWORD, encoded)
        }
        demo_hash = next(iter(known_hashes), None) or make_password(data.DEMO_PASSWORD)
        for username, first_name, last_name, role, _organisation in data.USERS:
            user = existing.get(username)
            changed = False
            if user is None:
                user = User(username=username, first_name=first_name, last_name=last_name)
                user.email = f"{username}@pivot.example.org"
                self.created["users"] += 1
            if user.password != demo_hash and user.password not in known_hashes:
                user.password = demo_hash
                changed = True
            if not user.is_active:
                user.is_active, changed = True, True
            if role == data.ROLE_SUPERUSER and not (user.is_superuser and user.is_staff):
                user.is_superuser, user.is_staff, changed = True, True, True
            if changed:
                user.save()
            if role == data.ROLE_ANIMATOR:
                user.groups.add(animators)
            self.users[username] = user

    def build_organisations(self):
        for spec in data.ORGANISATIONS:
            organisation = Organisation.objects.filter(slug=spec["slug"]).first()
            if organisation is None:
                fields = {key: value for key, value in spec.items() if key != "vat"}
                organisation = Organisation(**fields)
                if spec.get("vat"):
                    organisation.vat_number = data.french_vat_number(spec["siret"])
                shop_services.organisation_save(organisation=organisation, actor=self.actor)
                self.created["organisations"] += 1
            self.orgs[spec["slug"]] = organisation

    def build_staff(self):
        for username, _first, _last, role, organisation_slug in data.USERS:
            if role in (StaffRole.STAFF, StaffRole.MANAGER):
                shop_services.staff_membership_set(
                    organisation=self.orgs[organisation_slug], user=self.users[username], role=role, actor=self.actor
                )

    # ---------------------------------------------------------------------------------------------------
    # Shops

    def build_shops(self):
        existing = {shop.slug: shop for shop in Shop.objects.filter(slug__in=[s["slug"] for s in data.SHOPS])}
        for spec in data.SHOPS:
            shop = existing.get(spec["slug"])
            if shop is None:
                organisation = self.orgs[spec["organisation"]]
                shop = Shop(
                    organisation=organisation,
                    slug=spec["slug"],
                    name=spec["name"],
                    address=spec["address"],
                    postcode=spec["postcode"],
                    city=spec["city"],
                    latitude=Decimal(spec["latitude"]),
                    longitude=Decimal(spec["longitude"]),
                    phone=spec.get("phone", ""),
                    email=spec.get("email") or organisation.email,
                )
                periods = spec.get("hours", data.SHOE_SHOP_HOURS)
                shop_services.shop_save(
                    shop=shop,
                    opening_hours=[
                        OpeningPeriod(weekday=day, opens=opens, closes=closes) for day, opens, closes in periods
                    ],
                    actor=self.actor,
                )
                self.created["shops"] += 1
            self.shops[spec["slug"]] = shop

    # ---------------------------------------------------------------------------------------------------
    # Customer categories and members

    def build_customer_categories(self):
        existing = {
            (category.organisation_id, category.name): category
            for category in CustomerCategory.objects.filter(organisation__in=self.orgs.values())
        }
        for slug, categories in data.CUSTOMER_CATEGORIES.items():
            organisation = self.orgs[slug]
            for name, is_professional, description in categories:
                category = existing.get((organisation.pk, name))
                if category is None:
                    category = shop_services.customer_category_save(
                        category=CustomerCategory(
                            organisation=organisation,
                            name=name,
                            is_professional=is_professional,
                            description=description,
                        ),
                        actor=self.actor,
                    )
                    self.created["customer categories"] += 1
                self.customer_categories[(slug, name)] = category

    def build_members(self):
        domains = {domain.code: domain for domain in VolunteerDomain.objects.all()}
        existing = {
            (member.organisation_id, member.email)
            for member in Member.objects.filter(organisation__in=self.orgs.values())
        }
        for index, row in enumerate(data.MEMBERS):
            slug, first, last, postcode, city, categories, volunteer, volunteer_domains, employee, comments, *user = row
            organisation = self.orgs[slug]
            email = f"{slugify(first)}.{slugify(last)}@example.org"
            if (organisation.pk, email) in existing:
                continue
            member = Member(
                organisation=organisation,
                user=self.users[user[0]] if user else None,
                first_name=first,
                last_name=last,
                email=email,
                phone=f"{data.FICTION_PHONE_PREFIX.get(postcode[:2], '09 95 00')} {10 + index:02d} {(index * 37) % 90 + 10:02d}",
                address=f"{3 + index * 7 % 80} rue {['des Écoles', 'Voltaire', 'de la Paix', 'Pasteur', 'du Marché'][index % 5]}",
                postcode=postcode,
                city=city,
                volunteer=volunteer,
                is_employee=employee,
                contact_by_sms=index % 3 == 0,
                comments=comments,
            )
            shop_services.member_save(
                member=member,
                categories=[self.customer_categories[(slug, name)] for name in categories],
                volunteer_domains=[domains[code] for code in volunteer_domains if code in domains],
                actor=self.actor,
            )
            self.created["members"] += 1

    # ---------------------------------------------------------------------------------------------------
    # Ressourcerie: unique second-hand items with a photo each

    def item_image(self, item):
        family = item["family"]
        return self.image(
            title=f"{item['name']} ({item['reference']})",
            filename=f"{item['reference'].lower()}-{slugify(item['name'])[:40]}.jpg",
            render=lambda: pictures.item_picture(
                title=item["name"],
                background=family["background"],
                object_colour=ITEM_COLOURS.get(item["colour"], "#8d6e4f"),
                shape=family["shape"],
            ),
        )

    def build_ressourcerie(self):
        organisation = self.orgs[data.RESSOURCERIE]
        existing = {
            product.supplier_reference: product
            for product in Product.objects.filter(organisation=organisation, supplier_reference__startswith="LF-")
        }
        offered = set(Offer.objects.filter(organisation=organisation).values_list("product_id", flat=True))
        for item in data.ressourcerie_items(self.items):
            product = existing.get(item["reference"])
            if product is None:
                description = f"{item['name']}. {item['material']}, coloris {item['colour'].lower()}."
                if item["note"]:
                    description += f" {item['note']}"
                product = Product(
                    organisation=organisation,
                    name=item["name"],
                    description=description,
                    category=self.category(item["category"]),
                    unit=Unit.PIECE,
                    brand=item["brand"],
                    size=item["size"],
                    colour=item["colour"],
                    material=item["material"],
                    supplier_reference=item["reference"],
                    is_unique_item=True,
                    condition=item["condition"],
                    width_cm=item["width_cm"],
                    height_cm=item["height_cm"],
                    depth_cm=item["depth_cm"],
                    weight_kg=item["weight_kg"],
                    provenance=item["provenance"],
                )
                product.images = [ProductImage(image=self.item_image(item))]
                offer_services.product_save(product=product, actor=self.actor)
                self.created["products"] += 1
            if product.pk not in offered:
                price_excl_tax, _incl = offer_prices(price_incl_tax_value=item["price_incl_tax"], vat_rate=VAT_STANDARD)
                offer_services.offer_save(
                    offer=Offer(
                        organisation=organisation,
                        shop=self.shops[item["shop"]],
                        product=product,
                        price_excl_tax=price_excl_tax,
                        vat_rate=VAT_STANDARD,
                        stock_on_hand=1,
                        status=OfferStatus.PUBLISHED,
                    ),
                    actor=self.actor,
                )
                self.created["offers"] += 1

    # ---------------------------------------------------------------------------------------------------
    # Group-buying association: producers, own subcategories, catalogue, case sizes

    def build_epicerie(self):
        organisation = self.orgs[data.EPICERIE]
        shop = self.shops["epi-solidaire-guillotiere"]
        producers = {}
        for spec in data.PRODUCERS:
            producer = Producer.objects.filter(organisation=organisation, name=spec["name"]).first()
            if producer is None:
                fields = {key: value for key, value in spec.items() if key not in ("key", "prefix")}
                fields["latitude"], fields["longitude"] = Decimal(fields["latitude"]), Decimal(fields["longitude"])
                producer = offer_services.producer_save(
                    producer=Producer(organisation=organisation, **fields), actor=self.actor
                )
                self.created["producers"] += 1
            producers[spec["key"]] = producer

        subcategories = {}
        for parent_name, names in data.EPICERIE_CATEGORIES.items():
            parent = self.category(parent_name)
            for name in names:
                category = ProductCategory.objects.filter(organisation=organisation, parent=parent, name=name).first()
                if category is None:
                    category = offer_services.product_category_save(
                        category=ProductCategory(organisation=organisation, parent=parent, name=name), actor=self.actor
                    )
                    self.created["product categories"] += 1
                subcategories[name] = category

        bulk_buyers = [
            self.customer_categories[(data.EPICERIE, name)] for name in ("Cantine scolaire", "Commerçant", "Grossiste")
        ]
        existing = {
            (product.producer_id, product.supplier_reference): product
            for product in Product.objects.filter(organisation=organisation).exclude(supplier_reference="")
        }
        offered = set(Offer.objects.filter(organisation=organisation).values_list("product_id", flat=True))
        for spec in data.epicerie_products(self.items):
            producer = producers[spec["producer"]]
            product = existing.get((producer.pk, spec["reference"]))
            if product is None:
                product = offer_services.product_save(
                    product=Product(
                        organisation=organisation,
                        producer=producer,
                        name=spec["name"],
                        description=self.grocery_description(spec, producer),
                        category=subcategories[spec["subcategory"]],
                        unit=spec["unit"],
                        brand=spec["brand"],
                        gtin=spec["gtin"],
                        supplier_reference=spec["reference"],
                    ),
                    actor=self.actor,
                )
                self.created["products"] += 1
            if product.pk not in offered:
                rng = random.Random(f"epi-stock-{spec['reference']}")
                price_excl_tax, _incl = offer_prices(price_excl_tax=spec["price_excl_tax"], vat_rate=VAT_FOOD)
                offer_services.offer_save(
                    offer=Offer(
                        organisation=organisation,
                        shop=shop,
                        product=product,
                        price_excl_tax=price_excl_tax,
                        vat_rate=VAT_FOOD,
                        # Wholesalers deliver whatever is ordered; local producers announce what they have.
                        unlimited_stock=producer.is_wholesaler,
                        stock_on_hand=0 if producer.is_wholesaler else rng.randrange(10, 80),
                        case_size=spec["case_size"],
                        minimum_cases=spec["minimum_cases"],
                        status=OfferStatus.PUBLISHED,
                    ),
                    reserved_categories=bulk_buyers if spec["case_size"] >= 25 else None,
                    actor=self.actor,
                )
                self.created["offers"] += 1

    @staticmethod
    def grocery_description(spec, producer):
        unit = dict(Unit.choices)[spec["unit"]]
        text = f"Vendu par carton de {spec['case_size']} ({unit})."
        if spec["minimum_cases"] > 1:
            text += f" Minimum {spec['minimum_cases']} cartons par commande groupée."
        if producer.is_wholesaler:
            text += f" Grossiste : {producer.name}, franco de port à {producer.minimum_order_amount} € HT."
        else:
            text += f" Producteur local : {producer.name} ({producer.city})."
        return text

    # ---------------------------------------------------------------------------------------------------
    # Shoe network: shared subtree, shared reference catalogue, per-shop stock

    def shoe_categories(self) -> dict[str, ProductCategory]:
        parent = self.category("Textile et chaussures")
        root = shared_category(data.SHOE_CATEGORY_ROOT, parent=parent)
        if root is None:
            root = offer_services.product_category_save(
                category=ProductCategory(organisation=None, parent=parent, name=data.SHOE_CATEGORY_ROOT),
                actor=self.actor,
            )
            self.created["product categories"] += 1
        categories = {}
        for name in data.SHOE_CATEGORIES:
            category = shared_category(name, parent=root)
            if category is None:
                category = offer_services.product_category_save(
                    category=ProductCategory(organisation=None, parent=root, name=name), actor=self.actor
                )
                self.created["product categories"] += 1
            categories[name] = category
        return categories

    def shoe_catalogue(self) -> list[tuple[dict, Product]]:
        categories = self.shoe_categories()
        specs = data.shoe_products()[: self.items]
        existing = {
            product.gtin: product
            for product in Product.objects.filter(organisation=None, gtin__in=[spec["gtin"] for spec in specs])
        }
        catalogue = []
        for spec in specs:
            product = existing.get(spec["gtin"])
            if product is None:
                product = offer_services.product_save(
                    product=Product(
                        organisation=None,
                        name=spec["name"],
                        description=spec["description"],
                        category=categories[spec["category"]],
                        unit=Unit.PIECE,
                        brand=spec["brand"],
                        model_code=spec["model_code"],
                        size=spec["size"],
                        colour=spec["colour"],
                        material=spec["material"],
                        gtin=spec["gtin"],
                    ),
                    actor=self.actor,
                )
                self.created["products"] += 1
            catalogue.append((spec, product))
        return catalogue

    def build_shoe_network(self):
        self.catalogue = self.shoe_catalogue()
        shoe_shops = [
            self.shops[spec["slug"]] for spec in data.SHOPS if spec["organisation"] in data.SHOE_ORGANISATIONS
        ]
        offered = set(Offer.objects.filter(shop__in=shoe_shops).values_list("shop_id", "product_id"))
        for shop in shoe_shops:
            for spec, product in self.catalogue:
                stock = data.shoe_stock(shop.slug, spec["gtin"])
                if stock is None or (shop.pk, product.pk) in offered:
                    continue
                price_excl_tax, _incl = offer_prices(price_incl_tax_value=spec["price_incl_tax"], vat_rate=VAT_STANDARD)
                offer_services.offer_save(
                    offer=Offer(
                        organisation_id=shop.organisation_id,
                        shop=shop,
                        product=product,
                        price_excl_tax=price_excl_tax,
                        vat_rate=VAT_STANDARD,
                        stock_on_hand=stock,
                        status=OfferStatus.PUBLISHED,
                    ),
                    actor=self.actor,
                )
                self.created["offers"] += 1

    # ---------------------------------------------------------------------------------------------------
    # CSA garden: depots with slots, fees, a restricted one and a closure; subscription offers

    def build_garden(self):
        organisation = self.orgs[data.JARDIN]
        depots = {}
        for spec in data.DEPOTS:
            depot = Depot.objects.filter(organisation=organisation, name=spec["name"]).first()
            if depot is None:
                depot = Depot(
                    organisation=organisation,
                    shop=self.shops[spec["shop"]] if spec.get("shop") else None,
                    name=spec["name"],
                    address=spec["address"],
                    postcode=spec["postcode"],
                    city=spec["city"],
                    latitude=Decimal(spec["latitude"]),
                    longitude=Decimal(spec["longitude"]),
                    delivery_fee=spec["delivery_fee"],
                    restricted=spec.get("restricted", False),
                    public_note=spec.get("public_note", ""),
                    capacity=spec.get("capacity"),
                )
                depot.pickup_slots = [
                    PickupSlot(weekday=day, starts=starts, ends=ends) for day, starts, ends in spec["slots"]
                ]
                shop_services.depot_save(depot=depot, access_code=spec.get("access_code", ""), actor=self.actor)
                self.created["depots"] += 1
            depots[spec["name"]] = depot

        closed = depots[data.CLOSED_DEPOT]
        if not closed.closures.exists():
            today = date.today()
            year = today.year if today <= date(today.year, 12, 20) else today.year + 1
            shop_services.closure_create(
                depot=closed,
                starts_on=date(year, 12, 22),
                ends_on=date(year + 1, 1, 2),
                reason="Fermeture des fêtes de fin d'année : retrait des paniers à la ferme.",
                replacement=depots[data.REPLACEMENT_DEPOT],
                actor=self.actor,
            )
            self.created["closures"] += 1

        shop = self.shops["cocagne-deux-rives-ferme"]
        existing = {
            product.supplier_reference: product
            for product in Product.objects.filter(organisation=organisation, supplier_reference__startswith="JC-")
        }
        offered = set(Offer.objects.filter(organisation=organisation).values_list("product_id", flat=True))
        for reference, name, category, unit, price, reserved_to, description in data.GARDEN_OFFERS:
            product = existing.get(reference)
            if product is None:
                product = offer_services.product_save(
                    product=Product(
                        organisation=organisation,
                        name=name,
                        description=description,
                        category=self.category(category),
                        unit=unit,
                        brand=organisation.name,
                        supplier_reference=reference,
                    ),
                    actor=self.actor,
                )
                self.created["products"] += 1
            if product.pk in offered:
                continue
            price_excl_tax, _incl = offer_prices(price_incl_tax_value=Decimal(price), vat_rate=data.GARDEN_VAT)
            offer_services.offer_save(
                offer=Offer(
                    organisation=organisation,
                    shop=shop,
                    product=product,
                    price_excl_tax=price_excl_tax,
                    vat_rate=data.GARDEN_VAT,
                    unlimited_stock=True,
                    sale_mode=SaleMode.SUBSCRIPTION,
                    status=OfferStatus.PUBLISHED,
                ),
                reserved_categories=[self.customer_categories[(data.JARDIN, reserved_to)]] if reserved_to else [],
                allowed_depots=list(depots.values()),
                actor=self.actor,
            )
            self.created["offers"] += 1

    def build_subscriptions(self):
        """A season around today, the plans of the subscription offers, members' subscriptions and a few changes,
        so that the calendars, sheets and statements show something."""
        organisation = self.orgs[data.JARDIN]
        if Subscription.objects.filter(organisation=organisation).exists():
            return
        today = date.today()
        start = today - timedelta(days=today.weekday() + 28)
        season = Season(organisation=organisation, name=f"Saison {start.year}-{start.year + 1}", starts_on=start)
        season.ends_on = start + timedelta(weeks=48, days=-1)
        christmas = date(today.year if today.month < 12 or today.day < 24 else today.year + 1, 12, 24)
        breaks = [
            DeliveryBreak(starts_on=christmas, ends_on=christmas + timedelta(days=8), reason="Fêtes de fin d'année")
        ]
        subscription_services.season_save(season=season, breaks=breaks, actor=self.actor)
        self.created["seasons"] += 1
        offers = {
            offer.product.supplier_reference: offer
            for offer in Offer.objects.filter(
                organisation=organisation, sale_mode=SaleMode.SUBSCRIPTION
            ).select_related("product")
        }
        plans = {}
        for reference, policy in data.GARDEN_PLANS:
            policy = dict(policy)
            if "doubling_product" in policy:
                policy["doubling_product"] = offers[policy["doubling_product"]].product
            if "quota_window_max" in policy:  # next summer
                summer = today.year if today.month < 7 else today.year + 1
                policy["quota_window_starts_on"] = date(summer, 7, 1)
                policy["quota_window_ends_on"] = date(summer, 8, 31)
            plans[reference] = subscription_services.plan_save(
                plan=Plan(offer=offers[reference], **policy), actor=self.actor
            )
            self.created["subscription plans"] += 1
        funders = {
            name: subscription_services.funder_save(funder=Funder(organisation=organisation, name=name))
            for name in data.GARDEN_FUNDERS
        }
        depots = {depot.name: depot for depot in Depot.objects.filter(organisation=organisation)}
        members = {member.first_name: member for member in Member.objects.filter(organisation=organisation)}
        for first_name, reference, depot, weekday, count, discount, funder in data.GARDEN_SUBSCRIPTIONS:
            subscription_services.subscription_create(
                member=members[first_name],
                plan=plans[reference],
                depot=depots[depot],
                weekday=weekday,
                starts_on=start,
                ends_on=None if count else season.ends_on,
                delivery_count=count,
                discount_percent=Decimal(discount),
                funder=funders.get(funder),
                actor=self.actor,
            )
            self.created["subscriptions"] += 1
        # Claire, the demo member, has postponed a basket and cancelled another; Marie doubles one.
        claire = Subscription.objects.get(member=members["Claire"], plan=plans["JC-PANIER-S"])
        upcoming = list(claire.deliveries.filter(date__gt=today + timedelta(days=4)).order_by("date")[:6])
        subscription_services.delivery_postpone(delivery=upcoming[1], to_date=upcoming[3].date, actor=self.actor)
        subscription_services.delivery_cancel(delivery=upcoming[5], actor=self.actor)
        marie = Subscription.objects.get(member=members["Marie"])
        first = marie.deliveries.filter(date__gt=today + timedelta(days=4)).order_by("date").first()
        subscription_services.delivery_double(delivery=first, actor=self.actor)

    def build_sales(self):
        """Mark about a third of the ressourcerie's items sold over the past twelve months (more of them lately),
        so that the impact pages show a history.

        One UPDATE per sale day rather than ``offer_mark_sold`` per item, so that the step stays fast; the
        service's rules still hold: published unique items in stock, one unit each, stock 1 → 0, past dates.
        Done once: nothing happens if the ressourcerie already has a sale.
        """
        organisation = self.orgs[data.RESSOURCERIE]
        if Offer.objects.filter(organisation=organisation, sold_quantity__gt=0).exists():
            return
        candidates = Offer.objects.filter(
            organisation=organisation,
            status=OfferStatus.PUBLISHED,
            product__is_unique_item=True,
            stock_on_hand=1,
            stock_allocated=0,
        ).order_by("pk")
        rng = random.Random("fabrique-sales")
        pks = list(candidates.values_list("pk", flat=True))
        by_day = defaultdict(list)
        for pk in rng.sample(pks, round(len(pks) * DEMO_SOLD_SHARE)):
            by_day[int(rng.triangular(1, 365, 1))].append(pk)
        today = timezone.localtime()
        for days_ago, pks in sorted(by_day.items()):
            sold_at = (today - timedelta(days=days_ago)).replace(hour=rng.randrange(10, 19), minute=rng.randrange(60))
            Offer.objects.filter(pk__in=pks).update(sold_at=sold_at, sold_quantity=1, stock_on_hand=0)
            self.created["offers marked sold"] += len(pks)

    # ---------------------------------------------------------------------------------------------------
    # Orders: placed by the demo member and moved on by the shops' staff, through the order services

    def build_orders(self):
        """The orders of ``data.ORDERS``, each looked up by its idempotency key first. An order is moved
        through its steps only while it is still placed, so that a run never undoes what staff did since."""
        customer = self.users[data.ORDER_CUSTOMER]
        existing = {
            order.idempotency_key: order
            for order in Reservation.objects.filter(
                customer=customer, idempotency_key__in=[spec["key"] for spec in data.ORDERS]
            )
        }
        used: set[int] = set()
        for spec in data.ORDERS:
            order = existing.get(spec["key"])
            if order is None:
                order = self.place_order(spec, customer=customer, used=used)
                if order is None:
                    self.log(f"order {spec['key']}: no offer in stock fits, skipped")
                    continue
                self.created["orders"] += 1
            if order.status != ReservationStatus.PLACED or not spec["steps"]:
                continue
            staff = self.staff_user(order.organisation)
            for status in spec["steps"]:
                order = reservation_transition(
                    reservation=order,
                    to_status=status,
                    actor=staff,
                    carrier=spec.get("carrier", ""),
                    tracking_number=spec.get("tracking_number", ""),
                    payment_method=spec.get("payment_method", ""),
                )
            if spec.get("overdue_hours"):
                self.backdate_order(order, overdue=timedelta(hours=spec["overdue_hours"]))

    def place_order(self, spec, *, customer, used: set[int]) -> Reservation | None:
        seen = self.routed_offer() if spec.get("routed") else self.offer_in_stock(self.orgs[spec["organisation"]], used)
        if seen is None:
            return None
        used.add(seen.pk)
        if spec["fulfilment"] == Fulfilment.PICKUP:
            where = {"pickup_shop_id": seen.shop_id}
        else:
            # Delivered to the town of the shop where the customer saw the offer.
            where = {
                "address": DeliveryAddress(
                    name=spec["recipient"], address=spec["street"], postcode=seen.shop.postcode, city=seen.shop.city
                )
            }
        return reservation_create(
            customer=customer,
            lines=[LineRequest(seen.pk, 1)],
            fulfilment=spec["fulfilment"],
            idempotency_key=spec["key"],
            actor=customer,
            **where,
        )

    @staticmethod
    def orderable_offers():
        return (
            Offer.objects.filter(listed=True, shop__isnull=False)
            .filter(sale_period_condition())
            .exclude(sale_mode=SaleMode.SUBSCRIPTION)
            .select_related("shop")
            .order_by("pk")
        )

    def offer_in_stock(self, organisation: Organisation, used: set[int]) -> Offer | None:
        """The organisation's first offer with a unit free (not one a previous demo order took)."""
        return (
            self.orderable_offers()
            .filter(organisation=organisation, unlimited_stock=False, stock_on_hand__gt=F("stock_allocated"))
            .exclude(pk__in=used)
            .first()
        )

    def routed_offer(self) -> Offer | None:
        """A pair out of stock in a network's shop, for which the shop nearest to that shop's town holding
        the size (as the order routing ranks them) belongs to the same network: ordered for delivery there,
        it is served by that other shop."""
        strategy = default_strategy()
        for slug in data.SHOE_ORGANISATIONS:
            shops = [self.shops[spec["slug"]] for spec in data.SHOPS if spec["organisation"] == slug]
            if len(shops) < 2:
                continue
            out_of_stock = self.orderable_offers().filter(
                shop__in=shops, unlimited_stock=False, stock_on_hand__lte=F("stock_allocated")
            )
            for seen in out_of_stock:
                place = geocode_offline(f"{seen.shop.postcode} {seen.shop.city}")
                if place is None:
                    continue
                holding = {
                    candidate.shop_id: [candidate]
                    for candidate in candidates(
                        product_ids=[seen.product_id], latitude=place.latitude, longitude=place.longitude
                    ).get(seen.product_id, [])
                    if candidate.holds(1)
                }
                if holding:
                    nearest = holding[strategy.rank_shops(holding)[0]][0]
                    if nearest.organisation_id == seen.organisation_id and nearest.shop_id != seen.shop_id:
                        return seen
        return None

    def staff_user(self, organisation: Organisation):
        """The organisation's demo staff user (a manager when it has no staff), else the platform admin."""
        for role in (StaffRole.STAFF, StaffRole.MANAGER):
            for username, _first, _last, user_role, slug in data.USERS:
                if user_role == role and slug == organisation.slug:
                    return self.users[username]
        return self.actor

    @staticmethod
    def backdate_order(order: Reservation, *, overdue: timedelta):
        """Demo only, as an order placed now cannot be late yet: move the order's dates (placed, history,
        deadlines) back by the time its current step allows plus ``overdue``, with UPDATEs, so that its
        deadline passed ``overdue`` ago."""
        deadlines = deadlines_for(organisation=order.organisation)
        step = {
            ReservationStatus.PLACED: deadlines.accept,
            ReservationStatus.ACCEPTED: deadlines.prepare,
            ReservationStatus.READY: deadlines.collect,
        }[order.status]
        shift = step + overdue
        Reservation.objects.filter(pk=order.pk).update(
            placed_at=F("placed_at") - shift,
            due_at=F("due_at") - shift,
            pickup_deadline=F("pickup_deadline") - shift,
        )
        StatusChange.objects.filter(reservation=order).update(at=F("at") - shift)

    # ---------------------------------------------------------------------------------------------------
    # Pages

    def build_branding(self):
        """Colours, logo, banner and introduction on every demo shop page, published as a revision."""
        for spec in data.SHOPS:
            shop = self.shops[spec["slug"]]
            page = ShopPage.objects.get(shop=shop)
            primary, secondary, initials = data.BRANDING[spec["organisation"]]
            logo = self.image(
                title=f"Logo — {shop.organisation.name}",
                filename=f"logo-{spec['organisation']}.jpg",
                render=partial(pictures.logo_picture, initials=initials, primary=primary, secondary=secondary),
            )
            banner = self.image(
                title=f"Bannière — {shop.name}",
                filename=f"banniere-{shop.slug}.jpg",
                render=partial(
                    pictures.banner_picture,
                    title=shop.name,
                    subtitle=f"{shop.address} · {shop.postcode} {shop.city}",
                    primary=primary,
                    secondary=secondary,
                ),
            )
            wanted = {
                "primary_colour": primary,
                "secondary_colour": secondary,
                "logo_id": logo.pk,
                "banner_id": banner.pk,
                "introduction": spec.get("introduction", data.SHOE_SHOP_INTRODUCTION),
            }
            up_to_date = all(getattr(page, field) == value for field, value in wanted.items())
            if up_to_date and page.live and not page.has_unpublished_changes:
                continue
            for field, value in wanted.items():
                setattr(page, field, value)
            page.save_revision(user=self.actor, log_action=True).publish(user=self.actor)
            self.created["published shop pages"] += 1

    def build_home_page(self):
        """The home page's introduction and featured shops, once: a platform that wrote its own keeps it."""
        home = HomePage.objects.first()
        if home is None or strip_tags(home.intro or "").strip():
            return
        home.intro = data.HOME_INTRO
        home.featured_shops = [HomePageFeaturedShop(shop=self.shops[slug]) for slug in data.FEATURED_SHOPS]
        home.save_revision(user=self.actor, log_action=True).publish(user=self.actor)
        self.created["home page introduction"] += 1
        self.created["featured shops"] += len(data.FEATURED_SHOPS)

    def build_catalogue_page(self):
        """The platform's catalogue under the home page, once."""
        home = HomePage.objects.first()
        if home is None or CatalogPage.objects.child_of(home).filter(slug="catalogue").exists():
            return
        page = home.add_child(instance=CatalogPage(title="Catalogue", slug="catalogue", live=False))
        page.save_revision(user=self.actor, log_action=True).publish(user=self.actor)
        self.created["catalogue page"] += 1

    # ---------------------------------------------------------------------------------------------------
    # Benchmark volume

    def scale_up(self):
        """Multiply shops and offers by ``scale`` for the benchmarks.

        Extra shops go through ``shop_save`` like the others (each gets its ShopPage). Extra products and
        offers, however, are written with ``bulk_create``: the benchmarks need 10,000 to 100,000 offers and
        ``offer_save`` costs several queries and a ``full_clean`` each, which would take many minutes. The
        rows keep every rule of the services: they are derived from the base rows that went through the
        services, prices come from ``offers.pricing`` (``offer_prices``) at French VAT rates, unique items
        have a stock of one, GTINs carry valid check digits, and each row is checked with the services'
        own validators (``product_validate``, ``offer_validate``) and the fields' validators before the
        insert; the database's CHECK constraints do the rest.
        """
        extra_shops = self.scale_shops()
        self.scale_shoe_offers(extra_shops)
        self.scale_ressourcerie()
        self.scale_epicerie()
        # bulk_create skips Offer.save, which keeps Offer.listed: one UPDATE does it for the new rows.
        Offer.objects.filter(status=OfferStatus.PUBLISHED, listed=False).relist()

    def scale_shops(self) -> list[Shop]:
        per_round = len(data.SHOPS)
        plan = []
        for round_ in range(2, self.scale + 1):
            for i in range(per_round):
                organisation = self.orgs[
                    data.SHOE_ORGANISATIONS[(round_ * per_round + i) % len(data.SHOE_ORGANISATIONS)]
                ]
                town, postcode, latitude, longitude = data.EXTRA_SHOP_TOWNS[
                    ((round_ - 2) * per_round + i) % len(data.EXTRA_SHOP_TOWNS)
                ]
                plan.append(
                    (
                        f"{organisation.slug[:40]}-{slugify(town)[:24]}-{round_}-{i}",
                        organisation,
                        town,
                        postcode,
                        latitude,
                        longitude,
                    )
                )
        existing = {shop.slug: shop for shop in Shop.objects.filter(slug__in=[slug for slug, *_ in plan])}
        shops = []
        for slug, organisation, town, postcode, latitude, longitude in plan:
            shop = existing.get(slug)
            if shop is None:
                rng = random.Random(slug)
                shop = Shop(
                    organisation=organisation,
                    slug=slug,
                    name=f"{organisation.name} — {town}",
                    address=f"{rng.randint(1, 120)} {rng.choice(data.EXTRA_SHOP_STREETS)}",
                    postcode=postcode,
                    city=town,
                    # Spread the shops of one town over a few kilometres around its centre.
                    latitude=Decimal(str(round(latitude + rng.uniform(-0.02, 0.02), 6))),
                    longitude=Decimal(str(round(longitude + rng.uniform(-0.03, 0.03), 6))),
                    email=organisation.email,
                )
                shop_services.shop_save(
                    shop=shop,
                    opening_hours=[OpeningPeriod(weekday=d, opens=o, closes=c) for d, o, c in data.SHOE_SHOP_HOURS],
                    actor=self.actor,
                )
                self.created["shops"] += 1
            shops.append(shop)
        return shops

    def bulk_insert(self, model, rows, label):
        if model is Offer:
            for offer in rows:
                offer.category_id = offer.product.category_id  # as Offer.save would, which bulk_create skips
        model.objects.bulk_create(rows, batch_size=BULK_BATCH)
        self.created[label] += len(rows)

    @staticmethod
    def check_product(product: Product):
        offer_services.product_validate(product=product)
        product.clean_fields(exclude=["organisation", "category", "producer"])

    @staticmethod
    def check_offer(offer: Offer):
        offer_services.offer_validate(offer=offer)
        offer.clean_fields(exclude=["organisation", "shop", "product"])

    def scale_shoe_offers(self, shops: list[Shop]):
        offered = set(Offer.objects.filter(shop__in=shops).values_list("shop_id", "product_id"))
        prices = {}
        rows = []
        for shop in shops:
            for spec, product in self.catalogue:
                stock = data.shoe_stock(shop.slug, spec["gtin"])
                if stock is None or (shop.pk, product.pk) in offered:
                    continue
                if spec["price_incl_tax"] not in prices:
                    prices[spec["price_incl_tax"]] = offer_prices(
                        price_incl_tax_value=spec["price_incl_tax"], vat_rate=VAT_STANDARD
                    )[0]
                offer = Offer(
                    organisation_id=shop.organisation_id,
                    shop=shop,
                    product=product,
                    price_excl_tax=prices[spec["price_incl_tax"]],
                    vat_rate=VAT_STANDARD,
                    stock_on_hand=stock,
                    status=OfferStatus.PUBLISHED,
                )
                self.check_offer(offer)
                rows.append(offer)
        self.bulk_insert(Offer, rows, "offers")

    def scale_ressourcerie(self):
        organisation = self.orgs[data.RESSOURCERIE]
        shops = {slug: self.shops[slug] for slug in ("la-fabrique-montreuil", "la-fabrique-bagnolet")}
        base = {
            product.supplier_reference: product
            for product in Product.objects.filter(
                organisation=organisation, supplier_reference__startswith="LF-"
            ).select_related("category")
        }
        images = dict(
            ProductImage.objects.filter(product__in=base.values())
            .order_by("product_id", "sort_order", "pk")
            .values_list("product_id", "image_id")
        )
        existing = set(base)
        items = data.ressourcerie_items(self.items)
        products = []
        for round_ in range(2, self.scale + 1):
            for item in items:
                source = base[item["reference"]]
                reference = f"{item['reference']}-{round_}"
                if reference in existing:
                    continue
                product = product_copy(source, supplier_reference=reference, gtin="")
                self.check_product(product)
                product._demo_item = item
                product._demo_image = images.get(source.pk)
                products.append(product)
        self.bulk_insert(Product, products, "products")
        offers, photos = [], []
        for product in products:
            item = product._demo_item
            price_excl_tax, _incl = offer_prices(price_incl_tax_value=item["price_incl_tax"], vat_rate=VAT_STANDARD)
            offer = Offer(
                organisation=organisation,
                shop=shops[item["shop"]],
                product=product,
                price_excl_tax=price_excl_tax,
                vat_rate=VAT_STANDARD,
                stock_on_hand=1,
                status=OfferStatus.PUBLISHED,
            )
            self.check_offer(offer)
            offers.append(offer)
            if product._demo_image:
                photos.append(ProductImage(product=product, image_id=product._demo_image))
        self.bulk_insert(Offer, offers, "offers")
        ProductImage.objects.bulk_create(photos, batch_size=BULK_BATCH)

    def scale_epicerie(self):
        organisation = self.orgs[data.EPICERIE]
        shop = self.shops["epi-solidaire-guillotiere"]
        base = {
            (product.producer_id, product.supplier_reference): product
            for product in Product.objects.filter(organisation=organisation).select_related("producer", "category")
        }
        producers = {p.name: p for p in Producer.objects.filter(organisation=organisation)}
        base_offers = {offer.product_id: offer for offer in Offer.objects.filter(organisation=organisation, shop=shop)}
        specs = data.epicerie_products(self.items)
        products = []
        for round_ in range(2, self.scale + 1):
            for index, spec in enumerate(specs):
                producer = producers[next(p["name"] for p in data.PRODUCERS if p["key"] == spec["producer"])]
                source = base[(producer.pk, spec["reference"])]
                reference = f"{spec['reference']}-{round_}"
                if (producer.pk, reference) in base:
                    continue
                product = product_copy(
                    source,
                    # In-store numbers (prefix 2) keep the copies' EAN-13 valid and unique.
                    gtin=data.ean13(f"2{round_:03d}{index:08d}") if source.gtin else "",
                    supplier_reference=reference,
                )
                self.check_product(product)
                product._demo_source_offer = base_offers[source.pk]
                products.append(product)
        self.bulk_insert(Product, products, "products")
        offers = []
        for product in products:
            source = product._demo_source_offer
            offer = Offer(
                organisation=organisation,
                shop=shop,
                product=product,
                price_excl_tax=source.price_excl_tax,
                vat_rate=source.vat_rate,
                unlimited_stock=source.unlimited_stock,
                stock_on_hand=source.stock_on_hand,
                case_size=source.case_size,
                minimum_cases=source.minimum_cases,
                status=OfferStatus.PUBLISHED,
            )
            self.check_offer(offer)
            offers.append(offer)
        self.bulk_insert(Offer, offers, "offers")


def product_copy(source, **changes):
    """An unsaved copy of a product for the scaled-up data, with the given fields changed."""
    values = {
        field.attname: getattr(source, field.attname)
        for field in Product._meta.concrete_fields
        if field.attname not in ("id", "created_at", "updated_at")
    }
    return Product(**{**values, **changes})


# The object's colour in the pictures, from the item's colour name.
ITEM_COLOURS = {
    "Bois naturel": "#b9874f",
    "Bois ciré": "#9a6a3a",
    "Noyer": "#6b4a2f",
    "Merisier": "#8e4a2c",
    "Noir": "#2d2d2d",
    "Blanc": "#f4f4f0",
    "Blanc cassé": "#ece6d6",
    "Bleu": "#3b6ea5",
    "Vert sauge": "#8fa98a",
    "Gris": "#8a8f96",
    "Bleu canard": "#1f6f78",
    "Moutarde": "#d0a23a",
    "Beige": "#d8c3a0",
    "Vert bouteille": "#2e5a3c",
    "Bleu brut": "#2c3e66",
    "Bleu délavé": "#7d9cc4",
    "Marine": "#23355c",
    "Rouge": "#b53a32",
    "Rayé bleu et blanc": "#5f7fb0",
    "Vert": "#4f8a4b",
    "Marron": "#6f4a2e",
    "Cognac": "#9b5a2a",
    "Bordeaux": "#6e1f2a",
    "Gris argent": "#b8bcc2",
    "Inox": "#c9ccd0",
    "Gris sidéral": "#5b5e63",
    "Argent": "#cfd2d6",
}
