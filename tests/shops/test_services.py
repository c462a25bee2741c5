"""Rules of shops.services: organisations and staff, shops and opening hours, depots and closures, members."""

from datetime import date, time, timedelta

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.utils import timezone
from wagtail.models import GroupPagePermission

from cms.models import ShopPage
from pivot_site.exceptions import DomainError
from shops.choices import ORGANISATION_STAFF_GROUP, StaffRole, VolunteerAnswer, VolunteerDomainCode, Weekday
from shops.exceptions import AccessCodeRequired, InvalidClosure, InvalidOpeningHours, OrganisationMismatch
from shops.models import Closure, Depot, Member, OpeningPeriod, Organisation, Shop, StaffMembership, VolunteerDomain
from shops.roles import MANAGERS_GROUP
from shops.services import (
    closure_create,
    closures_validate,
    depot_check_access_code,
    depot_save,
    member_save,
    opening_hours_validate,
    organisation_save,
    shop_save,
    staff_membership_set,
)
from tests.factories import (
    CustomerCategoryFactory,
    DepotFactory,
    MemberFactory,
    OfferFactory,
    OrganisationFactory,
    ShopFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


# Organisations and staff


def group_names(user):
    return set(user.groups.values_list("name", flat=True))


class TestOrganisation:
    def test_creates_its_staff_group_once(self):
        groups = Group.objects.count()
        organisation = organisation_save(organisation=Organisation(kind="reuse_shop", name="La Recyclerie"))
        assert organisation.slug == "la-recyclerie"
        assert organisation.staff_group is not None
        assert Group.objects.count() == groups + 1
        group_id = organisation.staff_group_id

        organisation.city = "Paris"
        organisation_save(organisation=organisation)
        reloaded = Organisation.objects.get(pk=organisation.pk)
        organisation_save(organisation=reloaded)
        assert reloaded.staff_group_id == group_id
        assert Group.objects.count() == groups + 1

    def test_slugs_are_unique(self):
        first = OrganisationFactory(name="Le Grenier")
        second = OrganisationFactory(name="Le Grenier")
        assert (first.slug, second.slug) == ("le-grenier", "le-grenier-2")

    def test_a_long_name_still_gets_its_group(self):
        organisation = OrganisationFactory(name="R" * 150)
        group = Group.objects.get(pk=organisation.staff_group_id)
        assert len(group.name) <= Group._meta.get_field("name").max_length

    def test_a_slug_used_by_a_deleted_organisation_can_be_reused(self):
        first = OrganisationFactory(name="Éphémère")
        Organisation.objects.filter(pk=first.pk).delete()  # its group stays (PROTECT goes the other way)
        second = OrganisationFactory(name="Éphémère")
        assert second.slug == first.slug
        assert second.staff_group_id != first.staff_group_id

    def test_identifiers_are_normalised(self):
        organisation = OrganisationFactory(
            siret="732 829 320 00074", vat_number="fr 40 303265045", phone="01 42 68 53 00"
        )
        organisation.refresh_from_db()
        assert (organisation.siret, organisation.vat_number, organisation.phone) == (
            "73282932000074",
            "FR40303265045",
            "+33142685300",
        )

    def test_invalid_identifiers_are_refused(self):
        with pytest.raises(ValidationError) as excinfo:
            OrganisationFactory(siret="73282932000075")
        assert "siret" in excinfo.value.message_dict
        with pytest.raises(ValidationError) as excinfo:
            OrganisationFactory(phone="not a phone")
        assert "phone" in excinfo.value.message_dict


class TestStaffMembership:
    def test_staff_get_the_role_group_and_the_organisation_group(self, org_a):
        user = UserFactory()
        membership = staff_membership_set(organisation=org_a, user=user)
        assert membership.role == StaffRole.STAFF
        assert group_names(user) == {ORGANISATION_STAFF_GROUP, org_a.staff_group.name}
        assert user.has_perm("offers.change_offer")
        assert user.has_perm("wagtailadmin.access_admin")
        assert not user.has_perm("shops.change_organisation")

    def test_managers_also_get_the_managers_group(self, org_a):
        user = UserFactory()
        staff_membership_set(organisation=org_a, user=user, role=StaffRole.MANAGER)
        assert group_names(user) == {ORGANISATION_STAFF_GROUP, org_a.staff_group.name, MANAGERS_GROUP}
        assert user.has_perm("shops.change_organisation")

    def test_a_demoted_manager_loses_the_managers_group(self, org_a):
        user = UserFactory()
        staff_membership_set(organisation=org_a, user=user, role=StaffRole.MANAGER)
        staff_membership_set(organisation=org_a, user=user, role=StaffRole.STAFF)
        assert MANAGERS_GROUP not in group_names(user)
        assert StaffMembership.objects.get(user=user).role == StaffRole.STAFF
        assert not user.has_perm("shops.change_organisation")

    def test_setting_a_role_twice_keeps_one_membership(self, org_a):
        user = UserFactory()
        staff_membership_set(organisation=org_a, user=user)
        staff_membership_set(organisation=org_a, user=user)
        assert StaffMembership.objects.filter(user=user).count() == 1

    def test_working_for_two_organisations(self, org_a, org_b):
        user = UserFactory()
        staff_membership_set(organisation=org_a, user=user, role=StaffRole.MANAGER)
        staff_membership_set(organisation=org_b, user=user)
        assert group_names(user) == {
            ORGANISATION_STAFF_GROUP,
            org_a.staff_group.name,
            org_b.staff_group.name,
            MANAGERS_GROUP,
        }
        # Manager somewhere is enough for the group; the scoping policy narrows it (see test_permissions).

    def test_an_unknown_role_is_refused(self, org_a):
        user = UserFactory()
        with pytest.raises(DomainError) as excinfo:
            staff_membership_set(organisation=org_a, user=user, role="owner")
        assert excinfo.value.field == "role"
        assert not StaffMembership.objects.filter(user=user).exists()
        assert not user.groups.exists()

    def test_the_policy_cache_on_the_user_is_refreshed(self, org_a, org_b):
        from shops.permissions import organisation_ids

        user = UserFactory()
        assert organisation_ids(user) == frozenset()
        staff_membership_set(organisation=org_a, user=user)
        assert organisation_ids(user) == {org_a.pk}
        staff_membership_set(organisation=org_b, user=user)
        assert organisation_ids(user) == {org_a.pk, org_b.pk}


# Shops and opening hours


def period(weekday, opens, closes):
    return OpeningPeriod(weekday=weekday, opens=time(*opens), closes=time(*closes))


class TestOpeningHours:
    def test_overlapping_periods_on_the_same_day_are_refused(self):
        with pytest.raises(InvalidOpeningHours) as excinfo:
            opening_hours_validate([period(Weekday.MONDAY, (9,), (12,)), period(Weekday.MONDAY, (11, 30), (14,))])
        assert excinfo.value.field == "opening_hours"
        assert excinfo.value.code == "invalid_opening_hours"

    def test_a_period_inside_another_is_refused(self):
        with pytest.raises(InvalidOpeningHours):
            opening_hours_validate(
                [
                    period(Weekday.TUESDAY, (14,), (15,)),
                    period(Weekday.TUESDAY, (9,), (18,)),
                    period(Weekday.TUESDAY, (10,), (11,)),
                ]
            )

    def test_the_same_times_on_different_days_are_fine(self):
        opening_hours_validate([period(day, (9,), (18,)) for day in Weekday.values])

    def test_back_to_back_periods_are_fine(self):
        opening_hours_validate([period(Weekday.MONDAY, (14,), (18,)), period(Weekday.MONDAY, (9,), (14,))])

    @pytest.mark.parametrize(("opens", "closes"), [((12,), (9,)), ((9,), (9,))])
    def test_closing_before_opening_is_refused(self, opens, closes):
        with pytest.raises(InvalidOpeningHours):
            opening_hours_validate([period(Weekday.FRIDAY, opens, closes)])


class TestShopSave:
    def test_a_new_shop_gets_one_page_editable_by_its_organisation(self, org_a, org_b):
        shop = ShopFactory(organisation=org_a, name="Boutique du Centre")
        page = ShopPage.objects.get(shop=shop)
        assert page.title == "Boutique du Centre"
        assert page.live
        codenames = set(
            GroupPagePermission.objects.filter(group=org_a.staff_group, page=page).values_list(
                "permission__codename", flat=True
            )
        )
        assert codenames == {"change_page", "publish_page"}
        assert not GroupPagePermission.objects.filter(group=org_b.staff_group).exists()

    def test_saving_again_does_not_duplicate_the_page_or_permissions(self, org_a):
        shop = ShopFactory(organisation=org_a)
        permissions = GroupPagePermission.objects.count()
        shop.city = "Lyon"
        shop.postcode = "69001"
        shop_save(shop=shop)
        shop_save(shop=Shop.objects.get(pk=shop.pk))
        assert ShopPage.objects.filter(shop=shop).count() == 1
        assert GroupPagePermission.objects.count() == permissions

    def test_a_shop_moved_to_another_organisation_changes_hands(self, org_a, org_b):
        shop = ShopFactory(organisation=org_a)
        shop.organisation = org_b
        shop_save(shop=shop)
        page = ShopPage.objects.get(shop=shop)
        assert not GroupPagePermission.objects.filter(page=page, group=org_a.staff_group).exists()
        assert GroupPagePermission.objects.filter(page=page, group=org_b.staff_group).count() == 2

    def test_a_shop_holding_offers_cannot_move(self, org_a, org_b):
        offer = OfferFactory(organisation=org_a)
        shop = offer.shop
        shop.organisation = org_b
        with pytest.raises(OrganisationMismatch) as excinfo:
            shop_save(shop=shop)
        assert excinfo.value.field == "organisation"
        assert Shop.objects.get(pk=shop.pk).organisation == org_a

    def test_a_shop_holding_depots_cannot_move(self, org_a, org_b):
        shop = ShopFactory(organisation=org_a)
        DepotFactory(organisation=org_a, shop=shop)
        shop.organisation = org_b
        with pytest.raises(OrganisationMismatch):
            shop_save(shop=shop)

    def test_opening_hours_are_saved(self, org_a):
        shop = Shop(organisation=org_a, name="Atelier", postcode="75011", city="Paris")
        shop_save(
            shop=shop,
            opening_hours=[period(Weekday.MONDAY, (9,), (12,)), period(Weekday.MONDAY, (14,), (18,))],
        )
        assert OpeningPeriod.objects.filter(shop=shop).count() == 2
        shop_save(shop=shop, opening_hours=[period(Weekday.SATURDAY, (10,), (17,))])
        assert list(OpeningPeriod.objects.filter(shop=shop).values_list("weekday", flat=True)) == [Weekday.SATURDAY]

    def test_overlapping_opening_hours_save_nothing(self, org_a):
        shops = Shop.objects.count()
        with pytest.raises(InvalidOpeningHours):
            shop_save(
                shop=Shop(organisation=org_a, name="Atelier", postcode="75011", city="Paris"),
                opening_hours=[period(Weekday.MONDAY, (9,), (12,)), period(Weekday.MONDAY, (10,), (11,))],
            )
        assert Shop.objects.count() == shops
        assert not OpeningPeriod.objects.exists()


# Depots and closures


def closure(starts, ends, replacement=None):
    return Closure(starts_on=starts, ends_on=ends, replacement=replacement)


JAN = [date(2027, 1, day) for day in range(1, 32)]


class TestClosuresValidate:
    @pytest.fixture
    def depot(self, org_a):
        return DepotFactory(organisation=org_a)

    def test_overlapping_closures_are_refused(self, depot):
        with pytest.raises(InvalidClosure) as excinfo:
            closures_validate(depot=depot, closures=[closure(JAN[9], JAN[14]), closure(JAN[0], JAN[9])])
        assert excinfo.value.field == "closures"

    def test_a_closure_within_another_is_refused(self, depot):
        with pytest.raises(InvalidClosure):
            closures_validate(
                depot=depot,
                closures=[closure(JAN[0], JAN[30]), closure(JAN[4], JAN[5]), closure(JAN[10], JAN[12])],
            )

    def test_adjacent_closures_are_fine(self, depot):
        closures_validate(depot=depot, closures=[closure(JAN[10], JAN[14]), closure(JAN[0], JAN[9])])

    def test_a_closure_ending_before_it_starts_is_refused(self, depot):
        with pytest.raises(InvalidClosure):
            closures_validate(depot=depot, closures=[closure(JAN[5], JAN[4])])

    def test_replacement_of_the_same_organisation_is_fine(self, depot, org_a):
        other = DepotFactory(organisation=org_a)
        closures_validate(depot=depot, closures=[closure(JAN[0], JAN[5], replacement=other)])

    def test_replacement_of_another_organisation_is_refused(self, depot, org_b):
        with pytest.raises(InvalidClosure) as excinfo:
            closures_validate(
                depot=depot, closures=[closure(JAN[0], JAN[5], replacement=DepotFactory(organisation=org_b))]
            )
        assert excinfo.value.field == "closures"

    def test_inactive_replacement_is_refused(self, depot, org_a):
        inactive = DepotFactory(organisation=org_a, active=False)
        with pytest.raises(InvalidClosure):
            closures_validate(depot=depot, closures=[closure(JAN[0], JAN[5], replacement=inactive)])

    def test_a_depot_cannot_replace_itself(self, depot):
        with pytest.raises(InvalidClosure):
            closures_validate(depot=depot, closures=[closure(JAN[0], JAN[5], replacement=depot)])

    def test_a_replacement_closed_in_that_period_is_refused(self, depot, org_a):
        other = DepotFactory(organisation=org_a)
        closure_create(depot=other, starts_on=JAN[5], ends_on=JAN[6])
        with pytest.raises(InvalidClosure):
            closures_validate(depot=depot, closures=[closure(JAN[0], JAN[5], replacement=other)])
        closures_validate(depot=depot, closures=[closure(JAN[0], JAN[4], replacement=other)])
        closures_validate(depot=depot, closures=[closure(JAN[7], JAN[9], replacement=other)])


class TestDepotSave:
    def test_closures_are_saved_with_the_depot(self, org_a):
        other = DepotFactory(organisation=org_a)
        depot = depot_save(
            depot=Depot(organisation=org_a, name="Mairie", postcode="93100", city="Montreuil"),
            closures=[closure(JAN[0], JAN[9], replacement=other), closure(JAN[10], JAN[12])],
        )
        assert Closure.objects.filter(depot=depot).count() == 2

    def test_overlapping_closures_save_nothing(self, org_a):
        depots = Depot.objects.count()
        with pytest.raises(InvalidClosure):
            depot_save(
                depot=Depot(organisation=org_a, name="Mairie", postcode="93100", city="Montreuil"),
                closures=[closure(JAN[0], JAN[9]), closure(JAN[9], JAN[12])],
            )
        assert Depot.objects.count() == depots
        assert not Closure.objects.exists()

    def test_replacing_the_closures_of_an_existing_depot(self, org_a):
        depot = DepotFactory(organisation=org_a)
        depot_save(depot=depot, closures=[closure(JAN[0], JAN[2])])
        depot = Depot.objects.get(pk=depot.pk)
        with pytest.raises(InvalidClosure):
            depot_save(depot=depot, closures=[closure(JAN[0], JAN[2]), closure(JAN[1], JAN[3])])
        assert list(Closure.objects.filter(depot=depot).values_list("starts_on", "ends_on")) == [(JAN[0], JAN[2])]

    def test_shop_of_another_organisation_is_refused(self, org_a, org_b):
        with pytest.raises(OrganisationMismatch) as excinfo:
            DepotFactory(organisation=org_a, shop=ShopFactory(organisation=org_b))
        assert excinfo.value.field == "shop"

    def test_a_restricted_depot_needs_an_access_code_which_is_hashed(self, org_a):
        with pytest.raises(AccessCodeRequired):
            depot_save(
                depot=Depot(organisation=org_a, name="Privé", postcode="93100", city="Montreuil", restricted=True)
            )
        depot = depot_save(
            depot=Depot(organisation=org_a, name="Privé", postcode="93100", city="Montreuil", restricted=True),
            access_code="4321",
        )
        assert depot.access_code_hash and "4321" not in depot.access_code_hash
        assert depot_check_access_code(depot=depot, access_code="4321")
        assert not depot_check_access_code(depot=depot, access_code="1234")
        assert not depot_check_access_code(depot=depot, access_code="")
        depot.restricted = False
        depot_save(depot=depot)
        assert Depot.objects.get(pk=depot.pk).access_code_hash == ""
        assert depot_check_access_code(depot=depot, access_code="")


class TestClosureCreate:
    @pytest.fixture
    def depot(self, org_a):
        return DepotFactory(organisation=org_a)

    def test_creates_a_closure(self, depot):
        created = closure_create(depot=depot, starts_on=JAN[0], ends_on=JAN[4], reason="Inventaire")
        assert Closure.objects.get(pk=created.pk).reason == "Inventaire"

    def test_overlapping_an_existing_closure_is_refused(self, depot):
        closure_create(depot=depot, starts_on=JAN[0], ends_on=JAN[4])
        with pytest.raises(InvalidClosure):
            closure_create(depot=depot, starts_on=JAN[4], ends_on=JAN[8])
        closure_create(depot=depot, starts_on=JAN[5], ends_on=JAN[8])
        assert Closure.objects.filter(depot=depot).count() == 2

    def test_replacement_rules(self, depot, org_a, org_b):
        with pytest.raises(InvalidClosure):
            closure_create(depot=depot, starts_on=JAN[0], ends_on=JAN[1], replacement=depot)
        with pytest.raises(InvalidClosure):
            closure_create(depot=depot, starts_on=JAN[0], ends_on=JAN[1], replacement=DepotFactory(organisation=org_b))
        with pytest.raises(InvalidClosure):
            closure_create(
                depot=depot,
                starts_on=JAN[0],
                ends_on=JAN[1],
                replacement=DepotFactory(organisation=org_a, active=False),
            )
        closed = DepotFactory(organisation=org_a)
        closure_create(depot=closed, starts_on=JAN[1], ends_on=JAN[3])
        with pytest.raises(InvalidClosure):
            closure_create(depot=depot, starts_on=JAN[0], ends_on=JAN[1], replacement=closed)
        assert not Closure.objects.filter(depot=depot).exists()
        closure_create(depot=depot, starts_on=JAN[4], ends_on=JAN[5], replacement=closed)

    def test_a_depot_named_as_replacement_cannot_close_in_that_period(self, depot, org_a):
        replacement = DepotFactory(organisation=org_a)
        closure_create(depot=depot, starts_on=JAN[0], ends_on=JAN[9], replacement=replacement)
        with pytest.raises(InvalidClosure):
            closure_create(depot=replacement, starts_on=JAN[9], ends_on=JAN[12])
        closure_create(depot=replacement, starts_on=JAN[10], ends_on=JAN[12])

    def test_a_depot_named_as_replacement_stays_active(self, depot, org_a):
        today = timezone.localdate()
        replacement = DepotFactory(organisation=org_a)
        closure_create(depot=depot, starts_on=today, ends_on=today + timedelta(days=3), replacement=replacement)
        replacement.active = False
        with pytest.raises(InvalidClosure) as excinfo:
            depot_save(depot=replacement)
        assert excinfo.value.field == "active"
        assert Depot.objects.get(pk=replacement.pk).active

    def test_a_past_replacement_does_not_keep_a_depot_active(self, depot, org_a):
        today = timezone.localdate()
        replacement = DepotFactory(organisation=org_a)
        closure_create(
            depot=depot, starts_on=today - timedelta(days=9), ends_on=today - timedelta(days=1), replacement=replacement
        )
        replacement.active = False
        depot_save(depot=replacement)
        assert not Depot.objects.get(pk=replacement.pk).active


# Members


class TestMembers:
    def test_email_is_normalised(self, org_a):
        member = MemberFactory(organisation=org_a, email="  Camille.Martin@Example.ORG ")
        assert Member.objects.get(pk=member.pk).email == "camille.martin@example.org"

    def test_email_is_unique_per_organisation(self, org_a):
        MemberFactory(organisation=org_a, email="camille@example.org")
        with pytest.raises(DomainError) as excinfo:
            MemberFactory(organisation=org_a, email="Camille@Example.org")
        assert excinfo.value.code == "duplicate_member"
        assert excinfo.value.field == "email"
        assert Member.objects.filter(organisation=org_a).count() == 1

    def test_the_same_email_in_two_organisations_is_fine(self, org_a, org_b):
        MemberFactory(organisation=org_a, email="camille@example.org")
        MemberFactory(organisation=org_b, email="camille@example.org")
        assert Member.objects.filter(email="camille@example.org").count() == 2

    def test_members_without_email_are_not_duplicates(self, org_a):
        MemberFactory(organisation=org_a, email="")
        MemberFactory(organisation=org_a, email="")
        assert Member.objects.filter(organisation=org_a, email="").count() == 2

    def test_updating_a_member_keeps_its_own_email(self, org_a):
        member = MemberFactory(organisation=org_a, email="camille@example.org")
        member.city = "Paris"
        member_save(member=member)
        assert Member.objects.get(pk=member.pk).city == "Paris"

    def test_categories_of_another_organisation_are_refused(self, org_a, org_b):
        own, other = CustomerCategoryFactory(organisation=org_a), CustomerCategoryFactory(organisation=org_b)
        with pytest.raises(OrganisationMismatch) as excinfo:
            MemberFactory(organisation=org_a, categories=[own, other])
        assert excinfo.value.field == "categories"
        assert not Member.objects.filter(organisation=org_a).exists()
        member = MemberFactory(organisation=org_a, categories=[own])
        assert list(member.categories.all()) == [own]

    def test_moving_a_member_to_another_organisation_rechecks_its_categories(self, org_a, org_b):
        member = MemberFactory(organisation=org_a, categories=[CustomerCategoryFactory(organisation=org_a)])
        member.organisation = org_b
        with pytest.raises(OrganisationMismatch):
            member_save(member=member)
        assert Member.objects.get(pk=member.pk).organisation == org_a
        member_save(member=member, categories=[])
        assert Member.objects.get(pk=member.pk).organisation == org_b

    def test_volunteer_no_clears_the_domains(self, org_a):
        domains = list(VolunteerDomain.objects.filter(code__in=[VolunteerDomainCode.DIY, VolunteerDomainCode.SALES]))
        assert len(domains) == 2
        member = MemberFactory(organisation=org_a, volunteer=VolunteerAnswer.YES, volunteer_domains=domains)
        assert set(member.volunteer_domains.all()) == set(domains)

        member.volunteer = VolunteerAnswer.NO
        member_save(member=member)
        assert not Member.objects.get(pk=member.pk).volunteer_domains.exists()

        member.volunteer = VolunteerAnswer.NO
        member_save(member=member, volunteer_domains=domains)
        assert not member.volunteer_domains.exists()

    def test_maybe_keeps_the_domains(self, org_a):
        domains = list(VolunteerDomain.objects.all()[:1])
        member = MemberFactory(organisation=org_a, volunteer=VolunteerAnswer.MAYBE, volunteer_domains=domains)
        member.city = "Paris"
        member_save(member=member)
        assert list(member.volunteer_domains.all()) == domains

    def test_phone_is_normalised(self, org_a):
        member = MemberFactory(organisation=org_a, phone="06 12 34 56 78")
        assert Member.objects.get(pk=member.pk).phone == "+33612345678"


def test_page_permissions_are_the_wagtail_ones():
    assert (
        Permission.objects.filter(
            content_type__app_label="wagtailcore", codename__in=["change_page", "publish_page"]
        ).count()
        == 2
    )
