"""POST /api/v1/auth/register/: a visitor becomes a customer with a token; bad input is a 400 that says why."""

import pytest
from django.contrib.auth import get_user_model

from tests import factories

URL = "/api/v1/auth/register/"

pytestmark = pytest.mark.django_db

GOOD = {"email": "Camille.Martin@Example.org", "password": "un jardin en hiver", "first_name": " Camille ",
        "last_name": "Martin", "phone": "06 12 34 56 78"}  # fmt: skip


def test_signing_up_gives_a_token_that_places_orders(api):
    response = api.post(URL, GOOD, format="json")
    assert response.status_code == 201, response.content
    data = response.json()
    assert (data["email"], data["first_name"], data["last_name"]) == ("camille.martin@example.org", "Camille", "Martin")
    user = get_user_model().objects.get(pk=data["id"])
    assert user.username == "camille.martin@example.org" and user.check_password(GOOD["password"])
    assert user.customer_profile.phone == "+33612345678"
    api.credentials(HTTP_AUTHORIZATION=f"Token {data['token']}")
    assert api.get("/api/v1/reservations/").status_code == 200
    # The token is given for the address in any case, as the web log-in does.
    token = api.post("/api/v1/auth/token/", {"username": " Camille.Martin@Example.org", "password": GOOD["password"]},
                     format="json")  # fmt: skip
    assert token.status_code == 200 and token.json()["token"] == data["token"]


def test_an_address_is_used_once_whatever_its_case(api):
    factories.UserFactory(username="someone", email="camille.martin@example.org")
    response = api.post(URL, GOOD, format="json")
    assert response.status_code == 400
    assert (response.json()["code"], response.json()["field"]) == ("invalid_account", "email")


@pytest.mark.parametrize(
    "change, field",
    [
        ({"email": "pas-une-adresse"}, "email"),
        ({"password": "12345678"}, "password"),
        ({"password": "camille.martin"}, "password"),
        ({"password": "court"}, "password"),
        ({"first_name": "   "}, "first_name"),
        ({"phone": "123"}, "phone"),
    ],
)
def test_bad_input_is_refused_with_the_field(api, change, field):
    response = api.post(URL, {**GOOD, **change}, format="json")
    assert response.status_code == 400, response.content
    errors = response.json()  # the body's shape ({"first_name": [...]}) or a rule's refusal ({"field": ...})
    assert errors.get("field") == field or field in errors
    assert not get_user_model().objects.exists()


@pytest.mark.parametrize("data", [{}, {"email": "a@b.fr"}, {**GOOD, "email": "x" * 300}, {**GOOD, "password": None}])
def test_missing_or_oversized_fields_are_400s(api, data):
    assert api.post(URL, data, format="json").status_code == 400
    assert not get_user_model().objects.exists()


def test_the_refusal_speaks_french_by_default(api):
    response = api.post(URL, {**GOOD, "password": "court"}, format="json")
    assert "trop court" in response.json()["detail"]
