"""The public offer page: what it shows, to whom, in how many queries, and its bad input."""

import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from wagtail.images import get_image_model
from wagtail.images.tests.utils import get_test_image_file

from offers.models import ProductImage
from offers.selectors import customer_is_professional
from tests import factories

Image = get_image_model()
MAX_QUERIES = 15


def url(offer, **params):
    query = "&".join(f"{key}={value}" for key, value in params.items())
    return reverse("offer_detail", args=[offer.pk]) + (f"?{query}" if query else "")


def add_photos(product, count):
    for n in range(count):
        image = Image.objects.create(title=f"Photo {n}", file=get_test_image_file())
        ProductImage.objects.create(product=product, image=image, sort_order=n)


def count_queries(client, path):
    client.get(path)  # fills Wagtail's cache of site root paths and creates the renditions
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200
    return len(queries), response


@pytest.mark.django_db
def test_published_offer_has_a_public_page(client):
    offer = factories.OfferFactory(product__name="Armoire normande")
    response = client.get(reverse("offer_detail", args=[offer.pk]))
    assert response.status_code == 200
    assert "Armoire normande" in response.content.decode() and "12,00" in response.content.decode()


@pytest.mark.django_db
def test_draft_and_unknown_offers_are_not_found(client):
    draft = factories.OfferFactory(status="draft")
    assert client.get(reverse("offer_detail", args=[draft.pk])).status_code == 404
    assert client.get("/offres/999999/").status_code == 404


@pytest.mark.django_db
def test_archived_offers_and_inactive_organisations_are_not_found(client):
    archived = factories.OfferFactory(status="archived")
    assert client.get(url(archived)).status_code == 404
    offer = factories.OfferFactory()
    offer.organisation.active = False
    offer.organisation.save(update_fields=["active"])
    assert client.get(url(offer)).status_code == 404


@pytest.mark.django_db
@override_settings(DEBUG=False)
def test_not_found_is_a_friendly_page_of_the_site(client):
    response = client.get("/offres/999999/", HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Page introuvable" in html
    assert 'href="/"' in html and "Retour à l’accueil" in html
    assert 'class="site-header"' in html  # the site's base template


@pytest.mark.django_db
def test_a_second_hand_item_shows_its_facts_photos_and_impact(client):
    organisation = factories.OrganisationFactory(name="Ressourcerie La Fabrique")
    producer = factories.ProducerFactory(organisation=organisation, name="Atelier Bois", city="Montreuil")
    parent = factories.ProductCategoryFactory(
        name="Meubles de ferme",
        co2e_per_item_kg=Decimal("80"),
        waste_per_item_kg=Decimal("30"),
        impact_source="ADEME 2024",
    )
    child = factories.ProductCategoryFactory(name="Tables de ferme", parent=parent)
    offer = factories.OfferFactory(
        organisation=organisation,
        product__name="Table de ferme",
        product__category=child,
        product__producer=producer,
        product__condition="good",
        product__is_unique_item=True,
        product__width_cm=Decimal("180.0"),
        product__height_cm=Decimal("75.5"),
        product__depth_cm=Decimal("90.0"),
        product__weight_kg=Decimal("42.500"),
        product__provenance="Don d’un particulier",
        stock_on_hand=1,
    )
    add_photos(offer.product, 3)
    html = client.get(url(offer), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "180 × 75,5 × 90 cm" in html
    assert "42,5 kg" in html
    assert "Don d’un particulier" in html
    assert "Atelier Bois" in html and "Montreuil" in html
    assert "Bon" in html  # condition
    assert "Pièce unique" in html
    assert "80 kg CO2e" in html and "42,5 kg" in html and "ADEME 2024" in html
    assert 'href="#reserve"' in html and 'id="reserve"' in html
    assert html.count('alt="Table de ferme"') == 4  # the large photo and three thumbnails
    main_photo = re.search(r'<img alt="Table de ferme"[^>]*srcset="([^"]*)"', html)
    assert main_photo and "width-480.png 480w" in main_photo.group(1) and "width-800" in main_photo.group(1)


@pytest.mark.django_db
def test_new_goods_show_no_impact(client):
    category = factories.ProductCategoryFactory(co2e_per_item_kg=Decimal("13.4"))
    offer = factories.OfferFactory(product__category=category, product__condition="new")
    html = client.get(url(offer), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "CO2e" not in html


@pytest.mark.django_db
def test_professional_customers_see_prices_excluding_tax(client):
    offer = factories.OfferFactory(price_excl_tax=Decimal("10.0000"), vat_rate=Decimal("20.0"))
    professional = factories.CustomerCategoryFactory(organisation=offer.organisation, is_professional=True)
    private = factories.CustomerCategoryFactory(organisation=offer.organisation)
    pro_user, private_user, elsewhere_user = factories.UserFactory(), factories.UserFactory(), factories.UserFactory()
    factories.MemberFactory(organisation=offer.organisation, user=pro_user, categories=[professional])
    factories.MemberFactory(organisation=offer.organisation, user=private_user, categories=[private])
    other_org_pro = factories.CustomerCategoryFactory(is_professional=True)
    factories.MemberFactory(organisation=other_org_pro.organisation, user=elsewhere_user, categories=[other_org_pro])

    assert customer_is_professional(user=pro_user, organisation_id=offer.organisation_id)
    assert not customer_is_professional(user=private_user, organisation_id=offer.organisation_id)
    assert not customer_is_professional(user=elsewhere_user, organisation_id=offer.organisation_id)
    assert not customer_is_professional(user=None, organisation_id=offer.organisation_id)

    client.force_login(pro_user)
    html = client.get(url(offer), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "10,00 € <span>HT</span>" in html and "12,00 € TTC" in html
    client.force_login(elsewhere_user)
    html = client.get(url(offer), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "<span>HT</span>" not in html and "12,00 € <span>TTC</span>" in html


def make_network(shops_count, *, sizes=("38", "40", "42"), prefix="Chaussures"):
    """A shoe of a network's shared catalogue in several sizes, held by shops further and further east."""
    network = factories.OrganisationFactory(kind="shop_network", name=f"Réseau {prefix}")
    category = factories.ProductCategoryFactory(name=f"Baskets {prefix}")
    products = {
        size: factories.ProductFactory(
            organisation=None, name=f"Basket Alpha {size}", category=category, brand="Alpha", model_code="ALPHA-1",
            size=size,
        )
        for size in sizes
    }  # fmt: skip
    shops = [
        factories.ShopFactory(
            organisation=network, name=f"{prefix} {n:02d}", latitude=Decimal("48.85"),
            longitude=Decimal("2.30") + Decimal("0.05") * n,
        )
        for n in range(shops_count)
    ]  # fmt: skip
    offers = []
    for n, shop in enumerate(shops):
        for m, size in enumerate(sizes):
            offers.append(
                factories.OfferFactory(
                    organisation=network, shop=shop, product=products[size], stock_on_hand=0 if (n + m) % 5 == 4 else 2
                )
            )
    return shops, offers


@pytest.mark.django_db
def test_network_product_lists_nearby_shops_and_their_sizes(client):
    shops, offers = make_network(4)
    offer = offers[0]  # size 38 at shop 00
    html = client.get(url(offer), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    positions = [html.index(f"Chaussures {n:02d}</strong>") for n in range(4)]
    assert positions == sorted(positions)  # nearest first from the offer's shop
    assert "3,7 km" in html  # 0.05° of longitude at 48.85° N
    assert f'href="/offres/{offers[1].pk}/"' in html  # size 40 in the same shop
    # (n + m) % 5 == 4: shop 02 has no size 42 (m=2), shop 03 no size 40 (m=1) in stock.
    assert f'href="/offres/{offers[8].pk}/"' not in html and f'href="/offres/{offers[10].pk}/"' not in html

    from_east = client.get(url(offer, ou="48.85,2.46"), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert from_east.index("Chaussures 03</strong>") < from_east.index("Chaussures 00</strong>")


@pytest.mark.django_db
def test_unknown_place_gives_a_message_not_an_error(client):
    _shops, offers = make_network(2)
    response = client.get(url(offers[0], ou="Zzyzxville-sur-Rien"), HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Zzyzxville-sur-Rien" in html and 'class="notice"' in html
    assert "Chaussures 01" in html  # still listed, from the offer's shop
    assert client.get(url(offers[0], ou="%27%3B+DROP+TABLE" + "x" * 500)).status_code == 200


@pytest.mark.django_db
def test_query_count_does_not_grow_with_photos(client):
    offer = factories.OfferFactory(product__condition="good")
    add_photos(offer.product, 1)
    client.get(url(offer))  # renditions are created on the first view
    one_photo, _response = count_queries(client, url(offer))
    add_photos(offer.product, 4)
    client.get(url(offer))
    five_photos, response = count_queries(client, url(offer))
    assert response.content.decode().count("<li><a href=") == 5
    print("offer page queries, 1 vs 5 photos:", one_photo, five_photos)
    assert one_photo == five_photos <= MAX_QUERIES


@pytest.mark.django_db
def test_query_count_does_not_grow_with_network_offers(client):
    _shops, offers = make_network(1)  # 2 sizes besides the offer's
    few, response = count_queries(client, url(offers[0]))
    assert response.content.decode().count('<li><a href="/offres/') == 2
    make_network(7, prefix="Souliers")  # the same model in 7 more shops: 18 of 21 offers in stock
    many, response = count_queries(client, url(offers[0]))
    assert response.content.decode().count('<li><a href="/offres/') == 20
    print("offer page queries, 2 vs 20 network offers:", few, many)
    assert few == many <= MAX_QUERIES
