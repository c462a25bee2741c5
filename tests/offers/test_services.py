"""Offer, product and category rules of offers.services."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from offers.choices import Condition, OfferStatus, Unit
from offers.exceptions import InvalidCategory, InvalidOffer
from offers.models import Offer, Product, ProductCategory
from offers.services import offer_duplicate, offer_save, product_category_save, product_save
from pivot_site.exceptions import DomainError
from shops.exceptions import OrganisationMismatch
from tests.factories import (
    CustomerCategoryFactory,
    DepotFactory,
    OfferFactory,
    ProducerFactory,
    ProductCategoryFactory,
    ProductFactory,
    ShopFactory,
)

pytestmark = pytest.mark.django_db


def new_offer(organisation, **kwargs):
    kwargs.setdefault("product", ProductFactory(organisation=organisation))
    kwargs.setdefault("shop", ShopFactory(organisation=organisation))
    kwargs.setdefault("price_excl_tax", Decimal("10.0000"))
    kwargs.setdefault("stock_on_hand", 3)
    return Offer(organisation=organisation, **kwargs)


def refused(field, **save_kwargs):
    count = Offer.objects.count()
    with pytest.raises(DomainError) as excinfo:
        offer_save(**save_kwargs)
    assert excinfo.value.field == field
    assert Offer.objects.count() == count
    return excinfo.value


class TestOfferRules:
    def test_a_valid_offer_is_saved_with_its_audience(self, org_a):
        category = CustomerCategoryFactory(organisation=org_a)
        depot = DepotFactory(organisation=org_a)
        offer = offer_save(offer=new_offer(org_a), reserved_categories=[category], allowed_depots=[depot])
        offer = Offer.objects.get(pk=offer.pk)
        assert list(offer.reserved_categories.all()) == [category]
        assert list(offer.allowed_depots.all()) == [depot]
        assert offer.status == OfferStatus.DRAFT

    def test_product_of_another_organisation_is_refused(self, org_a, org_b):
        error = refused("product", offer=new_offer(org_a, product=ProductFactory(organisation=org_b)))
        assert isinstance(error, OrganisationMismatch)
        assert error.code == "organisation_mismatch"

    def test_shop_of_another_organisation_is_refused(self, org_a, org_b):
        refused("shop", offer=new_offer(org_a, shop=ShopFactory(organisation=org_b)))

    def test_reserved_category_of_another_organisation_is_refused(self, org_a, org_b):
        own, other = CustomerCategoryFactory(organisation=org_a), CustomerCategoryFactory(organisation=org_b)
        refused("reserved_categories", offer=new_offer(org_a), reserved_categories=[own, other])

    def test_depot_of_another_organisation_is_refused(self, org_a, org_b):
        refused("allowed_depots", offer=new_offer(org_a), allowed_depots=[DepotFactory(organisation=org_b)])

    def test_moving_an_offer_to_another_organisation_rechecks_its_audience(self, org_a, org_b):
        category = CustomerCategoryFactory(organisation=org_a)
        offer = OfferFactory(organisation=org_a, reserved_categories=[category])
        offer.organisation = org_b
        offer.product = ProductFactory(organisation=org_b)
        offer.shop = ShopFactory(organisation=org_b)
        refused("reserved_categories", offer=offer)
        assert Offer.objects.get(pk=offer.pk).organisation == org_a

    def test_a_shared_catalogue_product_is_allowed(self, org_a):
        shared = ProductFactory(organisation=None)
        offer = offer_save(offer=new_offer(org_a, product=shared))
        assert Offer.objects.get(pk=offer.pk).product.organisation is None

    @pytest.mark.parametrize("rate", ["20.0", "10.0", "5.5", "2.1", "5.50"])
    def test_french_vat_rates_are_accepted(self, org_a, rate):
        offer = offer_save(offer=new_offer(org_a, vat_rate=Decimal(rate)))
        assert Offer.objects.get(pk=offer.pk).vat_rate == Decimal(rate)

    @pytest.mark.parametrize("rate", ["19.6", "7.0", "0", "21"])
    def test_a_rate_that_is_not_french_is_refused(self, org_a, rate):
        error = refused("vat_rate", offer=new_offer(org_a, vat_rate=Decimal(rate)))
        assert isinstance(error, InvalidOffer)

    def test_strings_and_floats_from_the_doors_are_read_as_decimals(self, org_a):
        offer = offer_save(offer=new_offer(org_a, vat_rate="5.5", price_excl_tax="10.50"))
        assert (offer.vat_rate, offer.price_excl_tax) == (Decimal("5.5"), Decimal("10.50"))
        offer = offer_save(offer=new_offer(org_a, vat_rate=2.1))
        assert Offer.objects.get(pk=offer.pk).vat_rate == Decimal("2.1")
        refused("vat_rate", offer=new_offer(org_a, vat_rate="twenty"))
        refused("price_excl_tax", offer=new_offer(org_a, price_excl_tax="ten"))

    def test_negative_price_is_refused(self, org_a):
        refused("price_excl_tax", offer=new_offer(org_a, price_excl_tax=Decimal("-1")))

    def test_a_unique_item_with_more_than_one_unit_is_refused(self, org_a):
        item = ProductFactory(organisation=org_a, is_unique_item=True, condition=Condition.GOOD)
        refused("stock_on_hand", offer=new_offer(org_a, product=item, stock_on_hand=2))
        refused("stock_on_hand", offer=new_offer(org_a, product=item, stock_on_hand=0, unlimited_stock=True))
        offer = offer_save(offer=new_offer(org_a, product=item, stock_on_hand=1))
        assert Offer.objects.get(pk=offer.pk).stock_on_hand == 1

    def test_sale_ending_before_it_starts_is_refused(self, org_a):
        now = timezone.now()
        refused("available_until", offer=new_offer(org_a, available_from=now, available_until=now - timedelta(hours=1)))
        refused("available_until", offer=new_offer(org_a, available_from=now, available_until=now))
        offer = offer_save(offer=new_offer(org_a, available_from=now, available_until=now + timedelta(days=7)))
        assert Offer.objects.filter(pk=offer.pk).exists()

    def test_an_open_ended_sale_is_allowed(self, org_a):
        offer = offer_save(offer=new_offer(org_a, available_from=timezone.now()))
        assert Offer.objects.get(pk=offer.pk).available_until is None


class TestOfferDuplicate:
    def test_copy_is_a_draft_without_stock(self, org_a):
        categories = [CustomerCategoryFactory(organisation=org_a) for _ in range(2)]
        depot = DepotFactory(organisation=org_a)
        offer = OfferFactory(
            organisation=org_a,
            price_excl_tax=Decimal("4.2650"),
            vat_rate=Decimal("5.5"),
            stock_on_hand=7,
            case_size=6,
            reserved_categories=categories,
            allowed_depots=[depot],
        )
        Offer.objects.filter(pk=offer.pk).update(stock_allocated=2)

        copy = offer_duplicate(offer=offer)

        copy = Offer.objects.get(pk=copy.pk)
        assert copy.pk != offer.pk
        assert copy.status == OfferStatus.DRAFT
        assert (copy.stock_on_hand, copy.stock_allocated) == (0, 0)
        assert copy.product_id == offer.product_id
        assert copy.shop_id == offer.shop_id
        assert copy.organisation_id == offer.organisation_id
        assert copy.price_excl_tax == Decimal("4.2650")
        assert copy.vat_rate == Decimal("5.5")
        assert copy.case_size == 6
        assert set(copy.reserved_categories.all()) == set(categories)
        assert list(copy.allowed_depots.all()) == [depot]

        original = Offer.objects.get(pk=offer.pk)
        assert original.status == OfferStatus.PUBLISHED
        assert (original.stock_on_hand, original.stock_allocated) == (7, 2)
        assert set(original.reserved_categories.all()) == set(categories)
        assert list(original.allowed_depots.all()) == [depot]
        assert Offer.objects.filter(product=offer.product).count() == 2

    def test_copy_of_an_offer_without_audience_has_none(self, org_a):
        offer = OfferFactory(organisation=org_a)
        copy = offer_duplicate(offer=offer)
        assert not copy.reserved_categories.exists()
        assert not copy.allowed_depots.exists()

    def test_the_instance_passed_in_is_left_alone(self, org_a):
        offer = OfferFactory(organisation=org_a, stock_on_hand=3)
        copy = offer_duplicate(offer=offer)
        assert offer.pk != copy.pk
        assert offer.stock_on_hand == 3


class TestProducts:
    def test_category_and_producer_of_another_organisation_are_refused(self, org_a, org_b):
        other_category = ProductCategoryFactory(organisation=org_b)
        with pytest.raises(OrganisationMismatch) as excinfo:
            ProductFactory(organisation=org_a, category=other_category)
        assert excinfo.value.field == "category"
        with pytest.raises(OrganisationMismatch) as excinfo:
            ProductFactory(organisation=org_a, producer=ProducerFactory(organisation=org_b))
        assert excinfo.value.field == "producer"

    def test_a_unique_item_needs_a_condition_and_the_piece_unit(self, org_a):
        with pytest.raises(InvalidOffer) as excinfo:
            ProductFactory(organisation=org_a, is_unique_item=True)
        assert excinfo.value.field == "condition"
        with pytest.raises(InvalidOffer) as excinfo:
            ProductFactory(organisation=org_a, is_unique_item=True, condition=Condition.GOOD, unit=Unit.KG)
        assert excinfo.value.field == "unit"

    def test_a_product_without_category_is_a_validation_error(self, org_a):
        with pytest.raises(ValidationError) as excinfo:
            product_save(product=Product(organisation=org_a, name="Sans rayon"))
        assert "category" in excinfo.value.message_dict

    def test_gtin_is_normalised(self, org_a):
        product = ProductFactory(organisation=org_a, gtin="400-6381 333.931")
        product.refresh_from_db()
        assert product.gtin == "4006381333931"
        product.name = "Renamed"
        product_save(product=product)


def path_of(*categories):
    return "".join(f"{c.pk}/" for c in categories)


def db_path(category):
    return ProductCategory.objects.values_list("path", flat=True).get(pk=category.pk)


class TestCategoryTree:
    @pytest.fixture
    def tree(self):
        root = ProductCategoryFactory(name="Maison")
        child = ProductCategoryFactory(name="Cuisine", parent=root)
        grandchild = ProductCategoryFactory(name="Vaisselle", parent=child)
        other_root = ProductCategoryFactory(name="Jardin")
        return root, child, grandchild, other_root

    def test_paths_list_the_ancestors(self, tree):
        root, child, grandchild, _other = tree
        assert db_path(root) == path_of(root)
        assert db_path(child) == path_of(root, child)
        assert db_path(grandchild) == path_of(root, child, grandchild)
        assert (root.depth, child.depth, grandchild.depth) == (0, 1, 2)

    def test_moving_a_subtree_updates_the_descendants(self, tree):
        root, child, grandchild, other_root = tree
        child.parent = other_root
        product_category_save(category=child)
        assert db_path(child) == path_of(other_root, child)
        assert db_path(grandchild) == path_of(other_root, child, grandchild)
        assert db_path(root) == path_of(root)

    def test_moving_to_the_top_level(self, tree):
        _root, child, grandchild, _other = tree
        child.parent = None
        product_category_save(category=child)
        assert db_path(child) == path_of(child)
        assert db_path(grandchild) == path_of(child, grandchild)

    def test_saving_a_stale_instance_keeps_the_right_path(self, tree):
        _root, child, grandchild, other_root = tree
        stale = ProductCategory.objects.select_related("parent").get(pk=grandchild.pk)
        child.parent = other_root
        product_category_save(category=child)
        stale.name = "Vaisselle et verres"
        product_category_save(category=stale)
        assert db_path(grandchild) == path_of(other_root, child, grandchild)

    def test_moving_a_stale_instance_moves_its_current_subtree(self, tree):
        root, child, grandchild, other_root = tree
        stale_child = ProductCategory.objects.get(pk=child.pk)
        root.parent = other_root
        product_category_save(category=root)
        assert db_path(grandchild) == path_of(other_root, root, child, grandchild)
        stale_child.parent = other_root
        product_category_save(category=stale_child)
        assert db_path(child) == path_of(other_root, child)
        assert db_path(grandchild) == path_of(other_root, child, grandchild)

    def test_an_instance_built_without_its_path_can_be_moved(self, tree):
        # Imports and APIs build instances from ids; the stored path is what counts.
        _root, child, grandchild, other_root = tree
        rebuilt = ProductCategory(pk=child.pk, name=child.name, parent=other_root)
        product_category_save(category=rebuilt)
        assert db_path(child) == path_of(other_root, child)
        assert db_path(grandchild) == path_of(other_root, child, grandchild)

    @pytest.mark.parametrize("new_parent", ["self", "child", "grandchild"])
    def test_cycles_are_refused(self, tree, new_parent):
        root, child, grandchild, _other = tree
        root.parent = {"self": root, "child": child, "grandchild": grandchild}[new_parent]
        with pytest.raises(InvalidCategory) as excinfo:
            product_category_save(category=root)
        assert excinfo.value.field == "parent"
        assert db_path(root) == path_of(root)
        assert ProductCategory.objects.get(pk=root.pk).parent_id is None

    def test_a_cycle_through_a_stale_parent_is_refused(self, tree):
        root, child, grandchild, other_root = tree
        stale_other = ProductCategory.objects.get(pk=other_root.pk)
        other_root.parent = grandchild
        product_category_save(category=other_root)
        root.parent = stale_other  # stale: its stored path now runs through root
        with pytest.raises(InvalidCategory):
            product_category_save(category=root)

    def test_an_organisation_category_may_sit_under_a_shared_one(self, org_a):
        shared = ProductCategoryFactory(organisation=None)
        own = ProductCategoryFactory(organisation=org_a, parent=shared)
        assert db_path(own) == path_of(shared, own)

    def test_not_under_another_organisations_category(self, org_a, org_b):
        other = ProductCategoryFactory(organisation=org_b)
        with pytest.raises(InvalidCategory) as excinfo:
            ProductCategoryFactory(organisation=org_a, parent=other)
        assert excinfo.value.field == "parent"
        assert not ProductCategory.objects.filter(organisation=org_a).exists()

    def test_a_shared_category_may_not_sit_under_an_organisations_category(self, org_a):
        own = ProductCategoryFactory(organisation=org_a)
        with pytest.raises(InvalidCategory):
            ProductCategoryFactory(organisation=None, parent=own)

    def test_siblings_have_distinct_names(self, org_a):
        parent = ProductCategoryFactory(organisation=None)
        ProductCategoryFactory(organisation=None, parent=parent, name="Livres")
        with pytest.raises(InvalidCategory) as excinfo:
            ProductCategoryFactory(organisation=None, parent=parent, name="livres")
        assert excinfo.value.field == "name"
        # The same name elsewhere, or for an organisation, is fine.
        ProductCategoryFactory(organisation=None, name="Livres")
        ProductCategoryFactory(organisation=org_a, parent=parent, name="Livres")

    def test_organisation_of_a_subtree_stays_consistent(self, org_a, org_b):
        parent = ProductCategoryFactory(organisation=org_a)
        ProductCategoryFactory(organisation=org_a, parent=parent)
        parent.organisation = org_b
        with pytest.raises(InvalidCategory) as excinfo:
            product_category_save(category=parent)
        assert excinfo.value.field == "organisation"


class TestOfferCategoryCopy:
    """Offers carry their product's category for the catalogue's facet counts: every door keeps it right."""

    def test_a_new_offer_takes_its_products_category(self, org_a):
        offer = new_offer(org_a)
        offer_save(offer=offer)
        offer.refresh_from_db()
        assert offer.category_id == offer.product.category_id

    def test_moving_a_product_moves_its_offers(self, org_a):
        offer = OfferFactory(organisation=org_a)
        OfferFactory(organisation=org_a, product=offer.product)
        other = ProductCategoryFactory(name="Vaisselle")
        product = Product.objects.get(pk=offer.product_id)  # as a form would load it
        product.category = other
        product_save(product=product)
        assert set(Offer.objects.filter(product=product).values_list("category_id", flat=True)) == {other.pk}

    def test_saving_a_product_without_its_category_loaded_leaves_the_offers_alone(self, org_a):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        offer = OfferFactory(organisation=org_a)
        product = Product.objects.only("pk", "name").get(pk=offer.product_id)
        product.name = "Renamed"
        with CaptureQueriesContext(connection) as queries:
            product.save(update_fields=["name"])
        statements = [query["sql"] for query in queries.captured_queries]
        assert not [sql for sql in statements if "offers_offer" in sql], statements
        assert Offer.objects.get(pk=offer.pk).category_id == offer.product.category_id

    def test_an_offer_moved_to_another_product_follows_its_category(self, org_a):
        offer = OfferFactory(organisation=org_a)
        product = ProductFactory(organisation=org_a, category=ProductCategoryFactory(name="Outils"))
        offer.product = product
        offer_save(offer=offer)
        assert Offer.objects.get(pk=offer.pk).category_id == product.category_id

    def test_the_catalogue_counts_a_moved_product_under_its_new_category(self, org_a):
        from offers.selectors import catalogue_facets, offer_list_public

        offer = OfferFactory(organisation=org_a)
        tools = ProductCategoryFactory(name="Outils")
        product = Product.objects.get(pk=offer.product_id)
        product.category = tools
        product_save(product=product)
        tree = catalogue_facets(offer_list_public()).category_tree
        assert [(node.category.name, node.count) for node in tree] == [("Outils", 1)]


class TestOfferListed:
    """Offer.listed says whether the public sees an offer; every change that decides it keeps it right."""

    def listed(self, offer):
        return Offer.objects.filter(pk=offer.pk).values_list("listed", flat=True).get()

    def test_publishing_and_archiving(self, org_a):
        offer = OfferFactory(organisation=org_a, status=OfferStatus.DRAFT)
        assert not self.listed(offer)
        offer.status = OfferStatus.PUBLISHED
        offer_save(offer=offer)
        assert self.listed(offer)
        offer.status = OfferStatus.ARCHIVED
        offer_save(offer=offer)
        assert not self.listed(offer)

    def test_closing_and_reopening_a_shop(self, org_a):
        offer = OfferFactory(organisation=org_a)
        draft = OfferFactory(organisation=org_a, shop=offer.shop, status=OfferStatus.DRAFT)
        shop = offer.shop
        shop.active = False
        shop.save()
        assert not self.listed(offer)
        shop.active = True
        shop.save()
        assert self.listed(offer) and not self.listed(draft)

    def test_deactivating_an_organisation_hides_all_its_offers(self, org_a):
        without_shop = OfferFactory(organisation=org_a, shop=None)
        in_shop = OfferFactory(organisation=org_a)
        org_a.active = False
        org_a.save()
        assert not self.listed(without_shop) and not self.listed(in_shop)
        org_a.active = True
        org_a.save()
        assert self.listed(without_shop) and self.listed(in_shop)

    def test_an_offer_moved_to_a_closed_shop_is_not_listed(self, org_a):
        offer = OfferFactory(organisation=org_a)
        offer.shop = ShopFactory(organisation=org_a, active=False)
        offer_save(offer=offer)
        assert not self.listed(offer)
