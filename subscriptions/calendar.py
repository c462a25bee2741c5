"""Where and when an organisation delivers: its seasons, days without delivery, its depots' days and closures.

Loaded once per organisation (a handful of queries), then asked about thousands of dates in memory: the
generation of a season's deliveries and every change's checks read the same answers.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils import timezone

from shops.models import Closure, PickupSlot

from .models import DeliveryBreak, Season

WEEK = dt.timedelta(days=7)


def monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


@dataclass(frozen=True)
class ClosureSpan:
    id: int
    starts_on: dt.date
    ends_on: dt.date
    replacement_id: int | None


@dataclass(frozen=True)
class Place:
    """Where a delivery of a date goes: its depot, or the replacement of a closure (then named)."""

    depot_id: int
    closure_id: int | None = None


@dataclass
class Calendar:
    seasons: list[tuple[dt.date, dt.date]]
    breaks: list[tuple[dt.date, dt.date]]
    # depot -> weekday -> when its first pickup slot of that day opens
    depot_days: dict[int, dict[int, dt.time]]
    closures: dict[int, list[ClosureSpan]] = field(default_factory=dict)
    # A season of 10,000 subscriptions asks about the same few hundred (depot, date) pairs half a million times.
    _places: dict[tuple[int, dt.date], Place | None] = field(default_factory=dict, repr=False)

    @classmethod
    def load(cls, organisation_id: int) -> Calendar:
        seasons = list(
            Season.objects.filter(organisation_id=organisation_id)
            .order_by("starts_on")
            .values_list("starts_on", "ends_on")
        )
        breaks = list(
            DeliveryBreak.objects.filter(season__organisation_id=organisation_id).values_list("starts_on", "ends_on")
        )
        depot_days: dict[int, dict[int, dt.time]] = {}
        for depot_id, weekday, starts in PickupSlot.objects.filter(depot__organisation_id=organisation_id).values_list(
            "depot_id", "weekday", "starts"
        ):
            days = depot_days.setdefault(depot_id, {})
            days[weekday] = min(starts, days.get(weekday, starts))
        closures: dict[int, list[ClosureSpan]] = {}
        for row in Closure.objects.filter(depot__organisation_id=organisation_id).values_list(
            "depot_id", "pk", "starts_on", "ends_on", "replacement_id"
        ):
            closures.setdefault(row[0], []).append(ClosureSpan(*row[1:]))
        return cls(seasons=seasons, breaks=breaks, depot_days=depot_days, closures=closures)

    def in_season(self, day: dt.date) -> bool:
        return any(start <= day <= end for start, end in self.seasons)

    def is_break(self, day: dt.date) -> bool:
        return any(start <= day <= end for start, end in self.breaks)

    def closure_on(self, depot_id: int, day: dt.date) -> ClosureSpan | None:
        for span in self.closures.get(depot_id, ()):
            if span.starts_on <= day <= span.ends_on:
                return span
        return None

    def delivers_on_weekday(self, depot_id: int, weekday: int) -> bool:
        return weekday in self.depot_days.get(depot_id, {})

    def refusal(self, depot_id: int, day: dt.date) -> str | None:
        """Why ``depot`` has no delivery on ``day`` (a refusal code), or None when it has one."""
        if not self.in_season(day):
            return "outside_season"
        if self.is_break(day) or not self.delivers_on_weekday(depot_id, day.weekday()):
            return "no_delivery_that_day"
        span = self.closure_on(depot_id, day)
        if span is not None and span.replacement_id is None:
            return "depot_closed"
        return None

    def place(self, depot_id: int, day: dt.date) -> Place | None:
        """Where ``depot``'s delivery of ``day`` goes, or None when there is none (see ``refusal``)."""
        key = (depot_id, day)
        if key not in self._places:
            span = self.closure_on(depot_id, day)
            if self.refusal(depot_id, day) is not None:
                self._places[key] = None
            elif span is not None:
                self._places[key] = Place(span.replacement_id, span.id)
            else:
                self._places[key] = Place(depot_id)
        return self._places[key]

    def starts_at(self, depot_id: int, day: dt.date) -> dt.datetime:
        """When the delivery is handed over (the depot's first pickup slot that day): notices count back from it."""
        opens = self.depot_days.get(depot_id, {}).get(day.weekday(), dt.time(0, 0))
        return timezone.make_aware(dt.datetime.combine(day, opens))

    def weeks(self, starts_on: dt.date, *, every: int = 1):
        """The Mondays from ``starts_on``'s week on, ``every`` weeks apart, until the last season ends."""
        last = max((end for _start, end in self.seasons), default=None)
        week = monday(starts_on)
        while last is not None and week <= last:
            yield week
            week += WEEK * every
