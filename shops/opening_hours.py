"""Weekly hours as one line of text, for spreadsheets: ``lu-ve 09:00-12:00,14:00-18:00; sa 10:00-17:00``.

Shops' opening hours and depots' pickup slots are child rows in the database, but a person
editing a spreadsheet wants them in one cell. Rules are separated by ``;``; each rule is a
list of days or day ranges (French 2-letter codes ``lu ma me je ve sa di``, OpenStreetMap's
``Mo Tu We Th Fr Sa Su`` or full day names) followed by time ranges separated by ``,``.
Times may be written ``09:00``, ``9h``, ``9h30`` or ``9:30``. Parsing only reads the text;
whether the periods make sense for a shop is the services' business.
"""

import re
import unicodedata
from datetime import time

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from .choices import Weekday

FRENCH_CODES = ["lu", "ma", "me", "je", "ve", "sa", "di"]
OSM_CODES = ["Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"]
FULL_NAMES = [
    ("lundi", "monday"),
    ("mardi", "tuesday"),
    ("mercredi", "wednesday"),
    ("jeudi", "thursday"),
    ("vendredi", "friday"),
    ("samedi", "saturday"),
    ("dimanche", "sunday"),
]
DAY_WORDS = {
    **{code: day for day, code in enumerate(FRENCH_CODES)},
    **{code.lower(): day for day, code in enumerate(OSM_CODES)},
    **{name: day for day, names in enumerate(FULL_NAMES) for name in names},
}
CLOSED_WORDS = {"ferme", "closed", "off"}

RULE = re.compile(r"^(?P<days>[^\d]+?)\s*(?P<times>\d.*)?$")
TIME = re.compile(r"^(?P<h>\d{1,2})\s*(?:[:h.]\s*(?P<m>\d{2})?)?$", re.IGNORECASE)
DASHES = re.compile(r"\s*[-–—]\s*|\s+(?:a|au|to)\s+", re.IGNORECASE)


def _plain(text: str) -> str:
    """Lower case without accents, so that ``Fermé`` and ``ferme`` read the same."""
    return "".join(c for c in unicodedata.normalize("NFD", text.lower()) if not unicodedata.combining(c))


def _day(word: str) -> int:
    word = _plain(word.strip().rstrip("."))
    if word not in DAY_WORDS:
        raise ValueError(_("Unknown day “%(day)s” (use lu, ma, me, je, ve, sa, di or Mo…Su).") % {"day": word})
    return DAY_WORDS[word]


def _days(text: str) -> list[int]:
    days = []
    for part in re.split(r"\s*[,/]\s*|\s+et\s+|\s+and\s+", text.strip()):
        if not part:
            continue
        bounds = DASHES.split(part)
        if len(bounds) == 1:
            days.append(_day(bounds[0]))
        elif len(bounds) == 2:
            first, last = _day(bounds[0]), _day(bounds[1])
            days.extend((first + i) % 7 for i in range((last - first) % 7 + 1))
        else:
            raise ValueError(_("Unreadable days “%(days)s”.") % {"days": part})
    return days


def _time(text: str) -> time:
    match = TIME.match(text.strip())
    hour, minute = (int(match["h"]), int(match["m"] or 0)) if match else (99, 0)
    if hour > 23 or minute > 59:
        raise ValueError(_("Unreadable time “%(time)s” (write 09:00 or 9h30).") % {"time": text.strip()})
    return time(hour, minute)


def _range(text: str) -> tuple[time, time]:
    bounds = DASHES.split(text.strip())
    if len(bounds) != 2:
        raise ValueError(_("Unreadable time range “%(range)s” (write 09:00-12:00).") % {"range": text.strip()})
    starts, ends = _time(bounds[0]), _time(bounds[1])
    if starts >= ends:
        raise ValueError(_("In “%(range)s”, the end must come after the start.") % {"range": text.strip()})
    return starts, ends


def parse_weekly_hours(text) -> list[tuple[int, time, time]]:
    """``(weekday, starts, ends)`` sorted by day and time; empty text means no periods.

    Raises ``ValueError`` with a message for people when the text cannot be read or when two
    periods of the same day overlap.
    """
    periods = []
    for rule in re.split(r"[;\n]", str(text or "")):
        rule = rule.strip()
        if not rule:
            continue
        match = RULE.match(rule)
        if not match:
            raise ValueError(_("Unreadable hours “%(rule)s” (write lu-ve 09:00-12:00).") % {"rule": rule})
        days_text, times_text = match["days"], match["times"] or ""
        words = days_text.split()
        if words and _plain(words[-1]) in CLOSED_WORDS and not times_text:
            _days(" ".join(words[:-1]))  # a closed day only checks its spelling
            continue
        if not times_text:
            raise ValueError(_("No hours given for “%(rule)s”.") % {"rule": rule})
        ranges = [_range(part) for part in re.split(r"\s*[,/]\s*|\s+et\s+", times_text) if part.strip()]
        periods.extend((day, starts, ends) for day in _days(days_text) for starts, ends in ranges)
    periods.sort()
    for (day_a, _start_a, end_a), (day_b, start_b, _end_b) in zip(periods, periods[1:]):
        if day_a == day_b and start_b < end_a:
            raise ValueError(
                _("Two periods overlap on %(day)s.") % {"day": Weekday(day_a).label},
            )
    return periods


def _day_codes():
    return FRENCH_CODES if (get_language() or "fr").startswith("fr") else OSM_CODES


def format_weekly_hours(periods) -> str:
    """The text form of ``(weekday, starts, ends)`` tuples: days with the same hours share one
    rule (``lu-ve``, ``lu,me,ve``). Day codes follow the active language (French or OSM English)."""
    codes = _day_codes()
    by_day = {}
    for day, starts, ends in sorted(periods):
        by_day.setdefault(day, []).append(f"{starts:%H:%M}-{ends:%H:%M}")
    by_hours = {}
    for day, ranges in by_day.items():
        by_hours.setdefault(",".join(ranges), []).append(day)
    rules = []
    for hours, days in by_hours.items():
        runs = [[days[0]]]
        for day in days[1:]:
            if day == runs[-1][-1] + 1:
                runs[-1].append(day)
            else:
                runs.append([day])
        spans = [codes[run[0]] if len(run) == 1 else f"{codes[run[0]]}-{codes[run[-1]]}" for run in runs]
        rules.append(f"{','.join(spans)} {hours}")
    return "; ".join(rules)
