"""POST /api/v1/reservations/ and the customer's orders: the contract of the issue, errors included."""

import pytest
from rest_framework.authtoken.models import Token

from offers.models import Offer
from tests import factories

URL = "/api/v1/reservations/"

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop():
    return factories.ShopFactory()


@pytest.fixture
def chair(shop):
    return factories.OfferFactory(organisation=shop.organisation, shop=shop, stock_on_hand=3)


def body(offer, quantity=1, **extra):
    return {"lines": [{"offer": offer.pk, "quantity": quantity}], "fulfilment": "pickup",
            "pickup_shop": offer.shop_id, **extra}  # fmt: skip


def allocated(offer):
    return Offer.objects.get(pk=offer.pk).stock_allocated


def test_a_customer_with_a_token_places_an_order(api, customer, chair):
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=customer).key}")
    response = api.post(URL, body(chair, 2), format="json")
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["status"] == "placed"
    assert [
        {key: line[key] for key in ("offer", "quantity", "shop", "unit_price_incl_tax")} for line in data["lines"]
    ] == [{"offer": chair.pk, "quantity": 2, "shop": chair.shop_id, "unit_price_incl_tax": "12.00"}]
    assert data["shop"] == chair.shop_id and data["parts"] == [data["id"]]
    assert data["pickup_deadline"] and data["payment_status"] == "at_pickup" and data["total_incl_tax"] == "24.00"
    assert allocated(chair) == 2
    assert api.ids(URL) == [data["id"]]
    assert api.get(f"{URL}{data['id']}/").json()["id"] == data["id"]


def test_anonymous_visitors_are_asked_to_sign_in(api, chair):
    assert api.post(URL, body(chair), format="json").status_code == 401
    assert api.get(URL).status_code == 401
    assert allocated(chair) == 0


def test_short_stock_is_a_409_with_the_lines(api_as, customer, chair):
    response = api_as(customer).post(URL, body(chair, 5), format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "insufficient_stock"
    assert response.json()["lines"] == [{"offer": chair.pk, "requested": 5, "available": 3}]
    assert allocated(chair) == 0


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"lines": [], "fulfilment": "pickup"},
        {"lines": [{"offer": 1, "quantity": 0}], "fulfilment": "delivery"},
        {"lines": [{"offer": 1, "quantity": "beaucoup"}], "fulfilment": "delivery"},
        {"lines": [{"offer": 1, "quantity": 10**12}], "fulfilment": "delivery"},
        {"lines": [{"offer": "x", "quantity": 1}], "fulfilment": "delivery"},
        {"lines": "nope", "fulfilment": "delivery"},
        {"lines": [{"offer": 1, "quantity": 1}], "fulfilment": "teleport"},
        {"lines": [{"offer": 1, "quantity": 1}], "fulfilment": "pickup"},
    ],
)
def test_bad_bodies_are_400s_and_touch_no_stock(api_as, customer, chair, data):
    response = api_as(customer).post(URL, data, format="json")
    assert response.status_code == 400, response.content
    assert allocated(chair) == 0


def test_rules_refused_by_the_service_are_400s_with_a_code(api_as, customer, shop, chair):
    client = api_as(customer)
    unknown = client.post(URL, {"lines": [{"offer": 999999, "quantity": 1}], "fulfilment": "delivery"}, format="json")
    assert unknown.status_code == 400 and unknown.json()["code"] == "invalid_reservation"
    draft = factories.OfferFactory(organisation=shop.organisation, shop=shop, status="draft")
    assert client.post(URL, body(draft), format="json").json()["field"] == "offer"
    elsewhere = client.post(URL, {**body(chair), "pickup_shop": factories.ShopFactory().pk}, format="json")
    assert elsewhere.status_code == 400 and elsewhere.json()["field"] == "pickup_shop"
    closed = client.post(URL, {**body(chair), "pickup_shop": 999999}, format="json")
    assert closed.status_code == 400 and closed.json()["field"] == "pickup_shop"
    assert allocated(chair) == 0


def test_an_idempotency_key_makes_a_retry_return_the_first_order(api_as, customer, chair):
    client = api_as(customer)
    first = client.post(URL, body(chair), format="json", HTTP_IDEMPOTENCY_KEY="retry-1")
    again = client.post(URL, body(chair), format="json", HTTP_IDEMPOTENCY_KEY="retry-1")
    assert first.status_code == again.status_code == 201
    assert first.json()["id"] == again.json()["id"]
    assert allocated(chair) == 1
    too_long = client.post(URL, body(chair), format="json", HTTP_IDEMPOTENCY_KEY="k" * 101)
    assert too_long.status_code == 400


def test_customers_see_only_their_orders_and_staff_their_organisations(api_as, customer, shop, chair):
    mine = api_as(customer).post(URL, body(chair), format="json").json()["id"]
    other_shop = factories.ShopFactory()
    other_offer = factories.OfferFactory(organisation=other_shop.organisation, shop=other_shop, stock_on_hand=2)
    theirs = api_as(factories.UserFactory()).post(URL, body(other_offer), format="json").json()["id"]
    assert api_as(customer).ids(URL) == [mine]
    assert api_as(customer).get(f"{URL}{theirs}/").status_code == 404
    staff = factories.make_staff(shop.organisation, username="vendeur")
    assert api_as(staff).ids(URL) == [mine]
    assert set(api_as(factories.make_animator(username="anim")).ids(URL)) == {mine, theirs}


def test_the_customer_cancels_until_the_order_is_ready(api_as, customer, chair):
    from baskets.models import Reservation
    from baskets.services import reservation_transition

    client = api_as(customer)
    first = client.post(URL, body(chair), format="json").json()["id"]
    response = client.post(f"{URL}{first}/cancel/", {"reason": "Trouvé ailleurs"}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "cancelled"
    assert allocated(chair) == 0
    second = client.post(URL, body(chair), format="json").json()["id"]
    reservation = Reservation.objects.get(pk=second)
    for status in ("accepted", "ready"):
        reservation_transition(reservation=reservation, to_status=status)
    late = client.post(f"{URL}{second}/cancel/", {}, format="json")
    assert late.status_code == 400 and late.json()["code"] == "invalid_transition"
    assert allocated(chair) == 1
    staff = factories.make_staff(chair.organisation, username="vendeuse")
    assert api_as(staff).post(f"{URL}{second}/cancel/", {}, format="json").json()["field"] == "reason"
    cancelled = api_as(staff).post(f"{URL}{second}/cancel/", {"reason": "Article abîmé"}, format="json")
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    assert allocated(chair) == 0


def test_placing_an_order_costs_the_same_queries_for_one_line_or_five(
    api, customer, shop, django_assert_max_num_queries, django_assert_num_queries
):
    """The POST's queries do not grow with the order's lines (one shop here); the figure is in docs/benchmarks.md."""
    offers = [factories.OfferFactory(organisation=shop.organisation, shop=shop, stock_on_hand=3) for _ in range(6)]
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=customer).key}")
    api.post(URL, body(offers[5]), format="json")  # the first order makes the customer a member
    with django_assert_max_num_queries(17) as one_line:
        assert api.post(URL, body(offers[0]), format="json").status_code == 201
    five_lines = {
        "lines": [{"offer": offer.pk, "quantity": 1} for offer in offers[1:5]],
        "fulfilment": "pickup",
        "pickup_shop": shop.pk,
    }
    with django_assert_num_queries(len(one_line.captured_queries)):
        assert api.post(URL, five_lines, format="json").status_code == 201
