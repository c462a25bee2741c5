"""Offers marked sold in the admin (until orders exist): the service's rules, stock, tenancy, the admin views."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from offers import services
from offers.exceptions import InsufficientStock, InvalidOffer
from offers.models import Offer
from tests import factories

pytestmark = pytest.mark.django_db


def make_offer(organisation, **kwargs):
    product = factories.ProductFactory(organisation=organisation, condition="good", **kwargs.pop("product", {}))
    return factories.OfferFactory(organisation=organisation, product=product, **kwargs)


def unique_offer(organisation):
    return make_offer(organisation, stock_on_hand=1, product={"is_unique_item": True})


def test_mark_sold_takes_the_units_out_of_stock(org_a, staff_a):
    offer = make_offer(org_a, stock_on_hand=5)
    when = timezone.now() - timedelta(days=3)
    services.offer_mark_sold(offer=offer, quantity=2, sold_at=when, actor=staff_a)
    offer.refresh_from_db()
    assert (offer.stock_on_hand, offer.sold_quantity, offer.sold_at) == (3, 2, when)


def test_sold_at_defaults_to_now(org_a):
    offer = make_offer(org_a)
    before = timezone.now()
    services.offer_mark_sold(offer=offer)
    offer.refresh_from_db()
    assert before <= offer.sold_at <= timezone.now() and offer.sold_quantity == 1


def test_unlimited_stock_is_not_counted_down(org_a):
    offer = make_offer(org_a, unlimited_stock=True, stock_on_hand=0)
    services.offer_mark_sold(offer=offer, quantity=40)
    offer.refresh_from_db()
    assert (offer.stock_on_hand, offer.sold_quantity) == (0, 40)


@pytest.mark.parametrize("status", ["draft", "archived"])
def test_only_published_offers(org_a, status):
    offer = make_offer(org_a, status=status)
    with pytest.raises(InvalidOffer) as error:
        services.offer_mark_sold(offer=offer)
    assert error.value.code == "offer_not_published"


@pytest.mark.parametrize("quantity", [0, -1])
def test_at_least_one_unit(org_a, quantity):
    offer = make_offer(org_a)
    with pytest.raises(InvalidOffer) as error:
        services.offer_mark_sold(offer=offer, quantity=quantity)
    assert error.value.field == "quantity"


def test_not_more_than_the_available_stock(org_a):
    offer = make_offer(org_a, stock_on_hand=3)
    Offer.objects.filter(pk=offer.pk).update(stock_allocated=2)  # reserved for orders: not for sale here
    with pytest.raises(InsufficientStock) as error:
        services.offer_mark_sold(offer=offer, quantity=2)
    assert error.value.details["available"] == 1
    offer.refresh_from_db()
    assert (offer.stock_on_hand, offer.sold_quantity) == (3, 0)


def test_a_unique_item_sells_once(org_a):
    offer = unique_offer(org_a)
    with pytest.raises(InvalidOffer):
        services.offer_mark_sold(offer=offer, quantity=2)
    services.offer_mark_sold(offer=offer)
    offer.refresh_from_db()
    assert (offer.stock_on_hand, offer.sold_quantity) == (0, 1)


def test_not_in_the_future(org_a):
    offer = make_offer(org_a)
    with pytest.raises(InvalidOffer) as error:
        services.offer_mark_sold(offer=offer, sold_at=timezone.now() + timedelta(hours=1))
    assert error.value.field == "sold_at"


def test_one_mark_per_offer(org_a):
    offer = make_offer(org_a)
    services.offer_mark_sold(offer=offer)
    with pytest.raises(InvalidOffer) as error:
        services.offer_mark_sold(offer=offer)
    assert error.value.code == "already_sold"


def test_unmark_puts_the_units_back(org_a, staff_a):
    offer = make_offer(org_a, stock_on_hand=5)
    services.offer_mark_sold(offer=offer, quantity=2)
    services.offer_mark_unsold(offer=offer, actor=staff_a)
    offer.refresh_from_db()
    assert (offer.stock_on_hand, offer.sold_quantity, offer.sold_at) == (5, 0, None)
    with pytest.raises(InvalidOffer) as error:
        services.offer_mark_unsold(offer=offer)
    assert error.value.code == "not_sold"


def test_unmark_a_unique_item_restocked_meanwhile_keeps_one_unit(org_a):
    offer = unique_offer(org_a)
    services.offer_mark_sold(offer=offer)
    services.offer_stock_set(offer=offer, on_hand=1)
    services.offer_mark_unsold(offer=offer)
    offer.refresh_from_db()
    assert offer.stock_on_hand == 1


def test_another_organisations_staff_is_refused(org_a, staff_b):
    offer = make_offer(org_a)
    with pytest.raises(PermissionDenied):
        services.offer_mark_sold(offer=offer, actor=staff_b)
    services.offer_mark_sold(offer=offer)
    with pytest.raises(PermissionDenied):
        services.offer_mark_unsold(offer=offer, actor=staff_b)
    offer.refresh_from_db()
    assert offer.sold_quantity == 1


def test_duplicate_does_not_copy_the_sold_mark(org_a):
    offer = make_offer(org_a)
    services.offer_mark_sold(offer=offer)
    copy = services.offer_duplicate(offer=offer)
    assert (copy.sold_at, copy.sold_quantity) == (None, 0)


# --- admin --------------------------------------------------------------------------------------


def test_admin_marks_an_offer_sold_after_confirmation(client, org_a, staff_a):
    offer = make_offer(org_a, stock_on_hand=4)
    client.force_login(staff_a)
    edit = client.get(reverse("offer:edit", args=[offer.pk]))
    assert reverse("offer:mark_sold", args=[offer.pk]) in edit.content.decode()
    form = client.get(reverse("offer:mark_sold", args=[offer.pk]))
    assert form.status_code == 200 and 'name="quantity"' in form.content.decode()
    assert Offer.objects.get(pk=offer.pk).sold_quantity == 0  # nothing happens before the confirmation
    sold_at = timezone.localtime() - timedelta(days=2)
    response = client.post(
        reverse("offer:mark_sold", args=[offer.pk]),
        {"quantity": "3", "sold_at": sold_at.strftime("%Y-%m-%d %H:%M")},
    )
    assert response.status_code == 302 and response.url == reverse("offer:edit", args=[offer.pk])
    offer.refresh_from_db()
    assert (offer.stock_on_hand, offer.sold_quantity) == (1, 3)
    assert timezone.localtime(offer.sold_at).date() == sold_at.date()  # both in Paris time, even after midnight
    edit = client.get(reverse("offer:edit", args=[offer.pk]))
    assert reverse("offer:mark_unsold", args=[offer.pk]) in edit.content.decode()


def test_admin_shows_the_rule_that_refused(client, org_a, staff_a):
    offer = make_offer(org_a, stock_on_hand=1)
    client.force_login(staff_a)
    future = (timezone.localtime() + timedelta(days=2)).strftime("%Y-%m-%d %H:%M")
    response = client.post(reverse("offer:mark_sold", args=[offer.pk]), {"quantity": "1", "sold_at": future})
    assert response.status_code == 200
    assert "La date de la vente ne peut pas être dans le futur." in response.content.decode()
    response = client.post(reverse("offer:mark_sold", args=[offer.pk]), {"quantity": "abc", "sold_at": future})
    assert response.status_code == 200
    assert Offer.objects.get(pk=offer.pk).sold_quantity == 0


def test_admin_cancels_a_sale(client, org_a, staff_a):
    offer = make_offer(org_a, stock_on_hand=2)
    services.offer_mark_sold(offer=offer, quantity=2)
    client.force_login(staff_a)
    assert client.get(reverse("offer:mark_unsold", args=[offer.pk])).status_code == 200
    response = client.post(reverse("offer:mark_unsold", args=[offer.pk]))
    assert response.status_code == 302
    offer.refresh_from_db()
    assert (offer.stock_on_hand, offer.sold_quantity) == (2, 0)


def test_admin_refuses_another_organisations_offer(client, org_a, staff_b):
    offer = make_offer(org_a)
    client.force_login(staff_b)
    assert client.get(reverse("offer:mark_sold", args=[offer.pk])).status_code == 404
    assert client.post(reverse("offer:mark_sold", args=[offer.pk]), {"quantity": "1"}).status_code == 404
    assert client.post(reverse("offer:mark_unsold", args=[offer.pk])).status_code == 404
    assert Offer.objects.get(pk=offer.pk).sold_quantity == 0


def test_listing_shows_and_filters_sold_offers(client, org_a, staff_a):
    sold = make_offer(org_a, product={"name": "Fauteuil vendu"})
    make_offer(org_a, product={"name": "Buffet en vente"})
    services.offer_mark_sold(offer=sold)
    client.force_login(staff_a)
    listing = client.get(reverse("offer:index")).content.decode()
    assert "Fauteuil vendu" in listing and "Buffet en vente" in listing
    only_sold = client.get(reverse("offer:index"), {"sold": "true"}).content.decode()
    assert "Fauteuil vendu" in only_sold and "Buffet en vente" not in only_sold
    unsold = client.get(reverse("offer:index"), {"sold": "false"}).content.decode()
    assert "Fauteuil vendu" not in unsold and "Buffet en vente" in unsold
