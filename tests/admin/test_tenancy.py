"""Staff of one organisation can neither see nor change another's objects through the admin tables."""

import pytest
from django.urls import reverse

from offers.models import Offer
from shops.models import Organisation
from tests import factories


def world(organisation, label):
    """One object of every admin table, all belonging to ``organisation``, with recognisable names."""
    shop = factories.ShopFactory(organisation=organisation, name=f"Boutique {label}")
    category = factories.ProductCategoryFactory(organisation=organisation, name=f"Rayon {label}")
    producer = factories.ProducerFactory(organisation=organisation, name=f"Producteur {label}")
    product = factories.ProductFactory(
        organisation=organisation, category=category, producer=producer, name=f"Produit {label}"
    )
    return {
        "organisation": organisation,
        "shop": shop,
        "depot": factories.DepotFactory(organisation=organisation, name=f"Dépôt {label}"),
        "customercategory": factories.CustomerCategoryFactory(organisation=organisation, name=f"Catégorie {label}"),
        "member": factories.MemberFactory(organisation=organisation, last_name=f"Adhérent{label}"),
        "producer": producer,
        "productcategory": category,
        "product": product,
        "offer": factories.OfferFactory(organisation=organisation, product=product, shop=shop),
    }


TABLES = [
    "organisation",
    "shop",
    "depot",
    "customercategory",
    "member",
    "producer",
    "productcategory",
    "product",
    "offer",
]


def refused(response):
    """Wagtail answers PermissionDenied by sending the user back to the dashboard with a message."""
    return response.status_code == 302 and response["Location"] == reverse("wagtailadmin_home")


def marker(obj):
    return str(obj.last_name) if hasattr(obj, "last_name") else str(obj)


@pytest.fixture
def worlds(org_a, org_b):
    return world(org_a, "Alpha"), world(org_b, "Bravo")


@pytest.mark.django_db
@pytest.mark.parametrize("table", TABLES)
def test_staff_lists_only_their_organisation(client, staff_a, worlds, table):
    mine, theirs = worlds
    client.force_login(staff_a)
    response = client.get(reverse(f"{table}:index"))
    assert response.status_code == 200
    content = response.content.decode()
    assert marker(mine[table]) in content
    assert marker(theirs[table]) not in content


@pytest.mark.django_db
@pytest.mark.parametrize("table", [t for t in TABLES if t != "organisation"])
@pytest.mark.parametrize("view", ["edit", "delete", "history", "usage"])
def test_staff_get_404_on_another_organisations_objects(client, staff_a, worlds, table, view):
    mine, theirs = worlds
    client.force_login(staff_a)
    assert client.get(reverse(f"{table}:{view}", args=[theirs[table].pk])).status_code == 404
    assert client.get(reverse(f"{table}:{view}", args=[mine[table].pk])).status_code == 200


@pytest.mark.django_db
def test_staff_cannot_delete_or_edit_another_organisations_offer_by_post(client, staff_a, worlds):
    _, theirs = worlds
    offer = theirs["offer"]
    client.force_login(staff_a)
    assert client.post(reverse("offer:delete", args=[offer.pk])).status_code == 404
    assert client.post(reverse("offer:edit", args=[offer.pk]), {"status": "archived"}).status_code == 404
    assert client.post(reverse("offer:duplicate", args=[offer.pk])).status_code == 404
    offer.refresh_from_db()
    assert offer.status == "published"
    assert Offer.objects.filter(organisation=theirs["organisation"]).count() == 1


@pytest.mark.django_db
def test_staff_cannot_create_for_another_organisation(client, staff_a, worlds):
    _, theirs = worlds
    client.force_login(staff_a)
    response = client.post(
        reverse("customercategory:add"), {"name": "Intrus", "organisation": theirs["organisation"].pk}
    )
    assert response.status_code == 200
    assert "organisation" in response.context["form"].errors
    assert not theirs["organisation"].customer_categories.filter(name="Intrus").exists()


@pytest.mark.django_db
def test_staff_cannot_link_another_organisations_objects(client, staff_a, worlds):
    """Even a hand-made POST naming B's shop is refused: the choice is not offered, and the service checks it."""
    mine, theirs = worlds
    client.force_login(staff_a)
    response = client.post(
        reverse("offer:add"),
        {
            "product": mine["product"].pk,
            "status": "draft",
            "organisation": mine["organisation"].pk,
            "shop": theirs["shop"].pk,
            "price_excl_tax": "10",
            "vat_rate": "20.00",
            "stock_on_hand": "1",
            "case_size": "1",
            "minimum_cases": "1",
            "sale_mode": "one_off",
        },
    )
    assert response.status_code == 200
    assert "shop" in response.context["form"].errors
    assert Offer.objects.filter(organisation=mine["organisation"]).count() == 1


@pytest.mark.django_db
def test_filters_do_not_leak_other_organisations_names(client, staff_a, worlds):
    client.force_login(staff_a)
    content = client.get(reverse("member:index")).content.decode()
    assert "Catégorie Alpha" in content
    assert "Catégorie Bravo" not in content


@pytest.mark.django_db
@pytest.mark.parametrize("table", TABLES)
def test_animator_and_platform_admin_see_every_organisation(client, animator, admin_user, worlds, table):
    mine, theirs = worlds
    for user in (animator, admin_user):
        client.force_login(user)
        content = client.get(reverse(f"{table}:index")).content.decode()
        assert marker(mine[table]) in content and marker(theirs[table]) in content


@pytest.mark.django_db
def test_animator_has_no_organisation_settings(client, animator, worlds):
    _, theirs = worlds
    client.force_login(animator)
    assert refused(client.get(reverse("organisation:edit", args=[theirs["organisation"].pk])))
    assert client.get(reverse("shop:edit", args=[theirs["shop"].pk])).status_code == 200


@pytest.mark.django_db
def test_shared_category_is_readable_but_not_editable_by_staff(client, staff_a):
    shared = factories.ProductCategoryFactory(organisation=None, name="Rayon partagé")
    client.force_login(staff_a)
    assert "Rayon partagé" in client.get(reverse("productcategory:index")).content.decode()
    assert refused(client.get(reverse("productcategory:edit", args=[shared.pk])))
    assert refused(client.post(reverse("productcategory:delete", args=[shared.pk])))
    shared.refresh_from_db()


@pytest.mark.django_db
def test_anonymous_is_sent_to_login(client, worlds):
    response = client.get(reverse("offer:index"))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


@pytest.mark.django_db
def test_staff_edit_only_their_shop_pages(client, staff_a, worlds):
    mine, theirs = worlds
    client.force_login(staff_a)
    assert client.get(reverse("wagtailadmin_pages:edit", args=[mine["shop"].page.pk])).status_code == 200
    assert refused(client.get(reverse("wagtailadmin_pages:edit", args=[theirs["shop"].page.pk])))
    assert Organisation.objects.count() == 2
