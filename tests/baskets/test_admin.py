"""Orders in the Wagtail admin, through the real views: shop staff handle their organisation's orders,
animators every organisation's; every change goes through baskets.services and e-mails the customer."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group, Permission
from django.core import mail
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from baskets.admin_views import OrdersToHandlePanel
from baskets.choices import ReservationStatus
from baskets.deadlines import deadlines_for
from baskets.models import LineReturn, Reassignment, Reservation, ReservationLine
from baskets.services import DeliveryAddress, LineRequest, reservation_create, reservation_transition
from offers.models import Offer
from shops.choices import ANIMATORS_GROUP, ORGANISATION_STAFF_GROUP, StaffRole
from shops.roles import MANAGERS_GROUP
from tests import factories

pytestmark = pytest.mark.django_db
S = ReservationStatus


@pytest.fixture
def customer():
    return factories.UserFactory(
        username="camille", first_name="Camille", last_name="Durand", email="camille@example.org"
    )


@pytest.fixture
def shop_a(org_a):
    return factories.ShopFactory(organisation=org_a, name="Boutique Alpha")


@pytest.fixture
def shop_b(org_b):
    return factories.ShopFactory(organisation=org_b, name="Boutique Bravo")


def offer_in(shop, **kwargs):
    return factories.OfferFactory(organisation=shop.organisation, shop=shop, **kwargs)


def place(customer, *offers, shop, quantity=1):
    return reservation_create(
        customer=customer,
        lines=[LineRequest(offer.pk, quantity) for offer in offers],
        fulfilment="pickup",
        pickup_shop_id=shop.pk,
    )


def stock(offer):
    return Offer.objects.values_list("stock_on_hand", "stock_allocated").get(pk=offer.pk)


def url(name, *args):
    return reverse(f"orders:{name}", args=args)


def status_of(reservation):
    return Reservation.objects.values_list("status", flat=True).get(pk=reservation.pk)


def refused(response):
    """Wagtail answers PermissionDenied by sending the user back to the dashboard."""
    return response.status_code == 302 and response["Location"] == reverse("wagtailadmin_home")


@pytest.fixture
def order_a(customer, shop_a):
    return place(customer, offer_in(shop_a, product__name="Buffet en chêne"), shop=shop_a)


@pytest.fixture
def order_b(customer, shop_b):
    return place(customer, offer_in(shop_b, product__name="Vélo de ville"), shop=shop_b)


# Who sees what.


def test_roles_may_see_and_change_orders_but_never_add_delete_or_set_the_platform_deadlines():
    for name in (ORGANISATION_STAFF_GROUP, ANIMATORS_GROUP):
        codes = set(Group.objects.get(name=name).permissions.values_list("codename", flat=True))
        assert {"view_reservation", "change_reservation"} <= codes
        assert not {"add_reservation", "delete_reservation"} & codes
    deadlines = Permission.objects.get(codename="change_orderdeadlines")
    assert not deadlines.group_set.exists() and not deadlines.user_set.exists()
    assert not Group.objects.get(name=MANAGERS_GROUP).permissions.filter(content_type__app_label="baskets")


def test_staff_list_only_their_organisations_orders(client, staff_a, order_a, order_b):
    client.force_login(staff_a)
    response = client.get(url("index"))
    assert response.status_code == 200
    content = response.content.decode()
    assert url("detail", order_a.pk) in content
    assert url("detail", order_b.pk) not in content
    assert "Boutique Bravo" not in content  # not even in the shop filter
    assert 'name="organisation"' not in content
    assert "Camille Durand" in content


def test_animators_list_every_organisations_orders_and_filter_by_organisation(
    client, animator, org_b, order_a, order_b
):
    client.force_login(animator)
    content = client.get(url("index")).content.decode()
    assert url("detail", order_a.pk) in content and url("detail", order_b.pk) in content
    content = client.get(url("index"), {"organisation": org_b.pk}).content.decode()
    assert url("detail", order_b.pk) in content and url("detail", order_a.pk) not in content


def test_staff_of_another_organisation_get_404_for_the_order_and_its_actions(client, staff_b, order_a):
    client.force_login(staff_b)
    line = order_a.lines.get()
    assert client.get(url("detail", order_a.pk)).status_code == 404
    assert client.post(url("transition", order_a.pk, "accepted")).status_code == 404
    assert client.post(url("transition", order_a.pk, "cancelled"), {"reason": "Non"}).status_code == 404
    assert client.post(url("line_cancel", order_a.pk, line.pk), {"reason": "Non"}).status_code == 404
    assert client.post(url("reassign", order_a.pk)).status_code == 404
    assert status_of(order_a) == S.PLACED


def test_the_order_a_staff_member_placed_as_a_customer_elsewhere_is_not_theirs_to_handle(client, staff_a, shop_b):
    own_purchase = place(staff_a, offer_in(shop_b), shop=shop_b)
    client.force_login(staff_a)
    assert url("detail", own_purchase.pk) not in client.get(url("index")).content.decode()
    assert client.get(url("detail", own_purchase.pk)).status_code == 404


def test_customers_without_admin_access_are_sent_to_the_login(client, customer, order_a):
    client.force_login(customer)
    response = client.get(url("detail", order_a.pk))
    assert response.status_code == 302 and reverse("wagtailadmin_login") in response["Location"]


def test_there_is_no_generic_add_edit_or_delete_of_orders(client, admin_user, order_a):
    client.force_login(admin_user)
    content = client.get(url("index")).content.decode()
    assert "/admin/orders/new/" not in content
    for path in ("/admin/orders/new/", f"/admin/orders/edit/{order_a.pk}/", f"/admin/orders/delete/{order_a.pk}/"):
        assert client.get(path).status_code == 404


# The list.


def test_overdue_orders_come_first_and_can_be_filtered(client, staff_a, customer, shop_a):
    offer = offer_in(shop_a, stock_on_hand=10)
    on_time, late, done = (place(customer, offer, shop=shop_a) for _ in range(3))
    now = timezone.now()
    Reservation.objects.filter(pk=on_time.pk).update(due_at=now + timedelta(hours=2))
    Reservation.objects.filter(pk=late.pk).update(due_at=now - timedelta(hours=1))
    Reservation.objects.filter(pk=done.pk).update(status=S.COLLECTED, due_at=None)  # as the service leaves it
    client.force_login(staff_a)

    content = client.get(url("index")).content.decode()
    positions = [content.index(url("detail", order.pk)) for order in (late, on_time, done)]
    assert positions == sorted(positions)
    assert content.count(gettext("overdue")) >= 1

    content = client.get(url("index"), {"overdue": "true"}).content.decode()
    assert url("detail", late.pk) in content
    assert url("detail", on_time.pk) not in content and url("detail", done.pk) not in content
    content = client.get(url("index"), {"overdue": "false"}).content.decode()
    assert url("detail", late.pk) not in content and url("detail", on_time.pk) in content


def test_the_list_filters_by_status_shop_and_fulfilment(client, staff_a, customer, org_a, shop_a):
    other_shop = factories.ShopFactory(organisation=org_a, name="Boutique Annexe")
    here = place(customer, offer_in(shop_a), shop=shop_a)
    there = place(customer, offer_in(other_shop), shop=other_shop)
    reservation_transition(reservation=there, to_status=S.ACCEPTED, actor=staff_a)
    client.force_login(staff_a)
    content = client.get(url("index"), {"status": "accepted"}).content.decode()
    assert url("detail", there.pk) in content and url("detail", here.pk) not in content
    content = client.get(url("index"), {"shop": shop_a.pk}).content.decode()
    assert url("detail", here.pk) in content and url("detail", there.pk) not in content
    content = client.get(url("index"), {"fulfilment": "delivery"}).content.decode()
    assert url("detail", here.pk) not in content and url("detail", there.pk) not in content


def test_search_by_number_or_customer(client, staff_a, customer, shop_a):
    offer = offer_in(shop_a, stock_on_hand=10)
    mine = place(customer, offer, shop=shop_a)
    other = place(factories.UserFactory(first_name="Dominique", email="dom@example.org"), offer, shop=shop_a)
    client.force_login(staff_a)
    for query in (str(mine.pk), "Camille Durand", "camille@example"):
        content = client.get(url("index"), {"q": query}).content.decode()
        assert url("detail", mine.pk) in content, query
        assert url("detail", other.pk) not in content, query


def test_the_list_keeps_a_constant_number_of_queries(client, staff_a, customer, shop_a, django_assert_max_num_queries):
    offer = offer_in(shop_a, stock_on_hand=100)
    place(customer, offer, shop=shop_a)
    client.force_login(staff_a)
    client.get(url("index"))  # warm the caches (content types, site)
    with django_assert_max_num_queries(40) as few:
        client.get(url("index"))
    for _ in range(15):
        place(customer, offer, shop=shop_a)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url("index"))


def test_an_anonymised_order_shows_a_deleted_account(client, staff_a, order_a):
    Reservation.objects.filter(pk=order_a.pk).update(customer=None)
    client.force_login(staff_a)
    assert gettext("Deleted account") in client.get(url("index")).content.decode()
    assert gettext("Deleted account") in client.get(url("detail", order_a.pk)).content.decode()


# One order and its actions.


def test_the_order_page_shows_lines_history_deadlines_and_the_allowed_actions(client, staff_a, order_a, shop_a):
    client.force_login(staff_a)
    response = client.get(url("detail", order_a.pk))
    assert response.status_code == 200
    content = response.content.decode()
    assert "Buffet en chêne" in content and "Camille Durand" in content and shop_a.address in content
    assert url("transition", order_a.pk, "accepted") in content
    assert url("transition", order_a.pk, "refused") in content
    assert url("transition", order_a.pk, "cancelled") in content
    assert url("transition", order_a.pk, "ready") not in content
    assert url("line_cancel", order_a.pk, order_a.lines.get().pk) in content
    assert url("reassign", order_a.pk) not in content  # animators only
    assert str(S.PLACED.label) in content


def test_staff_take_a_pickup_order_through_to_collection_and_the_customer_hears_of_each_step(
    client, staff_a, customer, shop_a, django_capture_on_commit_callbacks
):
    offer = offer_in(shop_a, stock_on_hand=3)
    order = place(customer, offer, shop=shop_a, quantity=2)
    client.force_login(staff_a)
    for to_status, data in (("accepted", {}), ("ready", {}), ("collected", {"payment_method": "card"})):
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(url("transition", order.pk, to_status), data)
        assert response.status_code == 302 and response["Location"] == url("detail", order.pk)
        assert status_of(order) == to_status
        assert [message.to for message in mail.outbox] == [[customer.email]]
    order.refresh_from_db()
    assert (order.payment_method, order.amount_paid) == ("card", order.total_incl_tax)
    assert stock(offer) == (1, 0)
    assert list(order.history.values_list("actor", flat=True)) == [None, staff_a.pk, staff_a.pk, staff_a.pk]


def test_collecting_without_saying_how_the_customer_paid_changes_nothing(client, staff_a, order_a):
    reservation_transition(reservation=order_a, to_status=S.ACCEPTED, actor=staff_a)
    reservation_transition(reservation=order_a, to_status=S.READY, actor=staff_a)
    client.force_login(staff_a)
    response = client.post(url("transition", order_a.pk, "collected"), {"payment_method": ""})
    assert response.status_code == 200
    assert gettext("Say how the customer paid.") in response.content.decode()
    assert status_of(order_a) == S.READY


def test_staff_ship_and_deliver_an_order(client, staff_a, customer, shop_a, django_capture_on_commit_callbacks):
    offer_in(shop_a, stock_on_hand=2)
    product_offer = Offer.objects.get(shop=shop_a)
    order = reservation_create(
        customer=customer,
        lines=[LineRequest(product_offer.pk, 1)],
        fulfilment="delivery",
        address=DeliveryAddress(name="Camille Durand", address="3 rue des Lilas", postcode="75011", city="Paris"),
    )
    reservation_transition(reservation=order, to_status=S.ACCEPTED, actor=staff_a)
    client.force_login(staff_a)
    content = client.get(url("detail", order.pk)).content.decode()
    assert url("transition", order.pk, "shipped") in content and url("transition", order.pk, "ready") not in content

    response = client.post(url("transition", order.pk, "shipped"), {"carrier": "La Poste", "tracking_number": ""})
    assert response.status_code == 200 and status_of(order) == S.ACCEPTED
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url("transition", order.pk, "shipped"), {"carrier": "La Poste", "tracking_number": "6A123"}
        )
    assert response.status_code == 302 and status_of(order) == S.SHIPPED
    assert "6A123" in mail.outbox[-1].body and mail.outbox[-1].to == [customer.email]
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url("transition", order.pk, "delivered"))
    assert status_of(order) == S.DELIVERED and len(mail.outbox) == 2


def test_a_refusal_needs_a_reason(client, staff_a, customer, order_a, django_capture_on_commit_callbacks):
    client.force_login(staff_a)
    page = client.get(url("transition", order_a.pk, "refused"))
    assert page.status_code == 200 and 'name="reason"' in page.content.decode()
    assert status_of(order_a) == S.PLACED  # a GET changes nothing

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("transition", order_a.pk, "refused"), {"reason": "  "})
    assert response.status_code == 200
    assert gettext("Say why the order is refused.") in response.content.decode()
    assert status_of(order_a) == S.PLACED and not mail.outbox

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("transition", order_a.pk, "refused"), {"reason": "Article abîmé"}, follow=True)
    assert status_of(order_a) == S.REFUSED
    assert "Article abîmé" in response.content.decode()  # in the history
    assert mail.outbox[0].to == [customer.email] and "Article abîmé" in mail.outbox[0].body


def test_an_impossible_transition_is_an_error_message_not_a_crash(client, staff_a, order_a):
    client.force_login(staff_a)
    response = client.post(url("transition", order_a.pk, "delivered"), follow=True)
    assert response.status_code == 200 and status_of(order_a) == S.PLACED
    assert any(message.level_tag == "error" for message in response.context["messages"])
    assert client.post(url("transition", order_a.pk, "teleported")).status_code == 404


def test_staff_cancel_one_line_and_its_units_go_back_on_sale(
    client, staff_a, customer, shop_a, django_capture_on_commit_callbacks
):
    chair, table = offer_in(shop_a, stock_on_hand=4), offer_in(shop_a, stock_on_hand=4)
    order = place(customer, chair, table, shop=shop_a)
    line = order.lines.get(offer=chair)
    client.force_login(staff_a)
    assert client.post(url("line_cancel", order.pk, line.pk), {"reason": ""}).status_code == 200
    assert stock(chair) == (4, 1)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("line_cancel", order.pk, line.pk), {"reason": "Plus en rayon"})
    assert response.status_code == 302
    line.refresh_from_db()
    assert line.cancelled_reason == "Plus en rayon" and not line.holds_stock
    assert stock(chair) == (4, 0) and stock(table) == (4, 1)
    assert status_of(order) == S.PLACED
    assert mail.outbox[0].to == [customer.email]


def test_staff_cancel_an_order_after_confirming_with_a_reason(client, staff_a, order_a):
    client.force_login(staff_a)
    assert client.get(url("transition", order_a.pk, "cancelled")).status_code == 200
    client.post(url("transition", order_a.pk, "cancelled"), {"reason": ""})
    assert status_of(order_a) == S.PLACED
    client.post(url("transition", order_a.pk, "cancelled"), {"reason": "Client injoignable"})
    assert status_of(order_a) == S.CANCELLED


def test_actions_are_csrf_protected(staff_a, order_a):
    client = Client(enforce_csrf_checks=True)
    client.force_login(staff_a)
    assert client.post(url("transition", order_a.pk, "accepted")).status_code == 403
    assert status_of(order_a) == S.PLACED


# Animators: reassign and returns.


@pytest.fixture
def network(org_a):
    """One product in two shops of the same organisation, the second farther from Paris."""
    near = factories.ShopFactory(organisation=org_a, name="Boutique Paris")
    far = factories.ShopFactory(
        organisation=org_a,
        name="Boutique Lyon",
        postcode="69002",
        city="Lyon",
        latitude=Decimal("45.760000"),
        longitude=Decimal("4.830000"),
    )
    product = factories.ProductFactory(organisation=org_a, name="Bottines cuir")
    return {
        "near": near,
        "far": far,
        "near_offer": offer_in(near, product=product, stock_on_hand=2),
        "far_offer": offer_in(far, product=product, stock_on_hand=2),
        "product": product,
    }


def test_animators_move_an_order_to_a_proposed_shop_with_its_stock(
    client, animator, customer, network, django_capture_on_commit_callbacks
):
    order = place(customer, network["near_offer"], shop=network["near"])
    client.force_login(animator)
    content = client.get(url("detail", order.pk)).content.decode()
    assert url("reassign", order.pk) in content and "Boutique Lyon" in content

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("reassign", order.pk), {"shop": network["far"].pk, "reason": "Boutique fermée"})
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.shop == network["far"] and order.status == S.PLACED
    assert stock(network["near_offer"]) == (2, 0) and stock(network["far_offer"]) == (2, 1)
    move = Reassignment.objects.get(reservation=order)
    assert (move.from_shop, move.to_shop, move.actor, move.reason) == (
        network["near"],
        network["far"],
        animator,
        "Boutique fermée",
    )
    assert customer.email in {address for message in mail.outbox for address in message.to}


def test_automatic_reassignment_takes_the_nearest_other_shop(client, animator, customer, network):
    order = place(customer, network["near_offer"], shop=network["near"])
    client.force_login(animator)
    client.post(url("reassign", order.pk), {"shop": ""})
    assert Reservation.objects.get(pk=order.pk).shop == network["far"]
    # No other shop holds it now: the animator is told and nothing moves.
    response = client.post(url("reassign", order.pk), {"shop": ""})
    assert response.status_code == 200 and Reservation.objects.get(pk=order.pk).shop == network["far"]


def test_animators_move_one_line_which_becomes_an_order_of_its_own(client, animator, customer, network, org_a):
    other = offer_in(network["near"], stock_on_hand=1)
    order = place(customer, network["near_offer"], other, shop=network["near"])
    line = order.lines.get(offer=network["near_offer"])
    client.force_login(animator)
    assert client.get(url("line_reassign", order.pk, line.pk)).status_code == 200
    response = client.post(url("line_reassign", order.pk, line.pk), {"shop": network["far"].pk})
    line.refresh_from_db()
    assert line.reservation_id != order.pk and line.reservation.shop == network["far"]
    assert response["Location"] == url("detail", line.reservation_id)
    assert order.lines.get().offer == other


def test_staff_may_not_reassign_403(client, staff_a, customer, network):
    order = place(customer, network["near_offer"], shop=network["near"])
    client.force_login(staff_a)
    assert client.post(url("reassign", order.pk), {"shop": network["far"].pk}).status_code == 403
    assert client.get(url("reassign", order.pk)).status_code == 403
    line = order.lines.get()
    assert client.post(url("line_reassign", order.pk, line.pk), {"shop": network["far"].pk}).status_code == 403
    assert Reservation.objects.get(pk=order.pk).shop == network["near"]
    assert stock(network["far_offer"]) == (2, 0)


def test_staff_record_a_return_restocked_or_not(client, staff_a, customer, shop_a, staff_b):
    offer = offer_in(shop_a, stock_on_hand=5)
    order = place(customer, offer, shop=shop_a, quantity=3)
    for to_status in (S.ACCEPTED, S.READY):
        reservation_transition(reservation=order, to_status=to_status, actor=staff_a)
    reservation_transition(reservation=order, to_status=S.COLLECTED, actor=staff_a, payment_method="cash")
    assert stock(offer) == (2, 0)
    line = order.lines.get()
    client.force_login(staff_b)
    assert (
        client.post(url("line_return", order.pk), {"line": line.pk, "quantity": 1, "restock": "yes"}).status_code == 404
    )
    client.force_login(staff_a)
    assert url("line_return", order.pk) in client.get(url("detail", order.pk)).content.decode()

    response = client.post(url("line_return", order.pk), {"line": line.pk, "quantity": 5, "restock": "yes"})
    assert response.status_code == 200 and not LineReturn.objects.exists()
    client.post(url("line_return", order.pk), {"line": line.pk, "quantity": 2, "restock": "yes", "reason": "Taille"})
    client.post(url("line_return", order.pk), {"line": line.pk, "quantity": 1, "restock": "no", "reason": "Cassé"})
    assert stock(offer) == (4, 0)
    assert ReservationLine.objects.get(pk=line.pk).returned_quantity == 3
    assert list(LineReturn.objects.values_list("quantity", "restocked")) == [(2, True), (1, False)]
    content = client.get(url("detail", order.pk)).content.decode()
    assert "Cassé" in content and url("line_return", order.pk) not in content  # nothing left to return


# The dashboard.


def render_panel(user):
    request = RequestFactory().get("/admin/")
    request.user = user
    panel = OrdersToHandlePanel(request=request, index_url_name="orders:index", detail_url_name="orders:detail")
    return panel.render_html({"request": request})


def test_the_dashboard_panel_counts_the_orders_to_handle_and_lists_the_most_urgent(
    client, staff_a, customer, shop_a, order_b
):
    offer = offer_in(shop_a, stock_on_hand=50)
    orders = [place(customer, offer, shop=shop_a) for _ in range(12)]
    reservation_transition(reservation=orders[0], to_status=S.ACCEPTED, actor=staff_a)
    reservation_transition(reservation=orders[1], to_status=S.REFUSED, actor=staff_a, reason="Non")
    late = orders[-1]
    Reservation.objects.filter(pk=late.pk).update(due_at=timezone.now() - timedelta(hours=3))
    client.force_login(staff_a)

    content = client.get(reverse("wagtailadmin_home")).content.decode()
    assert gettext("Orders to handle") in content
    panel = render_panel(staff_a)
    assert "<strong>10</strong> " + str(S.PLACED.label) in panel
    assert "<strong>1</strong> " + str(S.ACCEPTED.label) in panel
    assert panel.count('href="/admin/orders/') - panel.count("?") == 10 + 1  # ten orders and "all orders"
    assert panel.index(url("detail", late.pk)) < panel.index(url("detail", orders[2].pk))
    assert url("detail", orders[1].pk) not in panel  # refused: nothing to do
    assert url("detail", order_b.pk) not in panel


def test_the_dashboard_panel_takes_a_constant_number_of_queries(
    staff_a, customer, shop_a, django_assert_max_num_queries, django_assert_num_queries
):
    offer = offer_in(shop_a, stock_on_hand=100)
    place(customer, offer, shop=shop_a)
    staff = type(staff_a).objects.get(pk=staff_a.pk)  # nothing cached on the user yet
    with django_assert_max_num_queries(4) as first:
        render_panel(staff)
    for _ in range(25):
        place(customer, offer, shop=shop_a)
    staff = type(staff_a).objects.get(pk=staff_a.pk)
    with django_assert_num_queries(len(first.captured_queries)):
        render_panel(staff)


def test_users_without_orders_permission_get_no_panel(client, customer):
    customer.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(customer)
    content = client.get(reverse("wagtailadmin_home")).content.decode()
    assert gettext("Orders to handle") not in content


# Deadlines: the platform's setting and the organisation's own.


def test_only_platform_admins_edit_the_platform_order_deadlines(client, admin_user, animator, staff_a):
    settings_url = reverse("wagtailsettings:edit", args=["baskets", "orderdeadlines"])
    client.force_login(admin_user)
    assert settings_url in client.get(reverse("wagtailadmin_home")).content.decode()
    settings_url = client.get(settings_url)["Location"]  # the generic setting's own page
    assert client.get(settings_url).status_code == 200
    response = client.post(settings_url, {"hours_to_accept": 12, "hours_to_prepare": 24, "hours_to_collect": 72})
    assert response.status_code == 302
    for user in (animator, staff_a):
        client.force_login(user)
        assert "/admin/settings/baskets/" not in client.get(reverse("wagtailadmin_home")).content.decode()
        assert refused(client.get(settings_url))
        assert refused(client.post(settings_url, {"hours_to_accept": 1, "hours_to_prepare": 1, "hours_to_collect": 1}))
    organisation = factories.OrganisationFactory()
    assert deadlines_for(organisation=organisation).accept == timedelta(hours=12)


def organisation_data(organisation, **overrides):
    data = {
        field: getattr(organisation, field) or ""
        for field in (
            "name",
            "kind",
            "slug",
            "legal_name",
            "siret",
            "vat_number",
            "email",
            "phone",
            "website",
            "address",
            "postcode",
        )
    }
    return {**data, "active": "on", "hours_to_accept": "", "hours_to_prepare": "", "hours_to_collect": "", **overrides}


def test_organisation_managers_set_their_own_order_deadlines(client, org_a, staff_a):
    manager = factories.make_staff(org_a, role=StaffRole.MANAGER, username="cheffe")
    edit_url = reverse("organisation:edit", args=[org_a.pk])
    client.force_login(manager)
    content = client.get(edit_url).content.decode()
    assert gettext("Order deadlines") in content and 'name="hours_to_accept"' in content
    response = client.post(edit_url, organisation_data(org_a, hours_to_accept="6", hours_to_collect="48"))
    assert response.status_code == 302, response.context["form"].errors
    org_a.refresh_from_db()
    assert (org_a.hours_to_accept, org_a.hours_to_prepare, org_a.hours_to_collect) == (6, None, 48)
    assert deadlines_for(organisation=org_a).accept == timedelta(hours=6)
    client.force_login(staff_a)  # plain staff do not edit the organisation
    assert refused(client.post(edit_url, organisation_data(org_a, hours_to_accept="1")))
    assert Reservation.objects.count() == 0
