"""The customer's web pages: session basket, checkout (pickup or delivery), confirmation, "my reservations"."""

import re
from datetime import time, timedelta
from decimal import Decimal

import pytest
from django.conf import settings
from django.core import mail
from django.core.cache import cache
from django.shortcuts import resolve_url
from django.test import Client
from django.urls import reverse
from django.utils import formats, timezone, translation

from baskets.basket import COUNT_KEY, SESSION_KEY, SessionBasket
from baskets.choices import ReservationStatus
from baskets.models import Reservation
from baskets.services import reservation_transition
from offers import services as offer_services
from offers.models import Offer
from shops.models import OpeningPeriod
from tests import factories

pytestmark = pytest.mark.django_db
S = ReservationStatus

BASKET = reverse("baskets:basket")
ADD = reverse("baskets:add")
CHECKOUT = reverse("baskets:checkout")


@pytest.fixture
def customer():
    return factories.UserFactory(username="camille", email="camille@example.org")


@pytest.fixture
def shop():
    shop = factories.ShopFactory(
        name="La Fabrique", address="12 rue de Paris", postcode="93100", city="Montreuil", email="fabrique@example.org"
    )
    for weekday in range(1, 6):  # Tuesday to Saturday
        OpeningPeriod.objects.create(shop=shop, weekday=weekday, opens=time(10), closes=time(18))
    return shop


@pytest.fixture
def chair(shop):
    return factories.OfferFactory(
        organisation=shop.organisation,
        shop=shop,
        product__name="Chaise bistrot",
        price_excl_tax=Decimal("10.0000"),
        vat_rate=Decimal("20.0"),
        stock_on_hand=5,
    )


@pytest.fixture
def signed_in(client, customer):
    client.force_login(customer)
    return client


def add(client, offer, quantity=1):
    return client.post(ADD, {"offer": offer.pk, "quantity": quantity})


def stock(offer):
    return Offer.objects.values_list("stock_on_hand", "stock_allocated").get(pk=offer.pk)


def checkout_form(client, query=""):
    """The checkout page and the data its form would post as rendered (the key made for this rendering)."""
    response = client.get(CHECKOUT + query)
    assert response.status_code == 200
    form = response.context["form"]
    data = {name: form[name].value() or "" for name in ("idempotency_key", "ou", "lat", "lon")}
    return response, data


def pickup(client, shop, **extra):
    response, data = checkout_form(client)
    data.update({"fulfilment": "pickup", f"pickup_shop_{shop.organisation_id}": shop.pk, **extra})
    return response, data


def messages_of(response):
    return [str(message) for message in response.context["messages"]]


# --- basket ----------------------------------------------------------------------------------------------


def test_the_offer_page_adds_to_the_basket_without_a_csrf_token(chair):
    client = Client(enforce_csrf_checks=True)
    page = client.get(reverse("offer_detail", args=[chair.pk])).content.decode()
    assert f'action="{ADD}"' in page and "csrfmiddlewaretoken" not in page
    response = client.post(ADD, {"offer": chair.pk, "quantity": 2})
    assert response.status_code == 302 and response["Location"] == BASKET
    assert client.session[SESSION_KEY] == {str(chair.pk): 2} and client.session[COUNT_KEY] == 2
    basket = client.get(BASKET)
    html = basket.content.decode()
    assert "Chaise bistrot" in html and "12,00 €" in html and "24,00 €" in html  # incl. tax, line and total
    assert re.search(r'class="basket-link">[^<]*\(2\)</a>', html)
    assert any("Chaise bistrot" in message for message in messages_of(basket))


def test_adding_again_adds_up_and_a_unique_item_stays_single(client, chair, shop):
    add(client, chair, 2)
    add(client, chair, 3)
    sofa = factories.OfferFactory(
        organisation=shop.organisation,
        shop=shop,
        product__is_unique_item=True,
        product__condition="good",
        stock_on_hand=1,
    )
    add(client, sofa)
    response = add(client, sofa)
    assert client.session[SESSION_KEY] == {str(chair.pk): 5, str(sofa.pk): 1}
    page = client.get(reverse("offer_detail", args=[sofa.pk])).content.decode()
    assert '<input type="hidden" name="quantity" value="1">' in page
    assert response.status_code == 302


def test_unknown_or_unlisted_offers_are_not_added(client, chair, shop):
    draft = factories.OfferFactory(organisation=shop.organisation, shop=shop, status="draft")
    for data in ({"offer": draft.pk}, {"offer": 999999}, {"offer": "x"}, {}):
        assert client.post(ADD, data)["Location"] == BASKET
    assert SESSION_KEY not in client.session
    assert client.get(ADD).status_code == 405


def test_the_basket_page_edits_quantities_and_removes_lines(client, chair, shop):
    lamp = factories.OfferFactory(organisation=shop.organisation, shop=shop, product__name="Lampe", stock_on_hand=9)
    add(client, chair)
    add(client, lamp)
    response = client.post(BASKET, {f"quantity-{chair.pk}": 3, f"quantity-{lamp.pk}": 2})
    assert response.status_code == 302
    assert client.session[SESSION_KEY] == {str(chair.pk): 3, str(lamp.pk): 2}
    bad = client.post(BASKET, {f"quantity-{chair.pk}": -1, f"quantity-{lamp.pk}": 2})
    assert bad.status_code == 200 and bad.context["form"].errors  # shown next to the field
    client.post(reverse("baskets:remove", args=[chair.pk]))
    client.post(BASKET, {f"quantity-{lamp.pk}": 0})
    assert SESSION_KEY not in client.session and COUNT_KEY not in client.session
    assert "Chaise bistrot" not in client.get(BASKET).content.decode()


def test_the_basket_is_read_in_one_query_and_drops_offers_no_longer_on_sale(
    client, chair, shop, django_assert_num_queries
):
    gone = factories.OfferFactory(organisation=shop.organisation, shop=shop, product__name="Buffet vendu")
    others = [factories.OfferFactory(organisation=shop.organisation, shop=shop) for _ in range(5)]
    session = {SESSION_KEY: {str(offer.pk): 1 for offer in [chair, gone, *others]}}
    gone.status = "archived"
    offer_services.offer_save(offer=gone)
    with django_assert_num_queries(1):
        contents = SessionBasket(session).contents()
    assert [line.offer.pk for line in contents.lines] == [chair.pk, *(offer.pk for offer in others)]
    assert contents.dropped == [gone.pk] and str(gone.pk) not in session[SESSION_KEY]
    assert contents.total_incl_tax == Decimal("72.00")

    add(client, chair)
    add(client, factories.OfferFactory(organisation=shop.organisation, shop=shop, product__name="Table"))
    table = Offer.objects.get(product__name="Table")
    table.status = "draft"
    offer_services.offer_save(offer=table)
    response = client.get(BASKET)
    assert reverse("offer_detail", args=[table.pk]) not in response.content.decode()
    assert any("removed from your basket" in message or "retir" in message for message in messages_of(response))


# --- checkout: pickup ------------------------------------------------------------------------------------


def test_checkout_needs_an_account(client, chair):
    add(client, chair)
    response = client.get(CHECKOUT)
    assert response.status_code == 302
    login = resolve_url(settings.LOGIN_URL)
    assert response["Location"].startswith(login) and "next=" in response["Location"]
    assert client.post(CHECKOUT, {"fulfilment": "pickup"})["Location"].startswith(login)
    assert Reservation.objects.count() == 0


def test_pickup_checkout_places_the_order_and_mails_the_place_and_deadline(
    signed_in, customer, chair, shop, django_capture_on_commit_callbacks
):
    add(signed_in, chair, 2)
    page, data = pickup(signed_in, shop)
    html = page.content.decode()
    assert "La Fabrique" in html and "12 rue de Paris" in html and "10:00–18:00" in html
    assert 'name="csrfmiddlewaretoken"' in html and re.fullmatch(r"[0-9a-f]{32}", data["idempotency_key"])
    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in.post(CHECKOUT, data)
    reservation = Reservation.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("baskets:confirmation", args=[data["idempotency_key"]])
    assert (reservation.customer, reservation.pickup_shop, reservation.status) == (customer, shop, S.PLACED)
    assert stock(chair) == (5, 2)
    assert SESSION_KEY not in signed_in.session
    (email,) = [message for message in mail.outbox if message.to == [customer.email]]
    with translation.override("fr"):
        deadline = formats.date_format(timezone.localtime(reservation.pickup_deadline), "l j F Y, H:i")
    assert "La Fabrique" in email.body and "12 rue de Paris" in email.body and deadline in email.body
    (to_shop,) = [message for message in mail.outbox if message.to == ["fabrique@example.org"]]
    assert to_shop.subject == f"Nouvelle commande {reservation.pk} à accepter"
    assert f"Une nouvelle commande {reservation.pk} attend La Fabrique" in to_shop.body

    confirmation = signed_in.get(response["Location"])
    html = confirmation.content.decode()
    assert confirmation.status_code == 200 and "La Fabrique" in html and deadline in html
    assert reservation.get_status_display() in html and "24,00 €" in html
    # Someone else cannot read it.
    signed_in.force_login(factories.UserFactory())
    assert signed_in.get(response["Location"]).status_code == 404


def test_a_double_submit_places_one_order(signed_in, chair, shop):
    add(signed_in, chair)
    _page, data = pickup(signed_in, shop)
    first = signed_in.post(CHECKOUT, data)
    add(signed_in, chair)  # even with something in the basket again
    second = signed_in.post(CHECKOUT, data)
    assert first["Location"] == second["Location"]
    assert Reservation.objects.count() == 1 and stock(chair) == (5, 1)
    assert signed_in.session[SESSION_KEY] == {str(chair.pk): 1}


def test_short_stock_says_which_line_and_reserves_nothing(signed_in, chair, shop):
    lamp = factories.OfferFactory(organisation=shop.organisation, shop=shop, product__name="Lampe", stock_on_hand=9)
    add(signed_in, chair, 3)
    add(signed_in, lamp, 1)
    _page, data = pickup(signed_in, shop)
    Offer.objects.filter(pk=chair.pk).update(stock_on_hand=1)  # sold in the shop meanwhile
    response = signed_in.post(CHECKOUT, data)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Pas assez de stock pour certaines lignes de la commande." in html
    assert response.context["errors"]["short"][0][1:] == (3, 1)
    assert "Chaise bistrot" in html and 'class="short-line"' in html
    assert Reservation.objects.count() == 0 and stock(chair) == (1, 0) and stock(lamp) == (9, 0)
    assert signed_in.session[SESSION_KEY] == {str(chair.pk): 3, str(lamp.pk): 1}


def test_a_service_refusal_shows_next_to_its_field(signed_in, chair, shop):
    add(signed_in, chair)
    # No shop chosen: the service says so, next to the organisation's shops.
    _page, data = checkout_form(signed_in)
    response = signed_in.post(CHECKOUT, {**data, "fulfilment": "pickup"})
    field = f"pickup_shop_{shop.organisation_id}"
    assert response.context["form"].errors[field]
    # A day the shop is closed (Monday), next to the pickup day.
    monday = timezone.localdate() + timedelta(days=(7 - timezone.localdate().weekday()) % 7 or 7)
    _page, data = pickup(signed_in, shop, pickup_on=monday.isoformat())
    response = signed_in.post(CHECKOUT, data)
    assert "La Fabrique" in response.context["form"].errors["pickup_on"][0]
    # A delivery address without a city, next to the address.
    _page, data = checkout_form(signed_in)
    response = signed_in.post(
        CHECKOUT, {**data, "fulfilment": "delivery", "delivery_name": "C. Martin", "delivery_address": "3 rue"}
    )
    assert response.context["errors"]["address"]
    assert Reservation.objects.count() == 0


def test_an_expired_form_key_asks_to_confirm_again(signed_in, chair, shop):
    add(signed_in, chair)
    _page, data = pickup(signed_in, shop)
    response = signed_in.post(CHECKOUT, {**data, "idempotency_key": "not-a-key"})
    assert response.status_code == 200 and response.context["errors"]["general"]
    assert re.fullmatch(r"[0-9a-f]{32}", response.context["form"]["idempotency_key"].value())
    assert Reservation.objects.count() == 0


def test_delivery_checkout_with_an_address(signed_in, customer, chair, shop, django_capture_on_commit_callbacks):
    add(signed_in, chair, 1)
    _page, data = checkout_form(signed_in)
    data.update(
        fulfilment="delivery",
        delivery_name="Camille Martin",
        delivery_address="3 rue des Lilas",
        delivery_postcode="93100",
        delivery_city="Montreuil",
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in.post(CHECKOUT, data)
    reservation = Reservation.objects.get()
    assert response.status_code == 302
    assert (reservation.fulfilment, reservation.delivery_address, reservation.delivery_postcode) == (
        "delivery",
        "3 rue des Lilas",
        "93100",
    )
    assert reservation.pickup_shop is None and stock(chair) == (5, 1)
    assert "3 rue des Lilas" in signed_in.get(response["Location"]).content.decode()
    assert any("3 rue des Lilas" in message.body for message in mail.outbox)


def network_shoe():
    """A network's shoe held by a shop in Paris and one in Lyon (and one in Lille without the size)."""
    network = factories.OrganisationFactory(kind="shop_network", name="Réseau Chaussures")
    product = factories.ProductFactory(
        organisation=None, name="Basket Alpha 40", brand="Alpha", model_code="A1", size="40"
    )
    paris, lyon, lille = (
        factories.ShopFactory(
            organisation=network, name=name, postcode=postcode, city=city, latitude=lat, longitude=lon
        )
        for name, postcode, city, lat, lon in (
            ("Chaussures Paris", "75002", "Paris", Decimal("48.8686"), Decimal("2.3314")),
            ("Chaussures Lyon", "69003", "Lyon", Decimal("45.7597"), Decimal("4.8422")),
            ("Chaussures Lille", "59000", "Lille", Decimal("50.6292"), Decimal("3.0573")),
        )
    )
    offers = {
        shop.name: factories.OfferFactory(organisation=network, shop=shop, product=product, stock_on_hand=units)
        for shop, units in ((paris, 2), (lyon, 2), (lille, 0))
    }
    return network, (paris, lyon, lille), offers


def shop_order(html, names):
    positions = {name: html.find(f">{name}") for name in names}
    return sorted((name for name in names if positions[name] >= 0), key=positions.get)


def test_a_network_product_lists_the_shops_holding_it_nearest_first(signed_in, customer):
    network, (paris, lyon, lille), offers = network_shoe()
    add(signed_in, offers["Chaussures Paris"])
    names = [paris.name, lyon.name, lille.name]
    html = signed_in.get(CHECKOUT + "?ou=69003").content.decode()
    assert shop_order(html, names) == [lyon.name, paris.name]  # Lille lacks the size
    assert "km" in html and "Lyon (69003)" in html
    html = signed_in.get(CHECKOUT + "?lat=48.85&lon=2.35").content.decode()
    assert shop_order(html, names) == [paris.name, lyon.name]
    # Picked up in Lyon: the Lyon shop's units are reserved, not those of the offer that was added.
    _page, data = checkout_form(signed_in, "?ou=69003")
    data.update({"fulfilment": "pickup", f"pickup_shop_{network.pk}": lyon.pk})
    signed_in.post(CHECKOUT, data)
    assert Reservation.objects.get().pickup_shop == lyon
    assert stock(offers["Chaussures Lyon"]) == (2, 1) and stock(offers["Chaussures Paris"]) == (2, 0)


def test_a_basket_from_two_organisations_is_picked_up_in_a_shop_of_each_all_or_nothing(signed_in, chair, shop):
    other_shop = factories.ShopFactory(name="Recyclerie du Canal")
    vase = factories.OfferFactory(
        organisation=other_shop.organisation, shop=other_shop, product__name="Vase", stock_on_hand=1
    )
    add(signed_in, chair, 2)
    add(signed_in, vase, 1)
    page, data = pickup(signed_in, shop)
    assert [choice.organisation for choice in page.context["pickup_choices"]] == [
        shop.organisation,
        other_shop.organisation,
    ]
    data[f"pickup_shop_{other_shop.organisation_id}"] = other_shop.pk
    Offer.objects.filter(pk=vase.pk).update(stock_on_hand=0)
    response = signed_in.post(CHECKOUT, data)
    assert response.status_code == 200 and response.context["errors"]["short"]
    assert Reservation.objects.count() == 0 and stock(chair) == (5, 0)  # the first organisation's part too
    Offer.objects.filter(pk=vase.pk).update(stock_on_hand=1)
    response = signed_in.post(CHECKOUT, data)
    parts = list(Reservation.objects.order_by("pk"))
    assert [part.pickup_shop for part in parts] == [shop, other_shop]
    html = signed_in.get(response["Location"]).content.decode()
    assert "La Fabrique" in html and "Recyclerie du Canal" in html
    assert signed_in.post(CHECKOUT, data)["Location"] == response["Location"]
    assert Reservation.objects.count() == 2


def test_an_unknown_place_says_so_and_still_lists_the_shops(signed_in, chair):
    add(signed_in, chair)
    response = signed_in.get(CHECKOUT + "?lat=999&lon=2")
    assert response.context["place_error"] and "La Fabrique" in response.content.decode()


# --- my reservations -------------------------------------------------------------------------------------


def place_order(client, offer, shop, quantity=1):
    add(client, offer, quantity)
    _page, data = pickup(client, shop)
    client.post(CHECKOUT, data)
    return Reservation.objects.order_by("-pk").first()


def test_my_reservations_lists_only_my_orders_current_first(signed_in, customer, chair, shop):
    old = place_order(signed_in, chair, shop)
    reservation_transition(reservation=old, to_status=S.CANCELLED, actor=customer)
    current = place_order(signed_in, chair, shop)
    stranger = factories.UserFactory()
    other = Client()
    other.force_login(stranger)
    theirs = place_order(other, chair, shop)
    response = signed_in.get(reverse("baskets:reservations"))
    html = response.content.decode()
    orders = list(response.context["page_obj"].object_list)
    assert orders == [current, old]
    assert html.index('id="orders-0"') < html.index('id="orders-1"')  # current orders, then past ones
    assert f'href="{reverse("baskets:reservation", args=[theirs.pk])}"' not in html
    assert html.count(reverse("baskets:cancel", args=[current.pk])) == 1
    assert reverse("baskets:cancel", args=[old.pk]) not in html
    assert signed_in.get(reverse("baskets:reservation", args=[theirs.pk])).status_code == 404
    detail = signed_in.get(reverse("baskets:reservation", args=[current.pk])).content.decode()
    assert "Chaise bistrot" in detail and "La Fabrique" in detail and current.get_status_display() in detail


def test_the_customer_cancels_while_placed_or_accepted(signed_in, customer, chair, shop):
    reservation = place_order(signed_in, chair, shop, 2)
    cancel = reverse("baskets:cancel", args=[reservation.pk])
    page = signed_in.get(cancel)
    assert page.status_code == 200 and 'method="post"' in page.content.decode()
    response = signed_in.post(cancel, {"reason": "Trouvé ailleurs"}, follow=True)
    reservation.refresh_from_db()
    assert reservation.status == S.CANCELLED and stock(chair) == (5, 0)
    assert reservation.history.last().reason == "Trouvé ailleurs"
    assert response.redirect_chain[-1][0] == reverse("baskets:reservation", args=[reservation.pk])


def test_a_ready_order_can_no_longer_be_cancelled_here(signed_in, customer, chair, shop):
    reservation = place_order(signed_in, chair, shop)
    staff = factories.make_staff(shop.organisation)
    reservation_transition(reservation=reservation, to_status=S.ACCEPTED, actor=staff)
    reservation_transition(reservation=reservation, to_status=S.READY, actor=staff)
    cancel = reverse("baskets:cancel", args=[reservation.pk])
    detail = signed_in.get(reverse("baskets:reservation", args=[reservation.pk])).content.decode()
    assert cancel not in detail
    assert cancel not in signed_in.get(reverse("baskets:reservations")).content.decode()
    assert signed_in.get(cancel).status_code == 302
    response = signed_in.post(cancel, follow=True)
    reservation.refresh_from_db()
    assert reservation.status == S.READY and stock(chair) == (5, 1)
    assert any(str(S.READY.label) in message for message in messages_of(response))
    # Nor can someone else cancel it.
    signed_in.force_login(factories.UserFactory())
    assert signed_in.post(cancel).status_code == 404


# --- the offer page stays cacheable ----------------------------------------------------------------------


def test_the_offer_page_stays_cached_for_visitors_without_a_session(settings, chair, django_assert_num_queries):
    settings.PIVOT_PAGE_CACHE_SECONDS = 60
    client = Client(enforce_csrf_checks=True)
    url = reverse("offer_detail", args=[chair.pk])
    first = client.get(url)
    assert first["X-Pivot-Cache"] == "miss" and not first.cookies
    with django_assert_num_queries(0):
        second = client.get(url)
    assert second["X-Pivot-Cache"] == "hit" and f'action="{ADD}"' in second.content.decode()
    # Adding to the basket starts a session: from then on the visitor gets fresh pages with the basket count.
    added = client.post(ADD, {"offer": chair.pk, "quantity": 1})
    assert added.status_code == 302 and settings.SESSION_COOKIE_NAME in added.cookies
    client.get(BASKET)  # shows (and so consumes) the flash message
    mine = client.get(url)
    assert "X-Pivot-Cache" not in mine and "(1)</a>" in mine.content.decode()
    # Others still get the cached page, without anyone's basket.
    stranger = Client().get(url)
    assert stranger["X-Pivot-Cache"] == "hit" and "(1)</a>" not in stranger.content.decode()
    cache.clear()
