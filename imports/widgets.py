"""Widgets that read cells the way French spreadsheets write them and render readable values.

Every widget only parses: it turns a cell into a Python value or raises ``ValueError`` with a
message for people that names the column (``self.column``, set by the resource). Whether the
value is allowed is decided by the services. Related objects are looked up among the objects
the importing user may read (``self.resource.user``), so another organisation's objects are
"unknown", never found.
"""

import re
import unicodedata
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

import phonenumbers
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language, override
from django.utils.translation import gettext as _
from import_export import widgets

from pivot_site.validators import normalise_identifier, normalise_phone
from shops.opening_hours import format_weekly_hours, parse_weekly_hours
from shops.permissions import READ, scope_queryset

NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")
SPACES = re.compile(r"[\s\u00a0\u202f']")
LIST_SEPARATORS = re.compile(r"\s*[,;\n]\s*")


def plain(text) -> str:
    """Compare names as people mean them: no case, no accents, single spaces."""
    text = unicodedata.normalize("NFD", str(text).casefold())
    text = "".join(c for c in text if not unicodedata.combining(c))
    return " ".join(text.replace("’", "'").split())


def is_empty(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def french() -> bool:
    return (get_language() or "fr").startswith("fr")


def parse_number(value) -> Decimal:
    """``12,50``, ``1 234,50`` (normal, non-breaking or narrow spaces), ``1.234,50``, ``12.5``,
    ``12,50 €`` and native numbers from xlsx/ods; ``ValueError`` for anything else."""
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, (int, Decimal)):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value))
    text = SPACES.sub("", str(value)).strip("€%")
    if "," in text and "." in text:
        decimal_mark = "," if text.rfind(",") > text.rfind(".") else "."
        text = text.replace("." if decimal_mark == "," else ",", "").replace(",", ".")
    elif text.count(",") == 1:
        text = text.replace(",", ".")
    if len(text) > 40 or not NUMBER.fullmatch(text):  # no database column holds more digits
        raise ValueError(value)
    try:
        return Decimal(text)
    except InvalidOperation:
        raise ValueError(value)


class ColumnMixin:
    """Knows its column heading and its resource, for messages and scoped look-ups."""

    column = ""
    resource = None

    @property
    def user(self):
        return getattr(self.resource, "user", None)

    def error(self, message, value=None):
        return ValueError(message % {"value": value, "column": self.column})


class TextWidget(ColumnMixin, widgets.CharWidget):
    def clean(self, value, row=None, **kwargs):
        if is_empty(value):
            return ""
        if isinstance(value, datetime | date):
            return value.isoformat()
        return self.normalise(str(value).strip())

    def normalise(self, text: str) -> str:
        return text


class PostcodeWidget(TextWidget):
    """Spreadsheets drop the leading zero of 01000 when they take the postcode for a number."""

    def normalise(self, text):
        return text.zfill(5) if text.isdigit() and len(text) == 4 else text


class EmailWidget(TextWidget):
    """For tables whose service stores e-mails in lower case, so that unchanged rows stay unchanged."""

    def normalise(self, text):
        return text.lower()


class PhoneWidget(TextWidget):
    """Written the French way on export; read into the stored form so unchanged rows stay unchanged."""

    def normalise(self, text):
        try:
            return normalise_phone(text)
        except phonenumbers.NumberParseException:
            return text  # the validator in the service reports it

    def render(self, value, obj=None, **kwargs):
        if not value:
            return ""
        try:
            number = phonenumbers.parse(value, "FR")
        except phonenumbers.NumberParseException:
            return value
        style = phonenumbers.PhoneNumberFormat
        return phonenumbers.format_number(number, style.NATIONAL if number.country_code == 33 else style.INTERNATIONAL)


class IdentifierWidget(TextWidget):
    """EAN, SIRET…: spreadsheets add spaces and dashes, or turn them into numbers."""

    def normalise(self, text):
        return normalise_identifier(text)


class DecimalWidget(ColumnMixin, widgets.NumberWidget):
    """Decimal commas in and out (points too on the way in); native numbers in xlsx."""

    def __init__(self, places=0, **kwargs):
        self.places = places
        super().__init__(**kwargs)

    def clean(self, value, row=None, **kwargs):
        if is_empty(value):
            return None
        try:
            return parse_number(value)
        except ValueError:
            raise self.error(
                _("“%(value)s” is not a number: the column “%(column)s” expects a number like 12,50."), value
            )

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        if kwargs.get("force_native_type"):
            return value
        text = f"{Decimal(value).normalize():f}"
        if self.places:
            whole, _dot, decimals = text.partition(".")
            text = f"{whole}.{decimals.ljust(self.places, '0')}"
        return text.replace(".", ",") if french() else text


class IntegerWidget(DecimalWidget):
    def clean(self, value, row=None, **kwargs):
        number = super().clean(value, row, **kwargs)
        if number is None:
            return None
        if number != number.to_integral_value():
            raise self.error(_("“%(value)s” is not a whole number (column “%(column)s”)."), value)
        return int(number)


def yes_no_maybe():
    """Django's own translated "yes,no,maybe" (oui,non,peut-être)."""
    return _("yes,no,maybe").split(",")


TRUE_WORDS = {"oui", "o", "yes", "y", "vrai", "true", "1", "x"}
FALSE_WORDS = {"non", "n", "no", "faux", "false", "0"}


class BooleanWidget(ColumnMixin, widgets.Widget):
    """``oui``/``non`` (and yes/no, vrai/faux, 1/0, x); an empty cell takes the field's default."""

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, bool):
            return value
        if is_empty(value):
            return None
        word = plain(value)
        if word in TRUE_WORDS or word == plain(yes_no_maybe()[0]):
            return True
        if word in FALSE_WORDS or word == plain(yes_no_maybe()[1]):
            return False
        yes, no, _maybe = yes_no_maybe()
        raise ValueError(
            _("“%(value)s” is neither %(yes)s nor %(no)s (column “%(column)s”).")
            % {"value": value, "yes": yes, "no": no, "column": self.column}
        )

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        return yes_no_maybe()[0 if value else 1]


class ChoiceWidget(ColumnMixin, widgets.Widget):
    """Choice labels on export; on import the label (French or English) or the code."""

    def __init__(self, choices, **kwargs):
        self.choices = list(choices)
        super().__init__(**kwargs)

    def lookup(self):
        """Codes by normalised label or code, built once per language (it is read for every row)."""
        cache = self.__dict__.setdefault("_lookup", {})
        if get_language() not in cache:
            cache[get_language()] = self.build_lookup()
        return cache[get_language()]

    def build_lookup(self):
        table = {}
        for language in ("en", "fr"):
            with override(language):
                table.update({plain(label): code for code, label in self.choices})
        table.update({plain(label): code for code, label in self.choices})
        table.update({plain(code): code for code, _label in self.choices})
        return table

    def clean(self, value, row=None, **kwargs):
        if is_empty(value):
            return None
        code = self.lookup().get(plain(value))
        if code is None:
            raise ValueError(
                _("“%(value)s” is not one of: %(choices)s (column “%(column)s”).")
                % {
                    "value": value,
                    "choices": ", ".join(str(label) for _code, label in self.choices),
                    "column": self.column,
                }
            )
        return code

    def render(self, value, obj=None, **kwargs):
        return str(dict(self.choices).get(value, value or ""))


class YesNoMaybeWidget(ChoiceWidget):
    """A yes/no/maybe choice written like the booleans: ``oui``, ``non``, ``peut-être``."""

    def __init__(self, choices, codes=("yes", "no", "maybe"), **kwargs):
        self.codes = codes
        super().__init__(choices, **kwargs)

    def build_lookup(self):
        table = super().build_lookup()
        for language in ("en", "fr"):
            with override(language):
                table.update({plain(word): code for word, code in zip(yes_no_maybe(), self.codes)})
        table.update({plain(word): code for word, code in zip(yes_no_maybe(), self.codes)})
        return table

    def render(self, value, obj=None, **kwargs):
        words = dict(zip(self.codes, yes_no_maybe()))
        return words.get(value, super().render(value))


class DateTimeWidget(ColumnMixin, widgets.Widget):
    """``31/12/2025 18:00`` in local time; ISO dates and native spreadsheet dates are read too."""

    FORMATS = ["%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M", "%d/%m/%Y", "%d/%m/%y", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M"]

    def clean(self, value, row=None, **kwargs):
        if is_empty(value):
            return None
        if isinstance(value, date) and not isinstance(value, datetime):
            value = datetime(value.year, value.month, value.day)
        if not isinstance(value, datetime):
            value = self.parse(str(value).strip())
        return timezone.make_aware(value) if timezone.is_naive(value) else value

    def parse(self, text):
        for pattern in self.FORMATS:
            try:
                return datetime.strptime(text, pattern)
            except ValueError:
                continue
        try:
            return datetime.fromisoformat(text)
        except ValueError:
            raise self.error(_("“%(value)s” is not a date (column “%(column)s”): write 31/12/2025 18:00."), text)

    def render(self, value, obj=None, **kwargs):
        if not value:
            return ""
        value = timezone.localtime(value)
        if kwargs.get("force_native_type"):
            return value.replace(tzinfo=None)
        return value.strftime("%d/%m/%Y %H:%M:%S" if value.second else "%d/%m/%Y %H:%M")


class WeeklyHoursWidget(ColumnMixin, widgets.Widget):
    """Child rows (opening hours, pickup slots) as one cell: ``lu-ve 09:00-12:00; sa 10:00-17:00``."""

    def __init__(self, starts="opens", ends="closes", **kwargs):
        self.starts, self.ends = starts, ends
        super().__init__(**kwargs)

    def clean(self, value, row=None, **kwargs):
        try:
            return parse_weekly_hours("" if is_empty(value) else value)
        except ValueError as error:
            raise ValueError(f"{error} ({_('column')} “{self.column}”)")

    def periods(self, manager):
        return sorted((p.weekday, getattr(p, self.starts), getattr(p, self.ends)) for p in manager.all())

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else format_weekly_hours(self.periods(value))


class RelatedWidget(ColumnMixin, widgets.Widget):
    """A related object by a readable key (``slug``, ``name``), among those the user may read.

    With ``same_organisation`` the candidates are the row's organisation's own objects and the
    shared ones (no organisation); the organisation's own wins when both match.
    """

    def __init__(self, model, key="name", same_organisation=True, **kwargs):
        self.model, self.key, self.same_organisation = model, key, same_organisation
        self._cache = {}
        super().__init__(**kwargs)

    def queryset(self):
        return scope_queryset(self.user, self.model._default_manager.all(), mode=READ)

    def key_of(self, obj) -> str:
        return str(getattr(obj, self.key))

    def candidates(self, organisation_id) -> dict:
        cache_key = organisation_id if self.same_organisation else "*"
        if cache_key not in self._cache:
            queryset = self.queryset()
            if self.same_organisation:
                queryset = queryset.filter(Q(organisation_id=organisation_id) | Q(organisation__isnull=True))
            table = {}
            for obj in queryset:
                table.setdefault(plain(self.key_of(obj)), []).append(obj)
            self._cache[cache_key] = table
        return self._cache[cache_key]

    def forget(self):
        """Objects were created during the import: look again next time."""
        self._cache.clear()

    def find(self, value, instance):
        organisation_id = getattr(instance, "organisation_id", None)
        matches = self.candidates(organisation_id).get(plain(value), [])
        own = [obj for obj in matches if getattr(obj, "organisation_id", None) == organisation_id]
        return own if len(own) == 1 else matches

    def clean(self, value, row=None, target=None, **kwargs):
        if is_empty(value):
            return None
        matches = self.find(str(value).strip(), target)
        if not matches:
            raise ValueError(
                _("Unknown %(model)s “%(value)s” (column “%(column)s”).")
                % {"model": self.model._meta.verbose_name, "value": value, "column": self.column}
            )
        if len(matches) > 1:
            raise ValueError(
                _("Several %(models)s match “%(value)s” (column “%(column)s”).")
                % {"models": self.model._meta.verbose_name_plural, "value": value, "column": self.column}
            )
        return matches[0]

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else self.key_of(value)


class CategoryPathWidget(RelatedWidget):
    """Product categories by their path of names: ``Mobilier > Chaise en bois``."""

    SEPARATOR = " > "

    def __init__(self, model, **kwargs):
        super().__init__(model, key="path", **kwargs)
        self._names = None

    def names(self):
        if self._names is None:
            self._names = dict(self.queryset().values_list("pk", "name"))
        return self._names

    def key_of(self, obj):
        ids = [int(pk) for pk in obj.path.split("/") if pk] or [obj.pk]
        names = self.names()
        return self.SEPARATOR.join(names.get(pk, obj.name if pk == obj.pk else "?") for pk in ids)

    def forget(self):
        super().forget()
        self._names = None

    def find(self, value, instance):
        value = self.SEPARATOR.join(part.strip() for part in re.split(r"\s*>\s*", value))
        return super().find(value, instance)


class ManyRelatedWidget(RelatedWidget):
    """Several related objects by name in one cell, ``A, B`` (``;`` and new lines also separate)."""

    many = True

    def clean(self, value, row=None, target=None, **kwargs):
        if is_empty(value):
            return []
        found, unknown = [], []
        for name in LIST_SEPARATORS.split(str(value).strip()):
            if not name:
                continue
            matches = self.find(name, target)
            if len(matches) == 1:
                found.append(matches[0])
            else:
                unknown.append(name)
        if unknown:
            raise ValueError(
                _("Unknown %(models)s: %(names)s (column “%(column)s”).")
                % {"models": self.model._meta.verbose_name_plural, "names": ", ".join(unknown), "column": self.column}
            )
        return list({obj.pk: obj for obj in found}.values())

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else ", ".join(self.key_of(item) for item in value.all())


class ManyChoicesWidget(ColumnMixin, widgets.ManyToManyWidget):
    """Objects identified by a choice ``code`` (volunteering domains), by label or code."""

    many = True

    def __init__(self, model, choices, **kwargs):
        self.choice = ChoiceWidget(choices)
        super().__init__(model, field="code", **kwargs)

    def clean(self, value, row=None, **kwargs):
        if is_empty(value):
            return []
        self.choice.column = self.column
        codes = [self.choice.clean(part) for part in LIST_SEPARATORS.split(str(value).strip()) if part]
        return list(self.model._default_manager.filter(code__in=codes))

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else ", ".join(self.choice.render(item.code) for item in value.all())
