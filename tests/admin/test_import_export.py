"""Every admin table exports its current listing in the import's own layout and offers an import button."""

import csv
import io

import pytest
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from shops.models import Member, VolunteerDomain
from tests import factories

TABLES = ["shop", "depot", "customercategory", "member", "producer", "productcategory", "product", "offer"]


@pytest.fixture(autouse=True)
def french():
    with translation.override("fr"):
        yield


@pytest.mark.django_db
@pytest.mark.parametrize("table", TABLES)
def test_every_table_has_import_and_export(client, staff_a, table):
    client.force_login(staff_a)
    content = client.get(reverse(f"{table}:index")).content.decode()
    assert "/admin/imports/" in content
    for file_format in ("xlsx", "csv"):
        response = client.get(reverse(f"{table}:index"), {"export": file_format})
        assert response.status_code == 200
        assert response["Content-Disposition"].endswith(f'.{file_format}"')


@pytest.mark.django_db
def test_call_for_volunteers_export_follows_the_filters(client, staff_a, org_a, org_b):
    gardening = VolunteerDomain.objects.get(code="gardening")
    schools = factories.CustomerCategoryFactory(organisation=org_a, name="Cantine scolaire")
    factories.MemberFactory(
        organisation=org_a, last_name="Jardinière", volunteer="yes", volunteer_domains=[gardening], categories=[schools]
    )
    factories.MemberFactory(organisation=org_a, last_name="Bricoleur", volunteer="maybe")
    factories.MemberFactory(organisation=org_a, last_name="Absente", volunteer="no")
    factories.MemberFactory(organisation=org_b, last_name="Voisine", volunteer="yes", volunteer_domains=[gardening])
    client.force_login(staff_a)

    response = client.get(reverse("member:index"), {"volunteer_domains": gardening.pk, "export": "csv"})
    text = response.content.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text), delimiter=csv.Sniffer().sniff(text.splitlines()[0]).delimiter))
    assert [row["Nom"] for row in rows] == ["Jardinière"]
    assert rows[0]["Catégories"] == "Cantine scolaire"

    response = client.get(reverse("member:index"), {"volunteer": "maybe", "export": "xlsx"})
    headings, *rows = load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True)
    assert [row[headings.index("Nom")] for row in rows] == ["Bricoleur"]
    assert Member.objects.count() == 4
