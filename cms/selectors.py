"""Reads with rules for the public pages: is a shop open now, and its week of opening hours."""

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from shops.choices import Weekday

SHOP_TIMEZONE = ZoneInfo("Europe/Paris")

# Day names inside "Closed · opens Monday at 10:00": lower case in French ("ouvre lundi"), unlike the
# capitalised Weekday labels of the hours table.
DAY_IN_SENTENCE = {
    0: pgettext_lazy("next opening day", "Monday"),
    1: pgettext_lazy("next opening day", "Tuesday"),
    2: pgettext_lazy("next opening day", "Wednesday"),
    3: pgettext_lazy("next opening day", "Thursday"),
    4: pgettext_lazy("next opening day", "Friday"),
    5: pgettext_lazy("next opening day", "Saturday"),
    6: pgettext_lazy("next opening day", "Sunday"),
}


@dataclass(frozen=True)
class OpeningStatus:
    is_open: bool
    closes_at: datetime | None = None  # when open: the end of the current opening
    opens_at: datetime | None = None  # when closed: the next opening, None when the shop gives no hours
    opens_day: str = ""  # "today", "tomorrow" or the day's name, relative to the moment asked about

    @property
    def label(self) -> str:
        if self.is_open:
            return _("Open until %(time)s") % {"time": f"{self.closes_at:%H:%M}"}
        if self.opens_at is None:
            return _("Closed")
        return _("Closed · opens %(day)s at %(time)s") % {"day": self.opens_day, "time": f"{self.opens_at:%H:%M}"}


def _day_phrase(day: datetime, now: datetime) -> str:
    days = (day.date() - now.date()).days
    if days == 0:
        return _("today")
    if days == 1:
        return _("tomorrow")
    return str(DAY_IN_SENTENCE[day.weekday()])


def _periods_by_weekday(periods) -> dict[int, list[tuple[time, time]]]:
    days: dict[int, list[tuple[time, time]]] = {day: [] for day in Weekday.values}
    for period in periods:
        days[period.weekday].append((period.opens, period.closes))
    for spans in days.values():
        spans.sort()
    return days


def _at(day: datetime, moment: time) -> datetime:
    return datetime.combine(day.date(), moment, tzinfo=SHOP_TIMEZONE)


def shop_opening_status(*, periods, now: datetime) -> OpeningStatus:
    """Whether a shop is open at the aware datetime ``now`` (read in Europe/Paris) given its OpeningPeriods.

    An opening includes its first minute and excludes its closing time: open at 10:00, closed at 18:00.
    Back-to-back periods (10:00–12:00, 12:00–18:00) count as one opening until 18:00. Pass the periods
    already fetched (``shop.opening_hours.all()``): this function runs no query.
    """
    local = now.astimezone(SHOP_TIMEZONE)
    days = _periods_by_weekday(periods)
    today = days[local.weekday()]
    current = local.time()
    for opens, closes in today:
        if opens <= current < closes:
            end = closes
            for next_opens, next_closes in today:
                if next_opens <= end < next_closes:
                    end = next_closes
            return OpeningStatus(is_open=True, closes_at=_at(local, end))
    for offset in range(8):
        day = local + timedelta(days=offset)
        for opens, _closes in days[day.weekday()]:
            if offset or opens > current:
                opens_at = _at(day, opens)
                return OpeningStatus(is_open=False, opens_at=opens_at, opens_day=_day_phrase(opens_at, local))
    return OpeningStatus(is_open=False)


@dataclass(frozen=True)
class OpeningDay:
    weekday: int
    name: str
    periods: list[tuple[time, time]]


def shop_week_hours(*, periods) -> list[OpeningDay]:
    """Seven lines, Monday first, each with that day's periods (empty for a closed day)."""
    days = _periods_by_weekday(periods)
    return [OpeningDay(weekday=day.value, name=str(day.label), periods=days[day.value]) for day in Weekday]
