"""Which column of a file feeds which PIVOT field.

Each bulk kind lists its fields with the headings people usually give them, in French and English. A new
layout gets a suggestion from those headings; the user corrects it at preview time and it is saved per
organisation, supplier and layout (``ColumnMapping``), so the next file with the same headings is read the
same way without asking.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from django.utils.functional import Promise

from offers.search import fold

from .models import ColumnMapping

IGNORED = ""


@dataclass(frozen=True)
class Target:
    """A PIVOT field a column can feed."""

    key: str
    label: Promise | str
    synonyms: tuple[str, ...] = ()
    required: bool = False


def folded_heading(heading: str) -> str:
    """Headings compared without case, accents, punctuation or extra spaces: "Prix H.T. (€)" → "prix h t"."""
    return " ".join(re.findall(r"[a-z0-9]+", fold(str(heading))))


def layout_signature(headers) -> str:
    return hashlib.sha256("\x1f".join(folded_heading(h) for h in headers).encode()).hexdigest()


def suggest_mapping(headers, targets) -> dict[str, str]:
    """Heading → target key for the headings that name a field exactly (folded) or start with one of its
    synonyms; each field is fed by one column at most, the first that matches best."""
    mapping: dict[str, str] = {}
    taken: set[str] = set()
    folded = [(heading, folded_heading(heading)) for heading in headers]
    for exact in (True, False):
        for heading, text in folded:
            if heading in mapping:
                continue
            for target in targets:
                if target.key in taken:
                    continue
                names = {folded_heading(target.key), folded_heading(str(target.label)), *target.synonyms}
                if text in names or (not exact and any(_starts_with_words(text, name) for name in names)):
                    mapping[heading] = target.key
                    taken.add(target.key)
                    break
    return {heading: mapping.get(heading, IGNORED) for heading in headers}


def _starts_with_words(text: str, name: str) -> bool:
    return bool(name) and (text == name or text.startswith(name + " "))


def mapping_problems(mapping: dict[str, str], targets) -> list[str]:
    """Why a mapping cannot be used: a field fed by two columns, an unknown field or a missing required one."""
    from django.utils.translation import gettext as _

    keys = {target.key: target for target in targets}
    problems = []
    fed: dict[str, list[str]] = {}
    for heading, key in mapping.items():
        if key == IGNORED:
            continue
        if key not in keys:
            problems.append(
                _("Unknown field “%(field)s” for the column “%(column)s”.") % {"field": key, "column": heading}
            )
            continue
        fed.setdefault(key, []).append(heading)
    for key, headings in fed.items():
        if len(headings) > 1:
            problems.append(
                _("The field “%(field)s” is fed by several columns: %(columns)s. Keep one.")
                % {"field": keys[key].label, "columns": ", ".join(f"“{h}”" for h in headings)}
            )
    for target in targets:
        if target.required and target.key not in fed:
            problems.append(_("No column gives the field “%(field)s”.") % {"field": target.label})
    return problems


def saved_mapping(*, organisation, kind: str, supplier, headers) -> ColumnMapping | None:
    return ColumnMapping.objects.filter(
        organisation=organisation, kind=kind, supplier=supplier, signature=layout_signature(headers)
    ).first()


def mapping_for(*, organisation, kind: str, supplier, headers, targets) -> tuple[dict[str, str], bool]:
    """The saved mapping of this layout when there is one (True), else a suggestion (False)."""
    saved = saved_mapping(organisation=organisation, kind=kind, supplier=supplier, headers=headers)
    if saved is not None and set(saved.mapping) == set(headers):
        return dict(saved.mapping), True
    return suggest_mapping(headers, targets), False


def mapping_save(*, organisation, kind: str, supplier, headers, mapping: dict[str, str], actor=None) -> ColumnMapping:
    saved = saved_mapping(organisation=organisation, kind=kind, supplier=supplier, headers=headers)
    if saved is None:
        saved = ColumnMapping(
            organisation=organisation, kind=kind, supplier=supplier, signature=layout_signature(headers)
        )
    saved.headers, saved.mapping, saved.updated_by = list(headers), dict(mapping), actor
    saved.save()
    return saved
