"""Files as French users make them create and update the right objects."""

import io
from datetime import time
from decimal import Decimal

import pytest
import tablib
from django.contrib.auth.hashers import check_password
from django.utils import timezone, translation
from openpyxl import Workbook

from offers.models import Offer, Product, ProductCategory
from shops.models import Depot, Member, Shop
from tests import factories
from tests.imports.conftest import csv_bytes, heading, run


def xlsx_bytes(rows) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def h(key, *names, pad=""):
    return [f"{heading(key, name)}{pad}" for name in names]


def test_products_from_excel_with_native_numbers_and_padded_headings(org_a, staff_a):
    producer = factories.ProducerFactory(organisation=org_a, name="Ferme du Pré")
    data = xlsx_bytes(
        [
            h("products", "name", "category", "producer", "unit", "gtin", "weight_kg", "is_unique_item", pad="  "),
            ["Riz complet ", "Alimentation > Épicerie", "ferme du pré", "kg", 3017620422003, 5, "non"],
            [None, None, None, None, None, None, None],
            ["Fauteuil club", "mobilier > chaise en bois", "", "pièce", "", "12,5", "oui"],
        ]
    )
    report = run("products", data, staff_a)
    assert report.errors[:1] == [
        {"line": 4, "column": heading("products", "condition"), "message": report.errors[0]["message"]}
    ]  # a unique item needs its condition: the service says so, in the column the person must fill

    data = xlsx_bytes(
        [
            h("products", "name", "category", "producer", "unit", "gtin", "weight_kg", "is_unique_item", "condition"),
            ["Riz complet ", "Alimentation > Épicerie", "ferme du pré", "kg", 3017620422003, 5, "non", ""],
            ["Fauteuil club", "mobilier > chaise en bois", "", "piece", "", "12,5", "oui", "Good"],
        ]
    )
    report = run("products", data, staff_a)
    assert report.errors == [] and report.totals["new"] == 2
    rice = Product.objects.get(name="Riz complet")
    assert (rice.organisation, rice.producer, rice.unit, rice.gtin) == (org_a, producer, "kg", "3017620422003")
    assert rice.category == ProductCategory.objects.get(name="Épicerie", organisation=None)
    armchair = Product.objects.get(name="Fauteuil club")
    assert armchair.weight_kg == Decimal("12.5") and armchair.is_unique_item and armchair.condition == "good"


def test_offers_from_a_french_csv_decimal_commas_bom_blank_lines_spaces(org_a, staff_a):
    product = factories.ProductFactory(organisation=org_a, name="Confiture de fraises")
    shop = factories.ShopFactory(organisation=org_a, name="Épicerie")
    factories.CustomerCategoryFactory(organisation=org_a, name="Adhérent")
    header = h("offers", "product", "shop", "price_excl_tax", "price_incl_tax", "vat_rate", "stock_on_hand")
    header += h("offers", "reserved_categories", "status", "available_from")
    text = (
        ";".join(f"{name} " for name in header)
        + "\r\n\r\n"
        + f" Confiture de fraises ;{shop.slug};1\u00a0234,50;;5,5;1 200;adhérent;published; 05/01/2026 08:30\r\n"
        + ";;;;;;;;\r\n"
        + f"Confiture de fraises;{shop.slug};;15,00;20;3;;Brouillon;\r\n"
    )
    report = run("offers", ("\ufeff" + text).encode("utf-8"), staff_a)
    assert report.errors == []
    assert report.totals["new"] == 2
    assert [row["line"] for row in report.rows] == [3, 5]
    typed_excl, typed_incl = Offer.objects.filter(product=product).order_by("pk")
    assert typed_excl.price_excl_tax == Decimal("1234.50") and typed_excl.vat_rate == Decimal("5.5")
    assert typed_excl.stock_on_hand == 1200 and typed_excl.status == "published"
    assert [c.name for c in typed_excl.reserved_categories.all()] == ["Adhérent"]
    assert timezone.localtime(typed_excl.available_from).strftime("%d/%m/%Y %H:%M") == "05/01/2026 08:30"
    assert typed_incl.price_incl_tax == Decimal("15.00") and typed_incl.price_excl_tax == Decimal("12.5000")
    assert typed_incl.status == "draft"


def test_members_from_a_windows_1252_csv_with_accents(org_a, staff_a):
    factories.CustomerCategoryFactory(organisation=org_a, name="Adhérent")
    factories.CustomerCategoryFactory(organisation=org_a, name="Solidarité")
    rows = [
        h("members", "last_name", "first_name", "email", "phone", "categories", "volunteer", "volunteer_domains"),
        [
            "Dupré",
            "Hélène",
            "Helene.Dupre@Example.org",
            "06 12 34 56 78",
            "adhérent, Solidarité",
            "peut-être",
            "diy; Gardening",
        ],
        ["Lefèvre", "Zoé", "", "", "", "non", ""],
    ]
    report = run("members", csv_bytes(rows, encoding="cp1252"), staff_a)
    assert report.errors == []
    helene = Member.objects.get(last_name="Dupré")
    assert (helene.first_name, helene.email, helene.phone) == ("Hélène", "helene.dupre@example.org", "+33612345678")
    assert helene.organisation == org_a and helene.volunteer == "maybe"
    assert sorted(c.name for c in helene.categories.all()) == ["Adhérent", "Solidarité"]
    assert sorted(d.code for d in helene.volunteer_domains.all()) == ["diy", "gardening"]
    assert Member.objects.get(last_name="Lefèvre").volunteer == "no"

    rows[1][5] = "oui"  # the same file again, one answer changed: an update, found by e-mail
    report = run("members", csv_bytes(rows, encoding="cp1252"), staff_a)
    assert report.totals == {"new": 1, "update": 1, "unchanged": 0, "error": 0}  # Zoé has no e-mail: a new row
    assert report.rows[0]["details"] == [heading("members", "volunteer")]
    helene.refresh_from_db()
    assert helene.volunteer == "yes"


def test_shops_from_libreoffice_with_opening_hours(org_a, staff_a):
    source = tablib.Dataset(headers=h("shops", "name", "postcode", "city", "opening_hours", "active"))
    source.append(
        ["Ressourcerie de l'Ain", 1000, "Bourg-en-Bresse", "lu-ve 09:00-12:00,14:00-18:00; sa 10:00-17:00", ""]
    )
    report = run("shops", source.export("ods"), staff_a)
    assert report.errors == []
    shop = Shop.objects.get(name="Ressourcerie de l'Ain")
    assert (shop.organisation, shop.postcode, shop.active, shop.slug) == (org_a, "01000", True, "ressourcerie-de-lain")
    periods = [(p.weekday, p.opens, p.closes) for p in shop.opening_hours.all()]
    assert len(periods) == 11 and (5, time(10), time(17)) in periods


def test_depots_from_a_tab_separated_file_with_osm_slots_and_an_access_code(org_a, staff_a):
    shop = factories.ShopFactory(organisation=org_a)
    rows = [
        h("depots", "name", "shop", "postcode", "city", "restricted", "access_code", "pickup_slots", "delivery_fee"),
        ["Local associatif", shop.slug, "93100", "Montreuil", "oui", "4321", "Mo,We 17:00-19:00", "2,50"],
    ]
    report = run("depots", csv_bytes(rows, delimiter="\t"), staff_a)
    assert report.errors == []
    depot = Depot.objects.get(name="Local associatif")
    assert depot.shop == shop and depot.restricted and check_password("4321", depot.access_code_hash)
    assert depot.delivery_fee == Decimal("2.50")
    assert [(s.weekday, s.starts) for s in depot.pickup_slots.all()] == [(0, time(17)), (2, time(17))]

    rows[1][5] = ""  # the code is never exported: an empty cell keeps it
    assert run("depots", csv_bytes(rows, delimiter="\t"), staff_a).totals["unchanged"] == 1
    depot.refresh_from_db()
    assert check_password("4321", depot.access_code_hash)


def test_a_category_tree_built_in_one_file(org_a, staff_a):
    rows = [
        h("product-categories", "parent", "name"),
        ["", "Luminaires"],
        ["Luminaires", "Lampes de chevet"],
        ["Mobilier", "Fauteuils"],
    ]
    report = run("product-categories", csv_bytes(rows, delimiter=","), staff_a)
    assert report.errors == [] and report.totals["new"] == 3
    lamps = ProductCategory.objects.get(name="Lampes de chevet")
    assert lamps.parent.name == "Luminaires" and lamps.organisation == org_a
    assert lamps.path == f"{lamps.parent.pk}/{lamps.pk}/"
    assert ProductCategory.objects.get(name="Fauteuils").parent.organisation is None  # under the shared tree


def test_english_headings_field_names_and_unknown_columns(org_a, staff_a):
    rows = [["Name", "customer_category_ignored", "is_professional", "Remarques"], ["Pros", "x", "yes", "?"]]
    report = run("customer-categories", rows, staff_a)
    assert report.errors == [] and report.totals["new"] == 1
    assert report.ignored_columns == ["customer_category_ignored", "Remarques"]
    assert org_a.customer_categories.get(name="Pros").is_professional


def test_headings_follow_the_language_of_the_export(org_a, staff_a):
    with translation.override("en"):
        rows = [h("customer-categories", "name", "is_professional"), ["Pros", "yes"]]
    assert rows[0] == ["Name", "Professional"]
    assert run("customer-categories", rows, staff_a).totals["new"] == 1
    with translation.override("fr"):
        assert heading("customer-categories", "name") == "Nom"
    assert run("customer-categories", [["Nom", "is_professional"], ["Pros", "non"]], staff_a).totals["update"] == 1


@pytest.mark.parametrize("dry_run", [True, False])
def test_a_dry_run_writes_nothing(org_a, staff_a, dry_run):
    report = run("customer-categories", [["Name"], ["Pros"]], staff_a, dry_run=dry_run)
    assert report.totals["new"] == 1
    assert org_a.customer_categories.filter(name="Pros").exists() is not dry_run


def test_headings_typed_by_hand_in_french(org_a, staff_a):
    rows = [["Nom *", "Prénom", "Courriel", "Code postal", "Ville :", "Bénévole"]]
    rows.append(["Moreau", "Inès", "ines@example.org", "1000", "Bourg", "Peut-être"])
    report = run("members", rows, staff_a)
    assert report.errors == [] and report.ignored_columns == []
    ines = Member.objects.get(last_name="Moreau")
    assert (ines.first_name, ines.postcode, ines.city, ines.volunteer) == ("Inès", "01000", "Bourg", "maybe")

    rows = [
        ["Désignation", "Catégorie", "Poids", "Code-barres"],
        ["Riz", "Alimentation > Épicerie", "1,5", "3017620422003"],
    ]
    assert run("products", rows, staff_a).errors == []
    rows = [["Produit", "Prix TTC", "TVA", "Stock"], ["Riz", "2,40", "5,5", "12"]]
    assert run("offers", rows, staff_a).errors == []
    offer = Offer.objects.get(product__name="Riz")
    assert (offer.price_incl_tax, offer.vat_rate, offer.stock_on_hand) == (Decimal("2.40"), Decimal("5.5"), 12)
