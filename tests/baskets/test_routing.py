"""Routing orders to the shops holding the stock, reassignment, deadlines and their sweep (baskets.services)."""

from datetime import date, time, timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone

from baskets.choices import ReservationStatus
from baskets.exceptions import InvalidReservation, InvalidTransition
from baskets.models import OrderDeadlines, Reassignment, Reservation
from baskets.routing import HighestStock
from baskets.services import (
    DeliveryAddress,
    LineRequest,
    SweepReport,
    line_return_record,
    reservation_create,
    reservation_line_cancel,
    reservation_reassign,
    reservation_reassign_options,
    reservation_transition,
    reservations_anonymise,
    reservations_sweep,
)
from offers.exceptions import InsufficientStock
from offers.models import Offer
from shops.models import Member, OpeningPeriod
from tests import factories

pytestmark = pytest.mark.django_db
S = ReservationStatus
TOWNS = {
    "Paris": ("75002", Decimal("48.868600"), Decimal("2.331400")),
    "Lyon": ("69002", Decimal("45.757814"), Decimal("4.832011")),
    "Marseille": ("13001", Decimal("43.296482"), Decimal("5.369780")),
}
MARSEILLE = DeliveryAddress(name="Camille Martin", address="3 rue Paradis", postcode="13001", city="Marseille")


@pytest.fixture
def network():
    """A shoe network: one catalogue, three shops in three towns."""
    organisation = factories.OrganisationFactory(name="Chaussures solidaires", email="reseau@example.org")
    shops = {
        town: factories.ShopFactory(
            organisation=organisation,
            name=f"Boutique de {town}",
            postcode=postcode,
            city=town,
            latitude=lat,
            longitude=lon,
            email=f"{town.lower()}@example.org",
        )
        for town, (postcode, lat, lon) in TOWNS.items()
    }
    return organisation, shops


@pytest.fixture
def customer():
    return factories.UserFactory(username="camille", email="camille@example.org", first_name="Camille")


def stock_in(shop, product, units, **kwargs):
    return factories.OfferFactory(
        organisation=shop.organisation, shop=shop, product=product, stock_on_hand=units, **kwargs
    )


def allocated(offer):
    return Offer.objects.get(pk=offer.pk).stock_allocated


def test_delivery_goes_to_the_nearest_shop_holding_the_stock(network, customer):
    organisation, shops = network
    boots = factories.ProductFactory(organisation=organisation, name="Bottines", size="38")
    seen = stock_in(shops["Paris"], boots, 3)
    lyon = stock_in(shops["Lyon"], boots, 3)
    stock_in(shops["Marseille"], boots, 0)
    reservation = reservation_create(
        customer=customer, lines=[LineRequest(seen.pk, 1)], fulfilment="delivery", address=MARSEILLE
    )
    # Marseille has none left: Lyon is the nearest shop holding the size.
    assert reservation.shop == shops["Lyon"]
    assert list(reservation.lines.values_list("offer_id", flat=True)) == [lyon.pk]
    assert (allocated(seen), allocated(lyon)) == (0, 1)
    assert reservation.latitude is not None and reservation.delivery_city == "Marseille"


def test_one_shop_holding_every_line_serves_the_whole_order(network, customer):
    organisation, shops = network
    boots = factories.ProductFactory(organisation=organisation, size="38")
    laces = factories.ProductFactory(organisation=organisation)
    stock_in(shops["Marseille"], boots, 2)
    boots_lyon, laces_lyon = stock_in(shops["Lyon"], boots, 2), stock_in(shops["Lyon"], laces, 2)
    reservation = reservation_create(
        customer=customer,
        lines=[LineRequest(boots_lyon.pk, 1), LineRequest(laces_lyon.pk, 1)],
        fulfilment="delivery",
        address=MARSEILLE,
    )
    assert Reservation.objects.filter(checkout=reservation.checkout).count() == 1
    assert reservation.shop == shops["Lyon"]


def test_an_order_no_single_shop_holds_is_split_by_shop(network, customer, django_capture_on_commit_callbacks):
    organisation, shops = network
    boots = factories.ProductFactory(organisation=organisation, size="38")
    laces = factories.ProductFactory(organisation=organisation)
    other = factories.OfferFactory(stock_on_hand=1)  # another organisation of the marketplace
    boots_marseille = stock_in(shops["Marseille"], boots, 1)
    laces_paris = stock_in(shops["Paris"], laces, 4)
    with django_capture_on_commit_callbacks(execute=True):
        first = reservation_create(
            customer=customer,
            lines=[LineRequest(boots_marseille.pk, 1), LineRequest(laces_paris.pk, 2), LineRequest(other.pk, 1)],
            fulfilment="delivery",
            address=MARSEILLE,
        )
    parts = Reservation.objects.filter(checkout=first.checkout).order_by("shop_id")
    assert sorted((part.shop_id, part.lines.get().offer_id) for part in parts) == sorted(
        [(shops["Marseille"].pk, boots_marseille.pk), (shops["Paris"].pk, laces_paris.pk), (other.shop_id, other.pk)]
    )
    assert {part.organisation_id for part in parts} == {organisation.pk, other.organisation_id}
    # The customer became a member of both organisations, once each.
    assert Member.objects.filter(user=customer).count() == 2
    # One confirmation per part for the customer, one new-order e-mail per shop that has an address.
    assert sorted(message.to[0] for message in mail.outbox if "camille" in message.to[0]) == ["camille@example.org"] * 3


def test_the_strategy_is_a_seam(network, customer):
    organisation, shops = network
    boots = factories.ProductFactory(organisation=organisation, size="38")
    seen = stock_in(shops["Marseille"], boots, 1)
    stock_in(shops["Paris"], boots, 9)
    reservation = reservation_create(
        customer=customer,
        lines=[LineRequest(seen.pk, 1)],
        fulfilment="delivery",
        address=MARSEILLE,
        strategy=HighestStock(),
    )
    assert reservation.shop == shops["Paris"]


def test_pickup_uses_the_chosen_shop_of_the_network(network, customer):
    organisation, shops = network
    boots = factories.ProductFactory(organisation=organisation, size="38")
    seen = stock_in(shops["Paris"], boots, 1)
    lyon = stock_in(shops["Lyon"], boots, 1)
    reservation = reservation_create(
        customer=customer, lines=[LineRequest(seen.pk, 1)], fulfilment="pickup", pickup_shop_id=shops["Lyon"].pk
    )
    assert (reservation.shop, reservation.pickup_shop) == (shops["Lyon"], shops["Lyon"])
    assert reservation.lines.get().offer_id == lyon.pk
    with pytest.raises(InvalidReservation) as refused:  # Marseille does not sell these boots
        reservation_create(
            customer=customer,
            lines=[LineRequest(seen.pk, 1)],
            fulfilment="pickup",
            pickup_shop_id=shops["Marseille"].pk,
        )
    assert refused.value.field == "pickup_shop"
    with pytest.raises(InsufficientStock):  # Lyon sold its only pair
        reservation_create(
            customer=customer, lines=[LineRequest(seen.pk, 1)], fulfilment="pickup", pickup_shop_id=shops["Lyon"].pk
        )
    assert allocated(seen) == 0


def test_a_pickup_day_when_the_shop_is_closed_is_refused(network, customer, django_capture_on_commit_callbacks):
    organisation, shops = network
    shop = shops["Paris"]
    OpeningPeriod.objects.create(shop=shop, weekday=5, opens=time(10), closes=time(18))  # Saturdays only
    sofa = factories.OfferFactory(organisation=organisation, shop=shop, stock_on_hand=1)
    today = timezone.localdate()
    saturday = today + timedelta(days=(5 - today.weekday()) % 7)
    with pytest.raises(InvalidReservation) as refused:
        reservation_create(
            customer=customer,
            lines=[LineRequest(sofa.pk, 1)],
            fulfilment="pickup",
            pickup_shop_id=shop.pk,
            pickup_on=saturday + timedelta(days=1),
        )
    assert refused.value.field == "pickup_on" and allocated(sofa) == 0
    with pytest.raises(InvalidReservation):
        reservation_create(
            customer=customer,
            lines=[LineRequest(sofa.pk, 1)],
            fulfilment="pickup",
            pickup_shop_id=shop.pk,
            pickup_on=date(2000, 1, 1),
        )
    with django_capture_on_commit_callbacks(execute=True):
        reservation = reservation_create(
            customer=customer,
            lines=[LineRequest(sofa.pk, 1)],
            fulfilment="pickup",
            pickup_shop_id=shop.pk,
            pickup_on=saturday,
        )
    assert reservation.pickup_on == saturday
    body = next(message.body for message in mail.outbox if message.to == ["camille@example.org"])
    assert "Boutique de Paris" in body and "10:00-18:00" in body and "À retirer avant le" in body


def test_delivery_needs_a_whole_address(customer):
    chair = factories.OfferFactory(stock_on_hand=1)
    for address in (
        None,
        DeliveryAddress(name="", address="1 rue", postcode="13001", city="Marseille"),
        DeliveryAddress(name="C", address="1 rue", postcode="ABCDE", city="Marseille"),
    ):
        with pytest.raises(InvalidReservation) as refused:
            reservation_create(
                customer=customer, lines=[LineRequest(chair.pk, 1)], fulfilment="delivery", address=address
            )
        assert refused.value.field == "address"
    assert allocated(chair) == 0


def test_deadlines_come_from_the_platform_unless_the_organisation_sets_its_own(network, customer):
    organisation, shops = network
    settings = OrderDeadlines.load()
    settings.hours_to_accept, settings.hours_to_collect = 10, 48
    settings.save()
    chair = factories.OfferFactory(organisation=organisation, shop=shops["Paris"], stock_on_hand=5)
    before = timezone.now()
    reservation = reservation_create(
        customer=customer, lines=[LineRequest(chair.pk, 1)], fulfilment="pickup", pickup_shop_id=chair.shop_id
    )
    assert timedelta(hours=10) <= reservation.due_at - before < timedelta(hours=10, minutes=1)
    organisation.hours_to_accept = 2
    organisation.save()
    reservation = reservation_create(
        customer=customer, lines=[LineRequest(chair.pk, 1)], fulfilment="pickup", pickup_shop_id=chair.shop_id
    )
    assert timedelta(hours=2) <= reservation.due_at - before < timedelta(hours=2, minutes=1)
    reservation_transition(reservation=reservation, to_status=S.ACCEPTED)
    reservation = reservation_transition(reservation=reservation, to_status=S.READY)
    assert reservation.due_at == reservation.pickup_deadline
    assert timedelta(hours=48) <= reservation.pickup_deadline - before < timedelta(hours=48, minutes=1)


def expire(reservation):
    Reservation.objects.filter(pk=reservation.pk).update(due_at=timezone.now() - timedelta(minutes=1))


def order_in(shop, product, customer, units=1):
    offer = Offer.objects.filter(shop=shop, product=product).first() or stock_in(shop, product, 3)
    return reservation_create(
        customer=customer, lines=[LineRequest(offer.pk, units)], fulfilment="pickup", pickup_shop_id=shop.pk
    )


def test_the_sweep_reassigns_unaccepted_orders_to_the_next_nearest_shop_then_cancels(
    network, customer, django_capture_on_commit_callbacks
):
    organisation, shops = network
    animator = factories.make_animator(username="anim", email="anim@example.org")
    boots = factories.ProductFactory(organisation=organisation, size="38")
    offers = {town: stock_in(shop, boots, 1) for town, shop in shops.items()}
    reservation = order_in(shops["Paris"], boots, customer)
    expire(reservation)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        report = reservations_sweep()
    reservation.refresh_from_db()
    # Lyon is nearer to Paris than Marseille.
    assert (report.reassigned, reservation.shop, reservation.status) == (1, shops["Lyon"], S.PLACED)
    assert reservation.due_at > timezone.now() + timedelta(hours=23)
    assert [allocated(offers[town]) for town in TOWNS] == [0, 1, 0]
    recipients = sorted(address for message in mail.outbox for address in message.to)
    assert recipients == sorted(["camille@example.org", "lyon@example.org", animator.email])
    # Running it again changes and e-mails nothing.
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert reservations_sweep() == SweepReport()
    assert mail.outbox == []
    expire(reservation)
    reservations_sweep()
    reservation.refresh_from_db()
    assert reservation.shop == shops["Marseille"]
    expire(reservation)
    assert reservations_sweep() == SweepReport(cancelled_unaccepted=1)
    reservation.refresh_from_db()
    # Every shop had it: cancelled, units back on sale.
    assert reservation.status == S.CANCELLED
    assert [allocated(offers[town]) for town in TOWNS] == [0, 0, 0]
    assert list(
        Reassignment.objects.filter(reservation=reservation).values_list("from_shop__city", "to_shop__city")
    ) == [
        ("Paris", "Lyon"),
        ("Lyon", "Marseille"),
    ]


def test_the_sweep_cancels_uncollected_orders_once(network, customer, django_capture_on_commit_callbacks):
    organisation, shops = network
    chair = factories.OfferFactory(organisation=organisation, shop=shops["Paris"], stock_on_hand=1)
    reservation = reservation_create(
        customer=customer, lines=[LineRequest(chair.pk, 1)], fulfilment="pickup", pickup_shop_id=chair.shop_id
    )
    reservation_transition(reservation=reservation, to_status=S.ACCEPTED)
    reservation_transition(reservation=reservation, to_status=S.READY)
    mail.outbox.clear()
    expire(reservation)
    for _ in range(3):
        with django_capture_on_commit_callbacks(execute=True):
            reservations_sweep()
    reservation.refresh_from_db()
    assert reservation.status == S.CANCELLED and allocated(chair) == 0
    assert Offer.objects.get(pk=chair.pk).stock_on_hand == 1
    assert len([m for m in mail.outbox if m.to == ["camille@example.org"]]) == 1


def test_reassign_options_list_shops_holding_every_line_in_two_queries(network, customer, django_assert_num_queries):
    organisation, shops = network
    products = [factories.ProductFactory(organisation=organisation) for _ in range(3)]
    in_paris = [stock_in(shops["Paris"], product, 1) for product in products]
    for city in ("Lyon", "Marseille"):
        for product in products:
            stock_in(shops[city], product, 1)
    Offer.objects.filter(shop=shops["Lyon"], product=products[2]).update(stock_on_hand=0)
    reservation = reservation_create(
        customer=customer,
        lines=[LineRequest(offer.pk, 1) for offer in in_paris],
        fulfilment="pickup",
        pickup_shop_id=shops["Paris"].pk,
    )
    lines = list(reservation.lines.select_related("offer"))
    with django_assert_num_queries(2):  # the candidates of all lines at once, then the shops
        assert reservation_reassign_options(reservation=reservation, lines=lines) == [shops["Marseille"]]
    with django_assert_num_queries(2):
        assert reservation_reassign_options(reservation=reservation, lines=lines[:2]) == [
            shops["Lyon"],
            shops["Marseille"],
        ]


def test_an_animator_reassigns_a_line_to_a_shop_holding_it(network, customer):
    organisation, shops = network
    boots = factories.ProductFactory(organisation=organisation, size="38")
    laces = factories.ProductFactory(organisation=organisation)
    paris_boots, paris_laces = stock_in(shops["Paris"], boots, 1), stock_in(shops["Paris"], laces, 1)
    marseille_laces = stock_in(shops["Marseille"], laces, 1)
    stock_in(shops["Lyon"], laces, 1)
    reservation = reservation_create(
        customer=customer,
        lines=[LineRequest(paris_boots.pk, 1), LineRequest(paris_laces.pk, 1)],
        fulfilment="pickup",
        pickup_shop_id=shops["Paris"].pk,
    )
    reservation_transition(reservation=reservation, to_status=S.ACCEPTED)
    laces_line = reservation.lines.get(offer=paris_laces)
    assert reservation_reassign_options(reservation=reservation) == []  # nobody else has the boots
    assert reservation_reassign_options(reservation=reservation, lines=[laces_line]) == [
        shops["Lyon"],
        shops["Marseille"],
    ]
    animator = factories.make_animator(username="anim")
    moved = reservation_reassign(
        reservation=reservation,
        shop_id=shops["Marseille"].pk,
        line_ids=[laces_line.pk],
        actor=animator,
        reason="Rupture",
    )
    assert moved.pk != reservation.pk and moved.checkout == reservation.checkout
    assert (moved.shop, moved.status, reservation.status) == (shops["Marseille"], S.PLACED, S.ACCEPTED)
    assert (allocated(paris_laces), allocated(marseille_laces), allocated(paris_boots)) == (0, 1, 1)
    with pytest.raises(InsufficientStock):  # Marseille has no boots
        reservation_reassign(reservation=reservation, shop_id=shops["Marseille"].pk, actor=animator)
    with pytest.raises(InvalidReservation):  # not a shop of this organisation
        reservation_reassign(reservation=reservation, shop_id=factories.ShopFactory().pk, actor=animator)


def test_cancelling_lines_then_the_last_one_cancels_the_order(network, customer):
    organisation, shops = network
    a, b = (factories.OfferFactory(organisation=organisation, shop=shops["Paris"], stock_on_hand=2) for _ in range(2))
    reservation = reservation_create(
        customer=customer,
        lines=[LineRequest(a.pk, 1), LineRequest(b.pk, 2)],
        fulfilment="pickup",
        pickup_shop_id=shops["Paris"].pk,
    )
    with pytest.raises(InvalidTransition):
        reservation_line_cancel(line=reservation.lines.get(offer=a), reason="")
    reservation_line_cancel(line=reservation.lines.get(offer=a), reason="Cassé")
    reservation.refresh_from_db()
    assert reservation.status == S.PLACED and (allocated(a), allocated(b)) == (0, 2)
    assert reservation.total_incl_tax == b.price_incl_tax * 2
    reservation_line_cancel(line=reservation.lines.get(offer=b), reason="Cassé aussi")
    reservation.refresh_from_db()
    assert reservation.status == S.CANCELLED and allocated(b) == 0


def test_returns_restock_or_not_and_never_exceed_what_was_sold(network, customer):
    organisation, shops = network
    chair = factories.OfferFactory(organisation=organisation, shop=shops["Paris"], stock_on_hand=3)
    reservation = reservation_create(
        customer=customer, lines=[LineRequest(chair.pk, 2)], fulfilment="pickup", pickup_shop_id=chair.shop_id
    )
    line = reservation.lines.get()
    with pytest.raises(InvalidTransition):
        line_return_record(line=line, quantity=1, restock=True)
    for status in (S.ACCEPTED, S.READY):
        reservation_transition(reservation=reservation, to_status=status)
    reservation_transition(reservation=reservation, to_status=S.COLLECTED, payment_method="cash")
    assert Offer.objects.get(pk=chair.pk).stock_on_hand == 1
    line_return_record(line=line, quantity=1, restock=True, reason="Taille")
    line_return_record(line=line, quantity=1, restock=False, reason="Abîmé")
    with pytest.raises(InvalidReservation):
        line_return_record(line=line, quantity=1, restock=True)
    assert Offer.objects.get(pk=chair.pk).stock_on_hand == 2
    line.refresh_from_db()
    assert line.returned_quantity == 2


def test_anonymising_erases_the_delivery_address_and_keeps_the_order(customer):
    chair = factories.OfferFactory(stock_on_hand=1)
    reservation = reservation_create(
        customer=customer, lines=[LineRequest(chair.pk, 1)], fulfilment="delivery", address=MARSEILLE
    )
    assert reservations_anonymise(customer=customer) == 1
    reservation.refresh_from_db()
    assert (reservation.delivery_name, reservation.delivery_address, reservation.latitude) == ("", "", None)
    assert reservation.lines.count() == 1


def test_a_shared_reference_product_is_routed_within_the_network_the_customer_chose(network, customer):
    organisation, shops = network
    reference = factories.ProductFactory(organisation=None, size="38")  # the platform's shared catalogue
    seen = stock_in(shops["Paris"], reference, 0)
    lyon = stock_in(shops["Lyon"], reference, 1)
    rival = factories.ShopFactory(
        postcode="13001", city="Marseille", latitude=Decimal("43.3"), longitude=Decimal("5.37")
    )
    factories.OfferFactory(organisation=rival.organisation, shop=rival, product=reference, stock_on_hand=5)
    reservation = reservation_create(
        customer=customer, lines=[LineRequest(seen.pk, 1)], fulfilment="delivery", address=MARSEILLE
    )
    # The rival network's Marseille shop is nearer, but the customer ordered from this network.
    assert (reservation.shop, reservation.lines.get().offer_id) == (shops["Lyon"], lyon.pk)
