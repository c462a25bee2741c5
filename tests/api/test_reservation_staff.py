"""Staff and animators move orders through the API: transitions, line cancels, returns, reassignment; each
organisation sees and handles only its own orders."""

import pytest

from baskets.models import Reservation
from baskets.services import DeliveryAddress, LineRequest, reservation_create
from offers.models import Offer
from tests import factories

URL = "/api/v1/reservations/"

pytestmark = pytest.mark.django_db


@pytest.fixture
def network():
    organisation = factories.OrganisationFactory()
    return organisation, [factories.ShopFactory(organisation=organisation) for _ in range(2)]


@pytest.fixture
def order(network, customer):
    organisation, (shop, _other) = network
    chair = factories.OfferFactory(organisation=organisation, shop=shop, stock_on_hand=3)
    return reservation_create(
        customer=customer, lines=[LineRequest(chair.pk, 2)], fulfilment="pickup", pickup_shop_id=shop.pk
    )


def post(client, order, action, data=None):
    return client.post(f"{URL}{order.pk}/{action}/", data or {}, format="json")


def test_staff_take_a_pickup_order_to_collection(api_as, network, order):
    staff = api_as(factories.make_staff(network[0], username="vendeuse"))
    assert post(staff, order, "accept").json()["status"] == "accepted"
    assert post(staff, order, "ready").json()["status"] == "ready"
    missing = post(staff, order, "collect")
    assert missing.status_code == 400 and "payment_method" in missing.json()
    collected = post(staff, order, "collect", {"payment_method": "cash"}).json()
    assert (collected["status"], collected["payment_status"], collected["payment_method"]) == (
        "collected",
        "paid",
        "cash",
    )
    offer = Offer.objects.get(pk=order.lines.get().offer_id)
    assert (offer.stock_on_hand, offer.stock_allocated) == (1, 0)
    returned = post(staff, order, "return", {"line": order.lines.get().pk, "quantity": 1, "restock": True})
    assert returned.json()["lines"][0]["returned_quantity"] == 1
    assert Offer.objects.get(pk=offer.pk).stock_on_hand == 2


def test_refusing_needs_a_reason_and_wrong_transitions_say_why(api_as, network, order):
    staff = api_as(factories.make_staff(network[0], username="vendeuse"))
    no_reason = post(staff, order, "refuse")
    assert no_reason.status_code == 400 and no_reason.json()["field"] == "reason"
    wrong = post(staff, order, "ship", {"carrier": "La Poste", "tracking_number": "6A1"})
    assert wrong.status_code == 400 and wrong.json()["code"] == "invalid_transition"
    assert post(staff, order, "refuse", {"reason": "Plus en rayon"}).json()["status"] == "refused"
    assert Offer.objects.get(pk=order.lines.get().offer_id).stock_allocated == 0


def test_a_delivery_is_shipped_with_its_tracking_number(api_as, customer):
    chair = factories.OfferFactory(stock_on_hand=3)
    order = reservation_create(
        customer=customer,
        lines=[LineRequest(chair.pk, 1)],
        fulfilment="delivery",
        address=DeliveryAddress(name="C. Martin", address="3 rue des Lilas", postcode="75002", city="Paris"),
    )
    staff = api_as(factories.make_staff(chair.organisation, username="vendeuse"))
    post(staff, order, "accept")
    assert post(staff, order, "ship", {"carrier": "La Poste"}).status_code == 400
    shipped = post(staff, order, "ship", {"carrier": "La Poste", "tracking_number": "6A123"}).json()
    assert (shipped["status"], shipped["carrier"], shipped["tracking_number"]) == ("shipped", "La Poste", "6A123")
    assert shipped["address"]["city"] == "Paris"
    assert post(staff, order, "deliver").json()["status"] == "delivered"


def test_staff_cancel_a_line_with_a_reason(api_as, network, customer):
    organisation, (shop, _other) = network
    a, b = (factories.OfferFactory(organisation=organisation, shop=shop, stock_on_hand=3) for _ in range(2))
    order = reservation_create(
        customer=customer,
        lines=[LineRequest(a.pk, 1), LineRequest(b.pk, 1)],
        fulfilment="pickup",
        pickup_shop_id=shop.pk,
    )
    staff = api_as(factories.make_staff(organisation, username="vendeuse"))
    line = order.lines.get(offer=a)
    assert post(staff, order, "cancel-line", {"line": line.pk}).status_code == 400
    data = post(staff, order, "cancel-line", {"line": line.pk, "reason": "Cassé"}).json()
    assert data["status"] == "placed" and [bool(line["cancelled_at"]) for line in data["lines"]] == [True, False]
    assert post(staff, order, "cancel-line", {"line": 10**6, "reason": "x"}).status_code == 400


def test_other_organisations_and_customers_cannot_touch_an_order(api_as, network, order, customer):
    outsider = api_as(factories.make_staff(factories.OrganisationFactory(), username="ailleurs"))
    assert outsider.get(f"{URL}{order.pk}/").status_code == 404
    assert order.pk not in outsider.ids(URL)
    for action in (
        "accept",
        "refuse",
        "ready",
        "collect",
        "ship",
        "deliver",
        "cancel",
        "cancel-line",
        "return",
        "reassign",
    ):
        assert post(outsider, order, action).status_code == 404, action
    own = api_as(customer)
    for action in ("accept", "refuse", "ready", "collect", "ship", "cancel-line", "return", "reassign"):
        assert post(own, order, action).status_code == 403, action
    staff = api_as(factories.make_staff(network[0], username="vendeuse"))
    assert post(staff, order, "reassign", {"shop": network[1][1].pk}).status_code == 403
    assert Reservation.objects.get(pk=order.pk).status == "placed"


def test_animators_reassign_to_a_shop_holding_the_stock(api_as, network, order):
    organisation, (shop, other) = network
    product = order.lines.get().offer.product
    there = factories.OfferFactory(organisation=organisation, shop=other, product=product, stock_on_hand=5)
    animator = api_as(factories.make_animator(username="anim"))
    assert order.pk in animator.ids(URL)
    unknown = post(animator, order, "reassign", {"shop": factories.ShopFactory().pk})
    assert unknown.status_code == 400 and unknown.json()["field"] == "shop"
    moved = post(animator, order, "reassign", {"shop": other.pk, "reason": "Travaux"}).json()
    assert (moved["id"], moved["shop"], moved["lines"][0]["offer"]) == (order.pk, other.pk, there.pk)
    assert Offer.objects.get(pk=there.pk).stock_allocated == 2
    nowhere = post(animator, order, "reassign")  # the nearest untried shop: none left
    assert nowhere.status_code == 400 and nowhere.json()["shop"]
