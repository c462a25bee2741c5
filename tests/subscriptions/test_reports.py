"""Delivery sheets, the farm's totals, the funders' report and monthly statements: the selectors on deliveries
changed through the services, their files, and the admin pages through the real stack, garden by garden."""

import csv
import datetime as dt
import io
import re
import zlib
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.translation import gettext
from openpyxl import load_workbook

from shops.choices import OrganisationKind
from subscriptions import services
from subscriptions.models import Funder
from subscriptions.reports import (
    delivery_sheet,
    farm_totals,
    funder_report,
    member_statement,
    organisation_statements,
)
from subscriptions.sheets import farm_totals_xlsx, funder_report_xlsx, sheet_pdf, sheet_xlsx
from tests.factories import MemberFactory, OrganisationFactory, ProductFactory, make_staff

from .conftest import depot_with_days, make_plan, tuesday

pytestmark = pytest.mark.django_db

DAY = tuesday(2)  # 16 March 2027
NEXT = tuesday(3)
MARCH = (dt.date(2027, 3, 1), dt.date(2027, 3, 31))  # five Tuesdays: 2, 9, 16, 23 and 30


def person(garden, last_name, first_name, phone=""):
    return MemberFactory(organisation=garden, last_name=last_name, first_name=first_name, phone=phone)


def on(subscription, day):
    return subscription.deliveries.get(date=day)


def pdf_text(content: bytes) -> bytes:
    """The PDF's page contents, inflated: fpdf2 compresses them."""
    streams = re.findall(rb"stream\r?\n(.*?)\r?\nendstream", content, re.S)
    inflated = []
    for stream in streams:
        try:
            inflated.append(zlib.decompress(stream))
        except zlib.error:
            inflated.append(stream)
    return b"\n".join(inflated)


@pytest.fixture
def basket(plan, garden):
    """The weekly basket, doubled as a family basket."""
    plan.doubling_product = ProductFactory(organisation=garden, name="Panier familial")
    return services.plan_save(plan=plan)


@pytest.fixture
def eggs(garden):
    """Eggs have no doubling product: a doubled delivery brings twice the eggs."""
    return make_plan(garden, name="Œufs", price=Decimal("4.00"))


@pytest.fixture
def foyer(garden):
    return depot_with_days(garden, name="Foyer des jeunes", restricted=True, public_note="Sonner à l’accueil.")


@pytest.fixture
def week(garden, garden_staff, subscribe, basket, eggs, depot, other_depot, foyer):
    """The deliveries of 16 March 2027, changed every way a sheet shows."""
    members = {}

    def add(last_name, first_name, plan, **kwargs):
        member = members.get(last_name) or person(garden, last_name, first_name, "0601020304")
        members[last_name] = member
        return subscribe(member, plan, **kwargs)

    subscriptions = {
        "camille": add("Dupré", "Camille", basket),
        "camille_eggs": add("Dupré", "Camille", eggs, quantity=2),
        "bruno": add("Lefèvre", "Bruno", basket, quantity=2),
        "claire": add("Arnaud", "Claire", basket),
        "denis": add("Bernard", "Denis", basket),
        "emma": add("Petit", "Emma", basket, depot=other_depot),
        "felix": add("Roux", "Félix", basket, depot=foyer),
    }
    services.delivery_double(delivery=on(subscriptions["camille"], DAY), actor=garden_staff)
    services.delivery_double(delivery=on(subscriptions["camille_eggs"], DAY), actor=garden_staff)
    services.delivery_cancel(delivery=on(subscriptions["claire"], DAY), actor=garden_staff)
    services.delivery_postpone(delivery=on(subscriptions["denis"], DAY), to_date=NEXT, actor=garden_staff)
    services.closure_declare(
        depot=other_depot, starts_on=DAY, ends_on=DAY, replacement=depot, reason="Travaux", actor=garden_staff
    )
    return subscriptions


def lines_by_name(depot_sheet):
    return {(line.last_name, line.product): line for line in depot_sheet.lines}


# Delivery sheets


def test_sheet_lists_planned_deliveries_per_depot_with_their_notes(week, garden, depot, foyer):
    sheet = delivery_sheet(organisation_id=garden.pk, date=DAY)

    assert sheet.organisation == "Jardin de Cocagne"
    assert [d.name for d in sheet.depots] == ["Biocoop Centre", "Foyer des jeunes"]  # Mairie is closed that day
    centre, young = sheet.depots
    lines = lines_by_name(centre)
    assert set(lines) == {
        ("Dupré", "Panier familial"),
        ("Dupré", "Œufs"),
        ("Lefèvre", "Panier simple"),
        ("Petit", "Panier simple"),
    }  # Arnaud cancelled, Bernard postponed
    family = lines[("Dupré", "Panier familial")]
    assert (family.quantity, family.doubled, family.first_name, family.phone) == (1, True, "Camille", "06 01 02 03 04")
    doubled_eggs = lines[("Dupré", "Œufs")]
    assert (doubled_eggs.quantity, doubled_eggs.doubled) == (4, True)  # 2 × 2: no doubling product for eggs
    assert (lines[("Lefèvre", "Panier simple")].quantity, lines[("Lefèvre", "Panier simple")].doubled) == (2, False)
    assert lines[("Petit", "Panier simple")].notes == (
        gettext("Moved from %(depot)s by a closure") % {"depot": "Mairie"},
    )
    assert lines[("Lefèvre", "Panier simple")].notes == ()
    assert [line.last_name for line in centre.lines][-1] == "Petit"  # by name
    assert centre.totals == {"Panier familial": 1, "Panier simple": 3, "Œufs": 4}
    assert centre.hours == "17:00–19:00" and centre.address.endswith(depot.city)

    assert young.restricted and young.public_note == "Sonner à l’accueil."
    assert [(line.last_name, line.notes) for line in young.lines] == [("Roux", (gettext("Restricted depot"),))]

    only = delivery_sheet(organisation_id=garden.pk, date=DAY, depot_ids=[foyer.pk])
    assert [d.name for d in only.depots] == ["Foyer des jeunes"]


def test_the_postponed_basket_is_doubled_the_week_it_goes_to(week, garden):
    sheet = delivery_sheet(organisation_id=garden.pk, date=NEXT)
    lines = {(line.last_name, line.product): line for depot in sheet.depots for line in depot.lines}
    assert lines[("Bernard", "Panier familial")].doubled
    assert ("Arnaud", "Panier simple") in lines and ("Petit", "Panier simple") in lines
    assert not lines[("Petit", "Panier simple")].notes  # the closure was for the 16th only


def test_another_gardens_sheet_holds_none_of_these_deliveries(week):
    other = OrganisationFactory(kind=OrganisationKind.CSA_GARDEN, name="Jardin voisin")
    assert delivery_sheet(organisation_id=other.pk, date=DAY).depots == []


def test_sheet_pdf_prints_every_depot_and_member(week, garden):
    content = sheet_pdf(delivery_sheet(organisation_id=garden.pk, date=DAY))

    assert content.startswith(b"%PDF")
    text = pdf_text(content)
    for expected in ("DUPRÉ Camille", "LEFÈVRE Bruno", "Foyer des jeunes", "Sonner à l’accueil.", "Œufs"):
        assert expected.encode("cp1252") in text, expected
    assert content.count(b"/Type /Page\n") == 2  # one page per depot


def test_sheet_xlsx_has_one_worksheet_per_depot(week, garden):
    workbook = load_workbook(io.BytesIO(sheet_xlsx(delivery_sheet(organisation_id=garden.pk, date=DAY))))

    assert workbook.sheetnames == ["Biocoop Centre", "Foyer des jeunes"]
    rows = [row for row in workbook["Biocoop Centre"].iter_rows(values_only=True)]
    assert ("Dupré", "Camille", "Panier familial", 1) in {(r[1], r[2], r[4], r[5]) for r in rows if len(r) > 5}
    assert ("Lefèvre", "Bruno", "Panier simple", 2) in {(r[1], r[2], r[4], r[5]) for r in rows if len(r) > 5}


def test_an_empty_date_still_gives_printable_files(garden):
    sheet = delivery_sheet(organisation_id=garden.pk, date=DAY)
    assert sheet.depots == []
    assert sheet_pdf(sheet).startswith(b"%PDF")
    assert load_workbook(io.BytesIO(sheet_xlsx(sheet))).sheetnames


# The farm's totals


def test_farm_totals_per_date_and_depot(week, garden):
    totals = farm_totals(organisation_id=garden.pk, date_from=DAY, date_to=NEXT)

    assert totals.products == ["Panier familial", "Panier simple", "Œufs"]
    first, second = totals.days
    assert first.date == DAY and second.date == NEXT
    assert dict(first.depots) == {
        "Biocoop Centre": {"Panier familial": 1, "Panier simple": 3, "Œufs": 4},
        "Foyer des jeunes": {"Panier simple": 1},
    }
    assert first.totals == {"Panier familial": 1, "Panier simple": 4, "Œufs": 4}
    assert dict(second.depots)["Biocoop Centre"] == {"Panier familial": 1, "Panier simple": 4, "Œufs": 2}
    assert dict(second.depots)["Mairie"] == {"Panier simple": 1}
    assert second.totals == {"Panier familial": 1, "Panier simple": 6, "Œufs": 2}

    workbook = load_workbook(io.BytesIO(farm_totals_xlsx(totals)))
    rows = list(workbook.active.iter_rows(values_only=True))
    assert rows[0][2:] == ("Panier familial", "Panier simple", "Œufs")
    assert (gettext("All depots"), 1, 4, 4) in {row[1:] for row in rows}


# Solidarity baskets


@pytest.fixture
def msa(garden):
    return services.funder_save(funder=Funder(organisation=garden, name="MSA"))


@pytest.fixture
def funded(garden, garden_staff, subscribe, basket, eggs, msa):
    network = services.funder_save(funder=Funder(organisation=garden, name="Réseau Cocagne"))
    bruno = subscribe(
        person(garden, "Lefèvre", "Bruno"), basket, quantity=2, discount_percent=Decimal("50"), funder=msa
    )
    felix = person(garden, "Roux", "Félix")
    felix_basket = subscribe(felix, basket, discount_percent=Decimal("30"), funder=network)
    felix_eggs = subscribe(felix, eggs, discount_percent=Decimal("25"), funder=network)
    subscribe(person(garden, "Arnaud", "Claire"), basket)  # no discount
    services.delivery_cancel(delivery=on(bruno, tuesday(1)), actor=garden_staff)
    services.delivery_double(delivery=on(felix_basket, DAY), actor=garden_staff)
    services.delivery_postpone(delivery=on(felix_eggs, DAY), to_date=tuesday(5), actor=garden_staff)
    return msa, network


def test_funder_report_totals_each_funders_discounts_over_a_period(funded, garden):
    msa, network = funded
    report = funder_report(organisation_id=garden.pk, date_from=MARCH[0], date_to=MARCH[1])

    assert [line.funder for line in report.lines] == ["MSA", "Réseau Cocagne"]
    by_funder = {line.funder: line for line in report.lines}
    # Bruno: 2 baskets on 4 of the 5 Tuesdays (one cancelled), 50 % of 12.00 € = 6.00 € each.
    assert (by_funder["MSA"].baskets, by_funder["MSA"].discount) == (8, Decimal("48.00"))
    # Félix: 6 baskets (the 16th doubled) at 3.60 €, and 4 boxes of eggs (the 16th postponed to April) at 1.00 €.
    assert (by_funder["Réseau Cocagne"].baskets, by_funder["Réseau Cocagne"].discount) == (10, Decimal("25.60"))
    assert report.total_baskets == 18 and report.total_discount == Decimal("73.60")
    detail = {(f.member, f.product): f for f in by_funder["Réseau Cocagne"].subscriptions}
    assert detail[("Roux Félix", "Panier simple")].discount_per_basket == Decimal("3.60")

    april = funder_report(organisation_id=garden.pk, date_from=dt.date(2027, 4, 1), date_to=dt.date(2027, 4, 30))
    # Félix: 4 baskets, and 4 + 1 boxes of eggs (the one moved from March).
    assert {line.funder: line.baskets for line in april.lines} == {"MSA": 8, "Réseau Cocagne": 9}

    workbook = load_workbook(io.BytesIO(funder_report_xlsx(report)))
    summary = list(workbook.worksheets[0].iter_rows(values_only=True))
    assert ("MSA", 8, 48) in summary and ("Réseau Cocagne", 10, 25.6) in summary
    assert len(list(workbook.worksheets[1].iter_rows())) == 1 + 3


# Monthly statements


@pytest.fixture
def camille(garden, garden_staff, subscribe, basket, eggs, msa):
    """Camille's basket (25 % funded) and two boxes of eggs, in March 2027."""
    member = person(garden, "Dupré", "Camille")
    weekly = subscribe(member, basket, discount_percent=Decimal("25"), funder=msa)
    boxes = subscribe(member, eggs, quantity=2)
    services.delivery_double(delivery=on(weekly, DAY), actor=garden_staff)
    services.delivery_cancel(delivery=on(weekly, tuesday(3)), actor=garden_staff)
    services.delivery_postpone(delivery=on(boxes, tuesday(4)), to_date=tuesday(5), actor=garden_staff)
    return member


def test_member_statement_bills_planned_deliveries_of_the_month(camille):
    statement = member_statement(members=[camille], year=2027, month=3)

    baskets = [line for line in statement.lines if line.product == "Panier simple"]
    assert [line.date.day for line in baskets] == [2, 9, 16, 30]  # the 23rd was cancelled
    doubled = baskets[2]
    assert (doubled.baskets, doubled.doubled, doubled.amount, doubled.fee) == (
        2,
        True,
        Decimal("24.00"),
        Decimal("1.50"),
    )
    assert (doubled.discount, doubled.funder, doubled.unit_price) == (Decimal("6.00"), "MSA", Decimal("12.00"))
    eggs = [line for line in statement.lines if line.product == "Œufs"]
    assert [line.date.day for line in eggs] == [2, 9, 16, 23]  # the 30th went to April
    assert (eggs[0].quantity, eggs[0].amount, eggs[0].discount, eggs[0].funder) == (2, Decimal("8.00"), 0, "")
    assert statement.member == camille
    assert statement.total_baskets == 5 + 8
    assert statement.total_fees == Decimal("12.00")  # 8 deliveries × 1.50 €, a doubled one once
    assert statement.total_discounts == Decimal("15.00")  # 5 baskets × 3.00 €
    assert statement.total_due == Decimal("60.00") + Decimal("32.00") + Decimal("12.00") - Decimal("15.00")
    assert all(line.date.month == 3 for line in statement.lines)
    assert statement.lines == sorted(statement.lines, key=lambda line: line.date)


def test_organisation_statements_give_one_statement_per_member(camille, garden, subscribe, basket):
    other = person(garden, "Arnaud", "Claire")
    subscribe(other, basket)

    statements = organisation_statements(organisation_id=garden.pk, year=2027, month=3)

    assert [s.member for s in statements] == [other, camille]
    assert statements[0].total_due == Decimal("5") * (Decimal("12.00") + Decimal("1.50"))
    assert statements[1].total_due == member_statement(members=[camille], year=2027, month=3).total_due
    assert organisation_statements(organisation_id=garden.pk, year=2028, month=3) == []


# Few queries, whatever the number of deliveries


def subscribe_many(garden, subscribe, basket, depots, count):
    for number in range(count):
        subscribe(person(garden, f"Nom{number:03d}", "Prénom"), basket, depot=depots[number % len(depots)])


@pytest.mark.parametrize("count", [2, 12])
def test_reports_take_the_same_queries_whatever_the_deliveries(
    count, garden, subscribe, basket, depot, other_depot, foyer, django_assert_max_num_queries
):
    subscribe_many(garden, subscribe, basket, [depot, other_depot, foyer], count)
    members = list(garden.members.all())
    with django_assert_max_num_queries(4):
        sheet = delivery_sheet(organisation_id=garden.pk, date=DAY)
    assert sheet.line_count == count
    with django_assert_max_num_queries(2):
        farm_totals(organisation_id=garden.pk, date_from=MARCH[0], date_to=MARCH[1])
    with django_assert_max_num_queries(2):
        funder_report(organisation_id=garden.pk, date_from=MARCH[0], date_to=MARCH[1])
    with django_assert_max_num_queries(1):
        member_statement(members=members[:1], year=2027, month=3)
    with django_assert_max_num_queries(2):
        assert len(organisation_statements(organisation_id=garden.pk, year=2027, month=3)) == count


# The admin pages


PAGES = ["/admin/csa/sheets/", "/admin/csa/to-prepare/", "/admin/csa/solidarity/", "/admin/csa/statements/"]


def client_for(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def neighbour_garden(db):
    garden = OrganisationFactory(kind=OrganisationKind.CSA_GARDEN, name="Autre jardin")
    return garden, make_staff(garden)


@pytest.mark.parametrize("url", PAGES)
def test_pages_ask_anonymous_visitors_to_sign_in(url, week):
    response = client_for(None).get(url)
    assert response.status_code == 302 and "login" in response["Location"]


def test_garden_staff_see_the_sheet_and_download_it(week, garden_staff):
    client = client_for(garden_staff)

    page = client.get("/admin/csa/sheets/")  # the next delivery date by default: 2 March 2027
    assert page.status_code == 200
    assert page.context["report"].date == tuesday(0)

    page = client.get("/admin/csa/sheets/", {"date": DAY.isoformat()})
    html = page.content.decode()
    assert "LEFÈVRE Bruno" in html and "Foyer des jeunes" in html and "ARNAUD" not in html
    assert "download=pdf" in html and "download=xlsx" in html

    pdf = client.get("/admin/csa/sheets/", {"date": DAY.isoformat(), "download": "pdf"})
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF") and b"LEF\xc8VRE Bruno" in pdf_text(pdf.content)
    xlsx = client.get("/admin/csa/sheets/", {"date": DAY.isoformat(), "download": "xlsx"})
    assert load_workbook(io.BytesIO(xlsx.content)).sheetnames == ["Biocoop Centre", "Foyer des jeunes"]


def test_the_sheet_of_one_depot(week, garden_staff, foyer):
    page = client_for(garden_staff).get("/admin/csa/sheets/", {"date": DAY.isoformat(), "depot": foyer.pk})
    assert [depot.name for depot in page.context["report"].depots] == ["Foyer des jeunes"]


def test_a_malformed_date_shows_the_form_error(week, garden_staff):
    page = client_for(garden_staff).get("/admin/csa/sheets/", {"date": "31/02/2027x"})
    assert page.status_code == 200 and page.context["report"] is None and page.context["form"].errors["date"]
    assert client_for(garden_staff).get("/admin/csa/sheets/", {"date": "bad", "download": "pdf"}).status_code == 404


def test_garden_staff_see_farm_totals_funders_and_statements(funded, camille, garden_staff):
    client = client_for(garden_staff)

    farm = client.get("/admin/csa/to-prepare/", {"date_from": DAY.isoformat(), "date_to": NEXT.isoformat()})
    assert farm.status_code == 200 and "Panier familial" in farm.content.decode()
    farm_file = client.get(
        "/admin/csa/to-prepare/", {"date_from": DAY.isoformat(), "date_to": NEXT.isoformat(), "download": "xlsx"}
    )
    assert load_workbook(io.BytesIO(farm_file.content)).active.max_row > 1

    period = {"date_from": MARCH[0].isoformat(), "date_to": MARCH[1].isoformat()}
    funders = client.get("/admin/csa/solidarity/", period)
    assert funders.status_code == 200 and "Réseau Cocagne" in funders.content.decode()
    exported = client.get("/admin/csa/solidarity/", {**period, "download": "csv"})
    rows = list(csv.reader(io.StringIO(exported.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][0] == gettext("Funder") and {row[0] for row in rows[1:]} == {"MSA", "Réseau Cocagne"}

    statements = client.get("/admin/csa/statements/", {"month": "2027-03"})
    assert statements.status_code == 200
    listed = {statement.member for statement, _url in statements.context["statements"]}
    assert camille in listed
    detail = client.get(f"/admin/csa/statements/{camille.pk}/", {"month": "2027-03"})
    assert detail.status_code == 200 and detail.context["report"].total_due == Decimal("89.00")


def test_pages_default_to_the_current_month_and_next_delivery(week, garden_staff):
    client = client_for(garden_staff)
    funders = client.get("/admin/csa/solidarity/")
    assert (funders.context["report"].date_from, funders.context["report"].date_to) == (
        dt.date(2027, 2, 1),
        dt.date(2027, 2, 28),
    )
    assert client.get("/admin/csa/statements/").context["form"].cleaned_data["month"] == dt.date(2027, 2, 1)
    assert client.get("/admin/csa/to-prepare/").context["report"].date_from == tuesday(0)


def test_another_gardens_staff_see_nothing_of_this_garden(week, camille, garden, neighbour_garden):
    _other, staff = neighbour_garden
    client = client_for(staff)

    page = client.get("/admin/csa/sheets/", {"date": DAY.isoformat()})
    assert page.status_code == 200 and page.context["report"].depots == []
    assert "LEFÈVRE" not in page.content.decode()
    for url in PAGES:
        assert client.get(url, {"organisation": garden.pk}).status_code == 404
    assert client.get(f"/admin/csa/statements/{camille.pk}/").status_code == 404
    assert client.get("/admin/csa/sheets/", {"organisation": "x"}).status_code == 404


def test_staff_of_an_organisation_without_deliveries_are_refused(week, staff_b):
    """Wagtail answers PermissionDenied by sending the user back to the dashboard."""
    for url in PAGES:
        response = client_for(staff_b).get(url)
        assert response.status_code == 302 and response["Location"] == reverse("wagtailadmin_home")


def test_platform_admins_choose_the_garden(week, garden, admin_user, neighbour_garden):
    client = client_for(admin_user)
    page = client.get("/admin/csa/sheets/", {"organisation": garden.pk, "date": DAY.isoformat()})
    assert page.status_code == 200 and page.context["report"].line_count == 5
    assert "organisation" in page.context["form"].fields


def test_the_deliveries_menu_shows_to_garden_staff_only(garden_staff, staff_b):
    assert "/admin/csa/sheets/" in client_for(garden_staff).get("/admin/").content.decode()
    assert "/admin/csa/sheets/" not in client_for(staff_b).get("/admin/").content.decode()
