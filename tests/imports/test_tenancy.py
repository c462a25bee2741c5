"""Staff import only into the organisations they work for; another's objects are "unknown"."""

from decimal import Decimal

from offers.models import Offer, ProductCategory
from shops.models import CustomerCategory, Depot, Shop
from shops.services import staff_membership_set
from tests import factories
from tests.imports.conftest import errors_by_cell, heading, run


def test_an_id_of_another_organisations_object_is_unknown_and_left_alone(org_b, staff_a, english):
    shop_b = factories.ShopFactory(organisation=org_b, name="Boutique B")
    rows = [["id", heading("shops", "name")], [shop_b.pk, "Renamed by A"]]

    report = run("shops", rows, staff_a)

    assert list(errors_by_cell(report)) == [(2, "id")]
    assert "Unknown id" in report.errors[0]["message"]
    shop_b.refresh_from_db()
    assert shop_b.name == "Boutique B"
    assert not Shop.objects.filter(name="Renamed by A").exists()


def test_an_unknown_id_is_never_used_to_create(staff_a):
    report = run("customer-categories", [["id", heading("customer-categories", "name")], [987654, "Pros"]], staff_a)
    assert list(errors_by_cell(report)) == [(2, "id")]
    assert not CustomerCategory.objects.filter(pk=987654).exists()


def test_another_organisation_in_the_organisation_column_is_refused(org_a, org_b, staff_a):
    depot_b = factories.DepotFactory(organisation=org_b, name="Dépôt B", capacity=5)
    organisation, name, capacity = (heading("depots", f) for f in ("organisation", "name", "capacity"))
    rows = [[organisation, name, heading("depots", "postcode"), heading("depots", "city"), capacity]]
    rows.append(["ressourcerie-b", "Dépôt B", "93100", "Montreuil", "99"])
    rows.append(["Ressourcerie B", "Nouveau", "93100", "Montreuil", "1"])

    report = run("depots", rows, staff_a)

    assert set(errors_by_cell(report)) == {(2, organisation), (3, organisation)}
    depot_b.refresh_from_db()
    assert depot_b.capacity == 5
    assert not Depot.objects.filter(name="Nouveau").exists()


def test_the_organisation_defaults_to_the_only_one_and_slugs_or_names_are_accepted(org_a, org_b, staff_a):
    rows = [[heading("customer-categories", "name")], ["Pros"]]
    assert run("customer-categories", rows, staff_a).errors == []
    assert CustomerCategory.objects.get(name="Pros").organisation == org_a

    staff_membership_set(organisation=org_b, user=staff_a)
    staff_a.refresh_from_db()
    for attribute in ("_pivot_organisation_ids", "_perm_cache", "_user_perm_cache", "_group_perm_cache"):
        staff_a.__dict__.pop(attribute, None)
    report = run("customer-categories", [[heading("customer-categories", "name")], ["Bénévoles"]], staff_a)
    assert list(errors_by_cell(report)) == [(2, heading("customer-categories", "organisation"))]
    rows = [[heading("customer-categories", "organisation"), heading("customer-categories", "name")]]
    rows += [["Ressourcerie B", "Bénévoles"], ["ressourcerie-a", "Bénévoles"]]
    assert run("customer-categories", rows, staff_a).totals["new"] == 2
    assert {c.organisation for c in CustomerCategory.objects.filter(name="Bénévoles")} == {org_a, org_b}


def test_related_objects_of_another_organisation_are_unknown(org_a, org_b, staff_a):
    shop_b = factories.ShopFactory(organisation=org_b)
    factories.CustomerCategoryFactory(organisation=org_b, name="VIP")
    product_b = factories.ProductFactory(organisation=org_b)
    product_a = factories.ProductFactory(organisation=org_a)
    columns = ("product_id", "shop", "price_excl_tax", "reserved_categories")
    rows = [[heading("offers", c) for c in columns]]
    rows += [[product_b.pk, "", "1", ""], [product_a.pk, shop_b.slug, "1", ""], [product_a.pk, "", "1", "VIP"]]

    report = run("offers", rows, staff_a)

    assert set(errors_by_cell(report)) == {
        (2, heading("offers", "product")),
        (3, heading("offers", "shop")),
        (4, heading("offers", "reserved_categories")),
    }
    assert not Offer.objects.exists()


def test_a_slug_of_another_organisations_shop_does_not_update_it(org_b, staff_a):
    shop_b = factories.ShopFactory(organisation=org_b, name="Boutique B")
    rows = [
        [heading("shops", c) for c in ("slug", "name", "postcode", "city")],
        [shop_b.slug, "Mine", "75001", "Paris"],
    ]
    report = run("shops", rows, staff_a)
    assert list(errors_by_cell(report)) == [(2, heading("shops", "slug"))]
    shop_b.refresh_from_db()
    assert shop_b.name == "Boutique B" and shop_b.organisation == org_b


def test_shared_rows_come_back_unchanged_but_cannot_be_changed_by_staff(staff_a, english):
    chair = ProductCategory.objects.get(name="Chaise en bois")
    columns = ["id", heading("product-categories", "parent"), heading("product-categories", "name")]
    assert (
        run("product-categories", [columns, [chair.pk, "Mobilier", "Chaise en bois"]], staff_a).totals["unchanged"] == 1
    )

    report = run("product-categories", [columns, [chair.pk, "Mobilier", "Chaise"]], staff_a)
    assert report.totals["error"] == 1 and "shared" in report.errors[0]["message"]
    chair.refresh_from_db()
    assert chair.name == "Chaise en bois"


def test_platform_admin_may_import_for_any_organisation_and_the_shared_tree(org_a, org_b, admin_user):
    columns = [heading("product-categories", "organisation"), heading("product-categories", "name")]
    report = run("product-categories", [columns, ["", "Jouets"], ["ressourcerie-b", "Vélos"]], admin_user)
    assert report.errors == []
    assert ProductCategory.objects.get(name="Jouets").organisation is None
    assert ProductCategory.objects.get(name="Vélos").organisation == org_b


def test_a_role_without_the_add_permission_cannot_create(org_a, animator, english):
    """Animators may change shops but not create them (shops.roles)."""
    shop = factories.ShopFactory(organisation=org_a, name="Avant")
    columns = [heading("shops", c) for c in ("organisation", "name", "postcode", "city")]
    rows = [["id", *columns], [shop.pk, "ressourcerie-a", "Après", "75002", "Paris"]]
    rows.append(["", "ressourcerie-a", "Nouvelle", "75002", "Paris"])
    report = run("shops", rows, animator)
    assert list(errors_by_cell(report)) == [(3, "")]
    assert "not allowed to create" in report.errors[0]["message"]
    assert not Shop.objects.filter(name="Nouvelle").exists()
    shop.refresh_from_db()
    assert shop.name == "Avant"  # all-or-nothing: the allowed update is not written either


def test_customers_without_staff_role_cannot_import(org_a):
    customer = factories.UserFactory()
    report = run("customer-categories", [[heading("customer-categories", "name")], ["Pros"]], customer)
    assert report.totals["error"] == 1
    assert not CustomerCategory.objects.exists()


def test_staff_can_update_their_own_objects_by_id(org_a, staff_a):
    offer = factories.OfferFactory(organisation=org_a, price_excl_tax=Decimal("10"))
    rows = [["id", heading("offers", "price_incl_tax")], [offer.pk, "30,00"]]
    report = run("offers", rows, staff_a)
    assert report.errors == []
    assert report.totals["update"] == 1
    offer.refresh_from_db()
    assert offer.price_excl_tax == Decimal("25.0000") and offer.stock_on_hand == 5
