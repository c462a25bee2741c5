import pytest

from shops.models import VolunteerDomain
from tests.factories import CustomerCategoryFactory, MemberFactory

from .utils import translated

URL = "/api/v1/members/"

pytestmark = pytest.mark.django_db


def domain(code):
    return VolunteerDomain.objects.get_or_create(code=code)[0]


def test_anonymous_visitors_are_refused(api, org_a):
    member = MemberFactory(organisation=org_a)

    assert api.get(URL).status_code in (401, 403)
    assert api.get(f"{URL}{member.pk}/").status_code in (401, 403)


def test_customers_who_work_for_no_organisation_are_refused(api_as, customer, org_a):
    MemberFactory(organisation=org_a)

    response = api_as(customer).get(URL)

    assert response.status_code == 403
    assert response.json() == {
        "detail": translated("Only the staff of an organisation can see its members."),
        "code": "permission_denied",
    }


def test_staff_see_their_organisations_members_only(api_as, org_a, org_b, staff_a):
    mine = MemberFactory(organisation=org_a, last_name="Arnaud")
    theirs = MemberFactory(organisation=org_b, last_name="Bernard")
    client = api_as(staff_a)

    assert client.ids(URL) == [mine.pk]
    assert client.get(f"{URL}{mine.pk}/").status_code == 200
    assert client.get(f"{URL}{theirs.pk}/").status_code == 404
    # A filter on the other organisation's category finds nothing rather than leaking.
    other_category = CustomerCategoryFactory(organisation=org_b)
    MemberFactory(organisation=org_b, categories=[other_category])
    assert client.ids(URL, {"category": other_category.pk}) == []


def test_staff_of_several_organisations_see_all_of_theirs(api_as, org_a, org_b):
    from shops import services
    from tests.factories import make_staff

    user = make_staff(org_a)
    services.staff_membership_set(organisation=org_b, user=user)
    both = {MemberFactory(organisation=org_a).pk, MemberFactory(organisation=org_b).pk}

    assert set(api_as(user).ids(URL)) == both


def test_animators_see_every_member(api_as, org_a, org_b, animator):
    both = {MemberFactory(organisation=org_a).pk, MemberFactory(organisation=org_b).pk}

    assert set(api_as(animator).ids(URL)) == both


def test_member_representation(api_as, org_a, staff_a):
    category = CustomerCategoryFactory(organisation=org_a, name="Adhérent solidaire")
    member = MemberFactory(
        organisation=org_a,
        first_name="Camille",
        last_name="Durand",
        categories=[category],
        volunteer="yes",
        volunteer_domains=[domain("diy")],
    )

    data = api_as(staff_a).get(f"{URL}{member.pk}/").json()

    assert data["organisation"] == org_a.slug
    assert (data["first_name"], data["last_name"]) == ("Camille", "Durand")
    assert data["categories"] == [{"id": category.pk, "name": "Adhérent solidaire"}]
    assert data["volunteer"] == "yes"
    assert data["volunteer_domains"] == ["diy"]


def test_filter_members(api_as, org_a, staff_a):
    solidarity = CustomerCategoryFactory(organisation=org_a)
    other = CustomerCategoryFactory(organisation=org_a)
    handy = MemberFactory(
        organisation=org_a, categories=[solidarity, other], volunteer="yes", volunteer_domains=[domain("diy")]
    )
    cook = MemberFactory(
        organisation=org_a,
        categories=[other],
        volunteer="maybe",
        volunteer_domains=[domain("cooking"), domain("diy")],
    )
    quiet = MemberFactory(organisation=org_a, volunteer="no")
    client = api_as(staff_a)

    assert client.ids(URL, {"category": solidarity.pk}) == [handy.pk]
    assert client.ids(URL, {"category": other.pk}) == [handy.pk, cook.pk]
    assert client.ids(URL, {"volunteer": "no"}) == [quiet.pk]
    assert client.ids(URL, {"volunteer_domain": "diy"}) == [handy.pk, cook.pk]
    assert client.ids(URL, {"volunteer_domain": "cooking"}) == [cook.pk]
    assert client.ids(URL, {"volunteer_domain": "diy", "category": other.pk, "volunteer": "maybe"}) == [cook.pk]
    assert client.get(URL, {"volunteer_domain": "juggling"}).status_code == 400
    assert client.get(URL, {"category": "abc"}).status_code == 400
