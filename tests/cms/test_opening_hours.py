"""Open now, and when next: computed from OpeningPeriods in Europe/Paris time."""

from datetime import datetime, time
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from cms.selectors import shop_opening_status, shop_week_hours

PARIS = ZoneInfo("Europe/Paris")


def period(weekday, opens, closes):
    return SimpleNamespace(weekday=weekday, opens=time.fromisoformat(opens), closes=time.fromisoformat(closes))


# Tuesday to Saturday 10:00–12:30 and 14:00–18:00; closed Sunday and Monday.
WEEK = [p for day in range(1, 6) for p in (period(day, "10:00", "12:30"), period(day, "14:00", "18:00"))]


def at(text):
    """2026-11-16 is a Monday."""
    return datetime.fromisoformat(text).replace(tzinfo=PARIS)


def label(status):
    with translation.override("fr"):
        return status.label


def test_exactly_at_opening_time_is_open():
    status = shop_opening_status(periods=WEEK, now=at("2026-11-17 10:00"))
    assert status.is_open and status.closes_at == at("2026-11-17 12:30")
    assert label(status) == "Ouvert jusqu’à 12:30"


def test_exactly_at_closing_time_is_closed_and_reopens_in_the_afternoon():
    status = shop_opening_status(periods=WEEK, now=at("2026-11-17 12:30"))
    assert not status.is_open and status.opens_at == at("2026-11-17 14:00")
    assert label(status) == "Fermé · ouvre aujourd’hui à 14:00"


def test_one_minute_before_closing_is_open():
    assert shop_opening_status(periods=WEEK, now=at("2026-11-17 17:59")).is_open


def test_saturday_evening_then_sunday_reopen_on_tuesday():
    for moment in ("2026-11-21 18:00", "2026-11-22 00:00", "2026-11-22 11:00", "2026-11-22 23:59"):
        status = shop_opening_status(periods=WEEK, now=at(moment))
        assert not status.is_open
        assert status.opens_at == at("2026-11-24 10:00")
        assert label(status) == "Fermé · ouvre mardi à 10:00"


def test_monday_says_tomorrow():
    for moment in ("2026-11-23 09:00", "2026-11-23 20:00"):
        status = shop_opening_status(periods=WEEK, now=at(moment))
        assert status.opens_at == at("2026-11-24 10:00")
        assert label(status) == "Fermé · ouvre demain à 10:00"


def test_english_labels():
    with translation.override("en"):
        assert shop_opening_status(periods=WEEK, now=at("2026-11-22 11:00")).label == "Closed · opens Tuesday at 10:00"
        assert shop_opening_status(periods=WEEK, now=at("2026-11-18 15:00")).label == "Open until 18:00"


def test_no_hours_at_all():
    status = shop_opening_status(periods=[], now=at("2026-11-17 11:00"))
    assert not status.is_open and status.opens_at is None
    assert label(status) == "Fermé"


def test_only_one_period_a_week_wraps_to_next_week():
    periods = [period(0, "10:00", "12:00")]
    status = shop_opening_status(periods=periods, now=at("2026-11-16 12:00"))
    assert status.opens_at == at("2026-11-23 10:00")


def test_back_to_back_periods_make_one_opening():
    periods = [period(2, "10:00", "12:00"), period(2, "12:00", "19:00")]
    status = shop_opening_status(periods=periods, now=at("2026-11-18 11:00"))
    assert status.closes_at == at("2026-11-18 19:00")


def test_utc_time_is_read_in_paris_time():
    # 09:30 UTC in November is 10:30 in Paris.
    status = shop_opening_status(periods=WEEK, now=datetime(2026, 11, 17, 9, 30, tzinfo=ZoneInfo("UTC")))
    assert status.is_open


def test_summer_time_is_respected():
    # 08:30 UTC in July is 10:30 in Paris (UTC+2).
    status = shop_opening_status(periods=WEEK, now=datetime(2026, 7, 14, 8, 30, tzinfo=ZoneInfo("UTC")))
    assert status.is_open


def test_week_hours_have_seven_french_days_with_their_periods():
    with translation.override("fr"):
        days = shop_week_hours(periods=list(reversed(WEEK)))
    assert [d.name for d in days] == ["Lundi", "Mardi", "Mercredi", "Jeudi", "Vendredi", "Samedi", "Dimanche"]
    assert days[0].periods == [] and days[6].periods == []
    assert days[1].periods == [(time(10), time(12, 30)), (time(14), time(18))]


@pytest.mark.django_db
def test_shop_page_shows_hours_grouped_by_day(client):
    from shops.models import OpeningPeriod
    from tests import factories

    shop = factories.ShopFactory()
    OpeningPeriod.objects.bulk_create(
        [OpeningPeriod(shop=shop, weekday=p.weekday, opens=p.opens, closes=p.closes) for p in WEEK]
    )
    content = client.get(shop.page.url).content.decode()
    assert (
        '<dt>Mardi</dt><dd><span class="period">10:00–12:30,</span> <span class="period">14:00–18:00</span></dd>'
        in content
    )
    assert "<dt>Dimanche</dt><dd>Fermé</dd>" in content
    assert "Ouvert jusqu" in content or "Fermé · ouvre" in content
