"""Impact of the units sold: selectors (Paris months, empty months, constant queries), the SVG chart's geometry,
the platform / organisation / shop pages and the panel."""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from offers.impact import impact_series, impact_summary
from offers.impact_chart import bar_chart, nice_step
from offers.models import Offer
from tests import factories

PARIS = ZoneInfo("Europe/Paris")
UTC = ZoneInfo("UTC")
NOW = datetime(2026, 11, 15, 12, 0, tzinfo=PARIS)


def paris(*args):
    return datetime(*args, tzinfo=PARIS)


@pytest.fixture
def chairs(db):
    return factories.ProductCategoryFactory(co2e_per_item_kg=Decimal("10.3"), waste_per_item_kg=Decimal("2.5"))


def sold_offer(organisation, category, when, *, quantity=1, shop=None, condition="good"):
    """An offer sold at ``when`` (written directly: the dates of these tests may be in the clock's future)."""
    product = factories.ProductFactory(organisation=organisation, category=category, condition=condition)
    extra = {"shop": shop} if shop else {}
    offer = factories.OfferFactory(organisation=organisation, product=product, **extra)
    Offer.objects.filter(pk=offer.pk).update(sold_at=when, sold_quantity=quantity)
    return offer


# --- selectors ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_summary_counts_the_sold_second_hand_units(org_a, org_b, chairs):
    sold_offer(org_a, chairs, paris(2026, 5, 3, 10), quantity=3)
    sold_offer(org_b, chairs, paris(2026, 6, 3, 10))
    sold_offer(org_a, chairs, paris(2026, 6, 3, 10), condition="new")  # new goods avoid nothing
    factories.OfferFactory(organisation=org_a, product=factories.ProductFactory(organisation=org_a, category=chairs))
    platform = impact_summary()
    assert (platform.items, platform.co2e_kg, platform.waste_kg) == (4, Decimal("41.2"), Decimal("10.0"))
    organisation = impact_summary(organisation_id=org_a.pk)
    assert (organisation.items, organisation.co2e_kg) == (3, Decimal("30.9"))


@pytest.mark.django_db
def test_summary_per_shop(org_a, chairs):
    shop, other = factories.ShopFactory(organisation=org_a), factories.ShopFactory(organisation=org_a)
    sold_offer(org_a, chairs, paris(2026, 5, 3, 10), shop=shop, quantity=2)
    sold_offer(org_a, chairs, paris(2026, 5, 3, 10), shop=other)
    assert impact_summary(shop_id=shop.pk).items == 2
    assert impact_summary(shop_id=other.pk).waste_kg == Decimal("2.5")


@pytest.mark.django_db
def test_series_uses_paris_months_across_daylight_saving_changes(org_a, chairs):
    # 00:30 in Paris on the first of the month is still the previous month in UTC, in summer and in winter time.
    sold_offer(org_a, chairs, paris(2026, 4, 1, 0, 30))  # summer time (changed on 29 March): 31 March 22:30 UTC
    sold_offer(org_a, chairs, paris(2026, 11, 1, 0, 30))  # winter time (changed on 25 October): 31 Oct. 23:30 UTC
    sold_offer(org_a, chairs, paris(2026, 3, 31, 23, 30))  # 21:30 UTC, after the change
    sold_offer(org_a, chairs, paris(2026, 10, 31, 23, 59), quantity=2)
    series = impact_series(months=12, now=NOW)
    by_month = {point.month: point.items for point in series}
    assert by_month[date(2026, 3, 1)] == 1
    assert by_month[date(2026, 4, 1)] == 1
    assert by_month[date(2026, 10, 1)] == 2
    assert by_month[date(2026, 11, 1)] == 1


@pytest.mark.django_db
def test_series_includes_empty_months_and_nothing_outside_the_window(org_a, chairs):
    sold_offer(org_a, chairs, paris(2026, 9, 10, 15), quantity=2)
    sold_offer(org_a, chairs, paris(2025, 11, 30, 23, 59))  # the month before a 12-month window
    sold_offer(org_a, chairs, paris(2026, 12, 1, 0, 0))  # after the current month
    series = impact_series(months=12, now=NOW)
    assert [point.month for point in series] == [date(2025 + (11 + i) // 12, (11 + i) % 12 + 1, 1) for i in range(12)]
    assert series[0].month == date(2025, 12, 1) and series[-1].month == date(2026, 11, 1)
    september = series[9]
    assert (september.items, september.co2e_kg, september.waste_kg) == (2, Decimal("20.6"), Decimal("5.0"))
    assert sum(point.items for point in series) == 2
    assert all(point.co2e_kg == 0 and point.waste_kg == 0 for point in series if point.month != date(2026, 9, 1))
    assert len(impact_series(months=6, now=NOW)) == 6
    assert impact_series(months=24, now=NOW)[0].month == date(2024, 12, 1)


@pytest.mark.django_db
@pytest.mark.parametrize("count", [3, 30])
def test_selectors_cost_two_queries_whatever_the_number_of_offers(org_a, count):
    parent = factories.ProductCategoryFactory(co2e_per_item_kg=Decimal("4"), waste_per_item_kg=Decimal("1"))
    for index in range(count):
        category = factories.ProductCategoryFactory(parent=parent)  # inherits its parent's factors
        sold_offer(org_a, category, paris(2026, 1 + index % 10, 5, 12))
    with CaptureQueriesContext(connection) as summary_queries:
        totals = impact_summary(organisation_id=org_a.pk)
    with CaptureQueriesContext(connection) as series_queries:
        series = impact_series(organisation_id=org_a.pk, now=NOW)
    assert len(summary_queries) == 2 and len(series_queries) == 2
    assert totals.items == count and totals.co2e_kg == Decimal(4 * count)
    assert sum(point.items for point in series) == count


@pytest.mark.django_db
def test_nothing_sold_costs_one_query():
    with CaptureQueriesContext(connection) as queries:
        totals = impact_summary()
    assert len(queries) == 1 and (totals.items, totals.co2e_kg) == (0, Decimal("0.0"))


# --- the chart's geometry -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("maximum", "step"),
    [("0", "1"), ("3", "1"), ("7", "2"), ("10", "2.5"), ("730", "200"), ("0.3", "0.1"), ("12500", "5000")],
)
def test_nice_step(maximum, step):
    assert nice_step(Decimal(maximum)) == Decimal(step)


def test_bar_chart_geometry():
    points = [
        (date(2026, 1, 1), Decimal("5"), Decimal("20")),
        (date(2026, 2, 1), Decimal("0"), Decimal("0")),
        (date(2026, 3, 1), Decimal("2.5"), Decimal("10")),
    ]
    chart = bar_chart(points, width=600, height=300, margin_left=50, margin_bottom=40, margin_top=20, margin_right=10)
    assert (chart.left, chart.right, chart.top, chart.bottom) == (50, 590, 20, 260)
    assert [tick.value for tick in chart.ticks] == [0, 5, 10, 15, 20]
    assert chart.ticks[0].y == chart.bottom and chart.ticks[-1].y == chart.top
    assert [bar.series for bar in chart.bars] == ["waste", "co2e"] * 3
    tallest = chart.bars[1]
    assert (tallest.y, tallest.height) == (20, 240)
    assert chart.bars[0].height == 60 and chart.bars[4].height == 30  # 5 kg and 2.5 kg out of 20
    assert chart.bars[2].height == 0 and chart.bars[3].height == 0
    slot = (590 - 50) / 3
    assert chart.labels[1].x == round(50 + slot * 1.5, 2)
    assert chart.bars[2].x + chart.bars[2].width == chart.labels[1].x == chart.bars[3].x  # the pair is centred
    assert all(label.shown for label in chart.labels)


def test_bar_chart_with_nothing_sold_and_long_series():
    months = [(date(2025 + (i // 12), i % 12 + 1, 1), Decimal(0), Decimal(0)) for i in range(24)]
    chart = bar_chart(months)
    assert [tick.value for tick in chart.ticks] == [0, 1]
    assert all(bar.height == 0 for bar in chart.bars)
    shown = [label for label in chart.labels if label.shown]
    assert len(shown) == 12 and chart.labels[-1].shown  # every other month, ending with the current one


# --- pages --------------------------------------------------------------------------------------


@pytest.fixture
def sales(org_a, chairs):
    shop = factories.ShopFactory(organisation=org_a, slug="la-boutique")
    sold_offer(org_a, chairs, paris(2026, 1, 10, 10), shop=shop, quantity=3)
    sold_offer(org_a, chairs, paris(2025, 12, 10, 10), shop=shop)
    return shop


@pytest.mark.django_db
def test_platform_page(client, sales, org_a, org_b):
    response = client.get("/impact/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<svg class="impact-svg"' in html and 'role="img"' in html and "aria-label=" in html
    assert "<title" in html and "<desc" in html
    assert html.count('<tr><th scope="row">') == 12
    assert "41,2" in html  # 4 chairs, French number format
    assert reverse("impact_organisation", args=[org_a.slug]) in html
    assert reverse("impact_organisation", args=[org_b.slug]) in html
    assert "ADEME" in html


@pytest.mark.django_db
def test_organisation_and_shop_pages(client, sales, org_a, org_b):
    organisation = client.get(reverse("impact_organisation", args=[org_a.slug]))
    assert organisation.status_code == 200
    assert reverse("impact_shop", args=["la-boutique"]) in organisation.content.decode()
    shop = client.get(reverse("impact_shop", args=["la-boutique"]))
    html = shop.content.decode()
    assert shop.status_code == 200 and "41,2" in html
    assert reverse("impact_organisation", args=[org_a.slug]) in html and reverse("impact") in html
    empty = client.get(reverse("impact_organisation", args=[org_b.slug])).content.decode()
    assert "41,2" not in empty


@pytest.mark.django_db
def test_unknown_or_inactive_levels_are_not_found(client, sales, org_a, org_b):
    assert client.get("/impact/organisations/inconnue/").status_code == 404
    assert client.get("/impact/boutiques/inconnue/").status_code == 404
    org_b.active = False
    org_b.save()
    assert client.get(reverse("impact_organisation", args=[org_b.slug])).status_code == 404
    sales.active = False
    sales.save()
    response = client.get(reverse("impact_shop", args=[sales.slug]))
    assert response.status_code == 404 and "not-found" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(("param", "rows"), [("6", 6), ("12", 12), ("24", 24), ("0", 12), ("abc", 12), ("-3", 12)])
def test_month_parameter(client, sales, param, rows):
    response = client.get("/impact/", {"mois": param})
    assert response.status_code == 200
    assert response.content.decode().count('<tr><th scope="row">') == rows


@pytest.mark.django_db
def test_page_queries_do_not_grow_with_the_number_of_sales(client, org_a, chairs):
    def page_queries():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("impact_organisation", args=[org_a.slug])).status_code == 200
        return len(queries)

    page_queries()  # the first request of a test reads what later ones find cached
    for index in range(3):
        sold_offer(org_a, factories.ProductCategoryFactory(parent=chairs), paris(2026, 1 + index, 5, 12))
    few = page_queries()
    for index in range(27):
        sold_offer(org_a, factories.ProductCategoryFactory(parent=chairs), paris(2026, 1 + index % 10, 5, 12))
    assert page_queries() == few <= 6  # organisation, its shops, summary 2, series 2


@pytest.mark.django_db
def test_impact_panel_tag(sales):
    html = Template("{% load offer_tags %}{% impact_panel %}|{% impact_panel shop=shop %}").render(
        Context({"shop": sales})
    )
    platform, shop = html.split("|")
    assert "41,2" in platform and reverse("impact") in platform
    assert "41,2" in shop and reverse("impact_shop", args=[sales.slug]) in shop
