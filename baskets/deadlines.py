"""How long each step of an order may take: the platform's OrderDeadlines, unless the organisation set its own."""

from dataclasses import dataclass
from datetime import timedelta

from .models import OrderDeadlines


@dataclass(frozen=True)
class Deadlines:
    accept: timedelta
    prepare: timedelta
    collect: timedelta


def deadlines_for(*, organisation) -> Deadlines:
    platform = OrderDeadlines.load()

    def hours(name):
        return timedelta(hours=getattr(organisation, name) or getattr(platform, name))

    return Deadlines(
        accept=hours("hours_to_accept"), prepare=hours("hours_to_prepare"), collect=hours("hours_to_collect")
    )
