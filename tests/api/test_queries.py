"""The number of SQL queries of each list is constant whatever the number of rows (no N+1)."""

from datetime import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from offers.models import Offer
from shops.models import OpeningPeriod, PickupSlot, VolunteerDomain
from tests.factories import (
    CustomerCategoryFactory,
    DepotFactory,
    MemberFactory,
    OfferFactory,
    ProducerFactory,
    ProductCategoryFactory,
    ProductFactory,
    ShopFactory,
)

pytestmark = pytest.mark.django_db


def add_offers(organisation, n, status="published"):
    """Each offer with its own shop, product, category and producer, so that any N+1 shows."""
    for _ in range(n):
        shop = ShopFactory(
            organisation=organisation, opening_hours=[OpeningPeriod(weekday=1, opens=time(9), closes=time(18))]
        )
        parent = ProductCategoryFactory()
        product = ProductFactory(
            organisation=organisation,
            category=ProductCategoryFactory(parent=parent),
            producer=ProducerFactory(organisation=organisation),
            name="Chaise en bois",
        )
        OfferFactory(organisation=organisation, shop=shop, product=product, status=status)


def add_depots(organisation, n):
    for _ in range(n):
        depot = DepotFactory(organisation=organisation)
        PickupSlot.objects.create(depot=depot, weekday=2, starts=time(17), ends=time(19))


def add_members(organisation, n):
    domain = VolunteerDomain.objects.get_or_create(code="diy")[0]
    for _ in range(n):
        MemberFactory(
            organisation=organisation,
            categories=[CustomerCategoryFactory(organisation=organisation)],
            volunteer="yes",
            volunteer_domains=[domain],
        )


def count_queries(client, url, params):
    client.get(url, params)  # warm-up: caches filled once per process must not count
    with CaptureQueriesContext(connection) as context:
        response = client.get(url, params)
    assert response.status_code == 200, response.content[:300]
    return len(context.captured_queries), response.json()["count"]


CASES = [
    ("offers, anonymous", "/api/v1/offers/", {}, None, add_offers),
    ("offers, staff", "/api/v1/offers/", {}, "staff", add_offers),
    ("offers, drafts of staff", "/api/v1/offers/", {"q": "chaise"}, "staff", add_offers),
    (
        "offers, filtered",
        "/api/v1/offers/",
        {"q": "chaise", "min_price": "1", "available_now": "true"},
        None,
        add_offers,
    ),
    ("shops", "/api/v1/shops/", {}, None, add_offers),
    ("shops near", "/api/v1/shops/", {"near": "48.85,2.35"}, None, add_offers),
    ("depots", "/api/v1/depots/", {}, None, add_depots),
    ("members", "/api/v1/members/", {"volunteer_domain": "diy"}, "staff", add_members),
]


@pytest.mark.parametrize("name, url, params, who, add", CASES, ids=[case[0] for case in CASES])
def test_query_count_does_not_grow_with_rows(api_as, api, org_a, staff_a, name, url, params, who, add):
    client = api_as(staff_a) if who == "staff" else api
    status = "draft" if "drafts" in name else "published"
    kwargs = {"status": status} if add is add_offers else {}

    add(org_a, 3, **kwargs)
    few, count = count_queries(client, url, params)
    assert count == 3
    add(org_a, 27, **kwargs)
    many, count = count_queries(client, url, {**params, "page_size": 50})
    assert count == 30

    assert few == many, f"{name}: {few} queries for 3 rows, {many} for 30"
    print(f"\n{name}: {few} queries for 3 rows, {many} for 30")


def test_query_counts_are_small(api_as, api, org_a, staff_a):
    """The absolute figures, so that a regression that stays constant is still noticed."""
    add_offers(org_a, 2)
    add_depots(org_a, 2)
    add_members(org_a, 2)
    staff = api_as(staff_a)

    # COUNT + SELECT; shops and depots add one prefetch (opening hours, pickup slots).
    assert count_queries(api, "/api/v1/offers/", {})[0] == 2
    assert count_queries(api, "/api/v1/shops/", {"near": "48.85,2.35"})[0] == 3
    assert count_queries(api, "/api/v1/depots/", {})[0] == 3
    # Staff add their session, their user, their animator check and their organisations (policy, cached per request);
    # members add two prefetches (categories, volunteering domains).
    assert count_queries(staff, "/api/v1/offers/", {})[0] == 6
    assert count_queries(staff, "/api/v1/members/", {})[0] == 8
    # The category filter reads the category's path once; an unknown category costs nothing more.
    category_id = Offer.objects.first().product.category.parent_id
    assert count_queries(api, "/api/v1/offers/", {"category": category_id})[0] == 3
    assert count_queries(api, "/api/v1/offers/", {"category": 999999})[0] == 1
