"""The tenant-scoping policy (shops.permissions): who reads and who changes what."""

from datetime import date

import pytest
from django.contrib.auth.models import AnonymousUser

from offers.models import Offer, ProductCategory
from shops.choices import StaffRole
from shops.models import Closure, Organisation, Shop
from shops.permissions import (
    READ,
    WRITE,
    OrganisationPermissionPolicy,
    can_change,
    can_read,
    organisation_ids,
    scope_queryset,
    writable_organisations,
)
from shops.services import closure_create, staff_membership_set
from tests.factories import (
    DepotFactory,
    OfferFactory,
    ProductCategoryFactory,
    ShopFactory,
    UserFactory,
    make_staff,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(org_a, org_b):
    """Two organisations with a shop, an offer, an own category and a depot closure each, plus a shared category."""
    data = {"shared_category": ProductCategoryFactory(organisation=None, name="Partagé")}
    for key, organisation in (("a", org_a), ("b", org_b)):
        shop = ShopFactory(organisation=organisation)
        data[f"shop_{key}"] = shop
        data[f"offer_{key}"] = OfferFactory(organisation=organisation, shop=shop)
        data[f"category_{key}"] = ProductCategoryFactory(organisation=organisation)
        depot = DepotFactory(organisation=organisation)
        data[f"closure_{key}"] = closure_create(depot=depot, starts_on=date(2027, 5, 1), ends_on=date(2027, 5, 2))
    return data


def ids(queryset):
    return set(queryset.values_list("pk", flat=True))


def pks(*objects):
    return {obj.pk for obj in objects}


class TestScopeQueryset:
    def test_staff_read_and_write_their_own_organisation_only(self, world, staff_a, org_a):
        for model, own in ((Shop, "shop_a"), (Offer, "offer_a"), (Closure, "closure_a")):
            for mode in (READ, WRITE):
                assert ids(scope_queryset(staff_a, model.objects.all(), mode=mode)) == pks(world[own])
        for mode in (READ, WRITE):
            assert ids(scope_queryset(staff_a, Organisation.objects.all(), mode=mode)) == {org_a.pk}

    def test_staff_read_shared_objects_but_do_not_write_them(self, world, staff_a):
        readable = ids(scope_queryset(staff_a, ProductCategory.objects.all(), mode=READ))
        shared = ids(ProductCategory.objects.filter(organisation__isnull=True))
        assert world["shared_category"].pk in shared
        assert readable == shared | pks(world["category_a"])
        assert world["category_b"].pk not in readable
        assert ids(scope_queryset(staff_a, ProductCategory.objects.all(), mode=WRITE)) == pks(world["category_a"])

    def test_the_default_mode_is_read(self, world, staff_a):
        assert ids(scope_queryset(staff_a, ProductCategory.objects.all())) == ids(
            scope_queryset(staff_a, ProductCategory.objects.all(), mode=READ)
        )

    @pytest.mark.parametrize("who", ["animator", "admin_user"])
    def test_animators_and_platform_admins_see_everything(self, request, world, who):
        user = request.getfixturevalue(who)
        for model in (Shop, Offer, Closure, ProductCategory, Organisation):
            for mode in (READ, WRITE):
                assert ids(scope_queryset(user, model.objects.all(), mode=mode)) == ids(model.objects.all())

    def test_anonymous_users_get_nothing(self, world):
        anonymous = AnonymousUser()
        for model in (Shop, Offer, Closure, ProductCategory, Organisation):
            for mode in (READ, WRITE):
                assert not scope_queryset(anonymous, model.objects.all(), mode=mode).exists()
        assert not scope_queryset(None, ProductCategory.objects.all()).exists()

    def test_inactive_users_get_nothing(self, world, staff_a, admin_user):
        for user in (staff_a, admin_user):
            user.is_active = False
            assert not scope_queryset(user, Shop.objects.all()).exists()
            assert not scope_queryset(user, ProductCategory.objects.all()).exists()

    def test_customers_without_organisation_only_read_shared_objects(self, world):
        customer = UserFactory()
        assert not scope_queryset(customer, Shop.objects.all()).exists()
        assert ids(scope_queryset(customer, ProductCategory.objects.all())) == ids(
            ProductCategory.objects.filter(organisation__isnull=True)
        )
        assert not scope_queryset(customer, ProductCategory.objects.all(), mode=WRITE).exists()

    def test_staff_of_two_organisations_see_both(self, world, org_a, org_b):
        user = make_staff(org_a)
        staff_membership_set(organisation=org_b, user=user)
        assert ids(scope_queryset(user, Shop.objects.all(), mode=WRITE)) == pks(world["shop_a"], world["shop_b"])
        assert organisation_ids(user) == {org_a.pk, org_b.pk}

    def test_writable_organisations(self, world, staff_a, org_a, animator):
        assert ids(writable_organisations(staff_a, Organisation.objects.all())) == {org_a.pk}
        assert ids(writable_organisations(animator, Organisation.objects.all())) == ids(Organisation.objects.all())


class TestCanReadCanChange:
    def test_staff(self, world, staff_a, org_a, org_b):
        for key in ("shop", "offer", "closure", "category"):
            assert can_read(staff_a, world[f"{key}_a"]) and can_change(staff_a, world[f"{key}_a"])
            assert not can_read(staff_a, world[f"{key}_b"]) and not can_change(staff_a, world[f"{key}_b"])
        assert can_read(staff_a, world["shared_category"])
        assert not can_change(staff_a, world["shared_category"])
        assert can_read(staff_a, org_a) and can_change(staff_a, org_a)
        assert not can_read(staff_a, org_b) and not can_change(staff_a, org_b)

    @pytest.mark.parametrize("who", ["animator", "admin_user"])
    def test_animators_and_platform_admins(self, request, world, who, org_b):
        user = request.getfixturevalue(who)
        for obj in (*world.values(), org_b):
            assert can_read(user, obj) and can_change(user, obj)

    def test_anonymous(self, world, org_a):
        anonymous = AnonymousUser()
        for obj in (*world.values(), org_a):
            assert not can_read(anonymous, obj)
            assert not can_change(anonymous, obj)


class TestOrganisationPermissionPolicy:
    def test_staff_on_categories(self, world, staff_a):
        policy = OrganisationPermissionPolicy(ProductCategory)
        own, other, shared = world["category_a"], world["category_b"], world["shared_category"]
        assert policy.user_has_permission_for_instance(staff_a, "change", own)
        assert policy.user_has_permission_for_instance(staff_a, "delete", own)
        assert not policy.user_has_permission_for_instance(staff_a, "change", other)
        assert not policy.user_has_permission_for_instance(staff_a, "view", other)
        assert policy.user_has_permission_for_instance(staff_a, "view", shared)
        assert not policy.user_has_permission_for_instance(staff_a, "change", shared)
        assert not policy.user_has_permission_for_instance(staff_a, "delete", shared)
        assert policy.user_has_any_permission_for_instance(staff_a, ["view", "change"], shared)
        assert not policy.user_has_any_permission_for_instance(staff_a, ["change", "delete"], shared)

        viewable = ids(policy.instances_user_has_any_permission_for(staff_a, ["view"]))
        changeable = ids(policy.instances_user_has_any_permission_for(staff_a, ["change", "delete"]))
        either = ids(policy.instances_user_has_any_permission_for(staff_a, ["view", "change"]))
        assert changeable == pks(own)
        assert shared.pk in viewable and own.pk in viewable and other.pk not in viewable
        assert either == viewable

    def test_without_the_model_permission_nothing_is_allowed(self, world):
        customer = UserFactory()
        policy = OrganisationPermissionPolicy(Shop)
        assert not policy.user_has_permission_for_instance(customer, "view", world["shop_a"])
        assert not policy.instances_user_has_any_permission_for(customer, ["view", "change"]).exists()

    def test_animator_views_every_shop_but_deletes_none(self, world, animator):
        policy = OrganisationPermissionPolicy(Shop)
        assert policy.user_has_permission_for_instance(animator, "change", world["shop_b"])
        assert not policy.user_has_permission_for_instance(animator, "delete", world["shop_b"])
        assert ids(policy.instances_user_has_any_permission_for(animator, ["view"])) == ids(Shop.objects.all())
        assert not policy.instances_user_has_any_permission_for(animator, ["delete"]).exists()

    def test_only_managers_change_their_organisation(self, world, org_a, org_b, staff_a):
        policy = OrganisationPermissionPolicy(Organisation)
        manager = make_staff(org_a, role=StaffRole.MANAGER)
        assert policy.user_has_permission_for_instance(manager, "change", org_a)
        assert not policy.user_has_permission_for_instance(manager, "change", org_b)
        assert policy.user_has_permission_for_instance(staff_a, "view", org_a)
        assert not policy.user_has_permission_for_instance(staff_a, "change", org_a)
        assert ids(policy.instances_user_has_any_permission_for(manager, ["change"])) == {org_a.pk}
        assert not policy.instances_user_has_any_permission_for(staff_a, ["change"]).exists()

    def test_a_manager_elsewhere_does_not_change_an_organisation_where_they_are_staff(self, world, org_a, org_b):
        policy = OrganisationPermissionPolicy(Organisation)
        user = make_staff(org_a, role=StaffRole.MANAGER)
        staff_membership_set(organisation=org_b, user=user, role=StaffRole.STAFF)
        assert user.has_perm("shops.change_organisation")
        assert policy.user_has_permission_for_instance(user, "change", org_a)
        assert not policy.user_has_permission_for_instance(user, "change", org_b)
        assert policy.user_has_permission_for_instance(user, "view", org_b)
        assert ids(policy.instances_user_has_any_permission_for(user, ["change"])) == {org_a.pk}
        assert ids(policy.instances_user_has_any_permission_for(user, ["view", "change"])) == {org_a.pk, org_b.pk}

    def test_platform_admin_changes_every_organisation(self, world, admin_user):
        policy = OrganisationPermissionPolicy(Organisation)
        for organisation in Organisation.objects.all():
            assert policy.user_has_permission_for_instance(admin_user, "change", organisation)
        assert ids(policy.instances_user_has_any_permission_for(admin_user, ["change"])) == ids(
            Organisation.objects.all()
        )
