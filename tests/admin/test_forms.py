"""Admin forms: they parse input, the services decide, and bad input gets a French message on its field."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation
from wagtail.test.utils.form_data import inline_formset, nested_form_data

from offers.models import Offer
from shops.models import Depot, Shop
from tests import factories


@pytest.fixture(autouse=True)
def french():
    with translation.override("fr"):
        yield


def offer_data(product, organisation, **overrides):
    data = {
        "product": product.pk,
        "status": "published",
        "organisation": organisation.pk,
        "shop": "",
        "price_excl_tax": "",
        "price_incl_tax": "",
        "vat_rate": "5.50",
        "stock_on_hand": "3",
        "case_size": "1",
        "minimum_cases": "1",
        "sale_mode": "one_off",
    }
    return {**data, **overrides}


@pytest.mark.django_db
def test_price_typed_including_tax_is_derived(client, staff_a, org_a):
    product = factories.ProductFactory(organisation=org_a)
    client.force_login(staff_a)
    response = client.post(reverse("offer:add"), offer_data(product, org_a, price_incl_tax="2,50"))
    assert response.status_code == 302, response.context["form"].errors
    offer = Offer.objects.get(product=product)
    assert offer.price_excl_tax == Decimal("2.3697")
    assert offer.price_incl_tax == Decimal("2.50")


@pytest.mark.django_db
def test_price_typed_excluding_tax_wins_on_edit(client, staff_a, org_a):
    offer = factories.OfferFactory(organisation=org_a, price_excl_tax=Decimal("10"), vat_rate=Decimal("20.0"))
    client.force_login(staff_a)
    form = client.get(reverse("offer:edit", args=[offer.pk])).context["form"]
    assert form.initial["price_incl_tax"] == Decimal("12.00")
    data = offer_data(
        offer.product, org_a, shop=offer.shop.pk, price_excl_tax="20", price_incl_tax="12", vat_rate="20.00"
    )
    response = client.post(reverse("offer:edit", args=[offer.pk]), data)
    assert response.status_code == 302
    offer.refresh_from_db()
    assert offer.price_excl_tax == Decimal("20") and offer.price_incl_tax == Decimal("24.00")


@pytest.mark.django_db
def test_offer_without_any_price_is_refused_in_french(client, staff_a, org_a):
    product = factories.ProductFactory(organisation=org_a)
    client.force_login(staff_a)
    response = client.post(reverse("offer:add"), offer_data(product, org_a))
    assert response.status_code == 200
    assert "Indiquez le prix HT ou TTC." in response.context["form"].errors["price_excl_tax"]
    assert not Offer.objects.exists()


@pytest.mark.django_db
def test_unique_item_with_stock_above_one_is_refused(client, staff_a, org_a):
    product = factories.ProductFactory(organisation=org_a, is_unique_item=True, condition="good")
    client.force_login(staff_a)
    response = client.post(reverse("offer:add"), offer_data(product, org_a, price_excl_tax="40", stock_on_hand="2"))
    assert response.status_code == 200
    assert response.context["form"].errors["stock_on_hand"]
    assert not Offer.objects.exists()


@pytest.mark.django_db
def test_duplicate_offer_after_confirmation(client, staff_a, org_a):
    offer = factories.OfferFactory(organisation=org_a)
    client.force_login(staff_a)
    confirmation = client.get(reverse("offer:duplicate", args=[offer.pk]))
    assert confirmation.status_code == 200 and "Oui, dupliquer" in confirmation.content.decode()
    assert Offer.objects.count() == 1
    response = client.post(reverse("offer:duplicate", args=[offer.pk]))
    copy = Offer.objects.exclude(pk=offer.pk).get()
    assert response["Location"] == reverse("offer:edit", args=[copy.pk])
    assert copy.status == "draft" and copy.stock_on_hand == 0 and copy.product_id == offer.product_id


def shop_data(organisation, periods):
    return nested_form_data(
        {
            "name": "Boutique du Marché",
            "organisation": organisation.pk,
            "slug": "",
            "address": "3 place du Marché",
            "postcode": "93100",
            "city": "Montreuil",
            "latitude": "48.8614",
            "longitude": "2.4416",
            "phone": "01 48 70 00 00",
            "email": "",
            "active": "on",
            "opening_hours": inline_formset(periods),
        }
    )


@pytest.mark.django_db
def test_shop_with_structured_opening_hours_gets_its_page(client, staff_a, org_a):
    client.force_login(staff_a)
    periods = [
        {"weekday": "5", "opens": "10:00", "closes": "13:00"},
        {"weekday": "5", "opens": "14:00", "closes": "18:00"},
    ]
    response = client.post(reverse("shop:add"), shop_data(org_a, periods))
    assert response.status_code == 302, response.context["form"].errors
    shop = Shop.objects.get(name="Boutique du Marché")
    assert shop.slug == "boutique-du-marche" and shop.phone == "+33148700000"
    assert shop.opening_hours.count() == 2
    assert shop.page.live and client.get(shop.page.url).status_code == 200


@pytest.mark.django_db
def test_overlapping_opening_hours_are_refused(client, staff_a, org_a):
    client.force_login(staff_a)
    periods = [
        {"weekday": "0", "opens": "09:00", "closes": "13:00"},
        {"weekday": "0", "opens": "12:00", "closes": "18:00"},
    ]
    response = client.post(reverse("shop:add"), shop_data(org_a, periods))
    assert response.status_code == 200
    assert "se chevauchent" in str(response.context["form"].non_field_errors())
    assert not Shop.objects.exists()


@pytest.mark.django_db
def test_bad_phone_and_postcode_are_named_in_french(client, staff_a, org_a):
    client.force_login(staff_a)
    data = shop_data(org_a, [])
    data.update({"phone": "12", "postcode": "ABCDE"})
    errors = client.post(reverse("shop:add"), data).context["form"].errors
    assert "n’est pas un numéro de téléphone valide" in errors["phone"][0]
    assert "code postal" in errors["postcode"][0]


def depot_data(organisation, **overrides):
    return nested_form_data(
        {
            "name": "Dépôt de la Gare",
            "organisation": organisation.pk,
            "shop": "",
            "address": "",
            "postcode": "93100",
            "city": "Montreuil",
            "latitude": "",
            "longitude": "",
            "delivery_fee": "1,50",
            "capacity": "",
            "public_note": "",
            "access_code": "",
            "active": "on",
            "pickup_slots": inline_formset([]),
            **overrides,
        }
    )


@pytest.mark.django_db
def test_restricted_depot_needs_an_access_code_which_is_hashed(client, staff_a, org_a):
    client.force_login(staff_a)
    response = client.post(reverse("depot:add"), depot_data(org_a, restricted="on"))
    assert response.status_code == 200 and "code d’accès" in str(response.context["form"].errors)
    response = client.post(reverse("depot:add"), depot_data(org_a, restricted="on", access_code="4321"))
    assert response.status_code == 302
    depot = Depot.objects.get()
    assert depot.access_code_hash and "4321" not in depot.access_code_hash


@pytest.mark.django_db
def test_deleting_a_shop_that_holds_offers_is_blocked_not_crashing(client, staff_a, org_a):
    offer = factories.OfferFactory(organisation=org_a)
    client.force_login(staff_a)
    response = client.get(reverse("shop:delete", args=[offer.shop.pk]))
    assert response.status_code == 200
    response = client.post(reverse("shop:delete", args=[offer.shop.pk]))
    assert response.status_code in (200, 302)
    assert Shop.objects.filter(pk=offer.shop.pk).exists()


@pytest.mark.django_db
def test_delete_asks_for_confirmation_first(client, staff_a, org_a):
    category = factories.CustomerCategoryFactory(organisation=org_a, name="AMAP")
    client.force_login(staff_a)
    page = client.get(reverse("customercategory:delete", args=[category.pk])).content.decode()
    assert "Oui, supprimer" in page
    client.post(reverse("customercategory:delete", args=[category.pk]))
    assert not org_a.customer_categories.exists()


@pytest.mark.django_db
def test_admin_is_in_french_by_default(client, staff_a):
    client.force_login(staff_a)
    assert 'lang="fr"' in client.get(reverse("wagtailadmin_home")).content.decode()
    content = client.get(reverse("offer:index")).content.decode()
    assert "<title>Offres" in content and "Ajouter un(e) offre" in content


@pytest.mark.django_db
def test_saving_an_untouched_offer_keeps_its_stored_price(client, staff_a, org_a):
    offer = factories.OfferFactory(organisation=org_a, price_excl_tax=Decimal("146.6667"), vat_rate=Decimal("20.00"))
    client.force_login(staff_a)
    form = client.get(reverse("offer:edit", args=[offer.pk])).context["form"]
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    data.update(
        {"price_excl_tax": "146,67", "price_incl_tax": "176,00", "reserved_categories": [], "allowed_depots": []}
    )
    response = client.post(reverse("offer:edit", args=[offer.pk]), data)
    assert response.status_code == 302, response.context["form"].errors
    offer.refresh_from_db()
    assert offer.price_excl_tax == Decimal("146.6667") and offer.price_incl_tax == Decimal("176.00")


@pytest.mark.django_db
def test_yes_no_columns_show_icons_not_true_false(client, staff_a, org_a):
    factories.ShopFactory(organisation=org_a)
    client.force_login(staff_a)
    content = client.get(reverse("shop:index")).content.decode()
    assert "icon-success" in content and ">True<" not in content
