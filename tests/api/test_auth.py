import pytest
from rest_framework.authtoken.models import Token

from tests.factories import MemberFactory, OfferFactory

from .utils import translated

TOKEN_URL = "/api/v1/auth/token/"

pytestmark = pytest.mark.django_db


def test_token_round_trip(api, org_a, staff_a):
    """Username and password give a token; the token alone then authenticates."""
    member = MemberFactory(organisation=org_a)
    draft = OfferFactory(organisation=org_a, status="draft")

    response = api.post(TOKEN_URL, {"username": "staff_a", "password": "pass-word-123"}, format="json")

    assert response.status_code == 200
    token = response.json()["token"]
    assert token == Token.objects.get(user=staff_a).key
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert api.ids("/api/v1/members/") == [member.pk]
    assert api.ids("/api/v1/offers/") == [draft.pk]
    # Asking again gives the same token.
    again = api.post(TOKEN_URL, {"username": "staff_a", "password": "pass-word-123"})
    assert again.json()["token"] == token


def test_token_from_a_form_post(api, staff_a):
    response = api.post(TOKEN_URL, {"username": "staff_a", "password": "pass-word-123"})

    assert response.status_code == 200
    assert len(response.json()["token"]) == 40


def test_a_wrong_password_is_a_clear_400(api, staff_a):
    response = api.post(TOKEN_URL, {"username": "staff_a", "password": "wrong"}, format="json")

    assert response.status_code == 400
    assert response.json() == {"non_field_errors": [translated("Unable to log in with provided credentials.")]}
    assert not Token.objects.exists()


def test_an_unknown_user_or_an_inactive_one_is_a_400(api, staff_a):
    staff_a.is_active = False
    staff_a.save()

    assert api.post(TOKEN_URL, {"username": "nobody", "password": "x"}).status_code == 400
    assert api.post(TOKEN_URL, {"username": "staff_a", "password": "pass-word-123"}).status_code == 400


def test_missing_fields_are_named(api):
    response = api.post(TOKEN_URL, {}, format="json")

    assert response.status_code == 400
    assert set(response.json()) == {"username", "password"}


@pytest.mark.parametrize(
    "body, content_type",
    [("{not json", "application/json"), ("[]", "application/json"), ("x" * 10000, "text/plain")],
)
def test_garbage_bodies_are_refused_without_error(api, body, content_type):
    response = api.generic("POST", TOKEN_URL, body, content_type=content_type)

    assert response.status_code in (400, 415)


def test_a_bad_token_is_refused_even_on_public_lists(api, org_a):
    # 403 rather than 401 because SessionAuthentication comes first in REST_FRAMEWORK's settings.
    api.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")

    response = api.get("/api/v1/offers/")
    assert response.status_code in (401, 403)
    assert response.json() == {"detail": translated("Invalid token."), "code": "authentication_failed"}
    assert api.get("/api/v1/members/").status_code in (401, 403)


def test_the_token_of_a_customer_does_not_open_members(api, customer):
    token = api.post(TOKEN_URL, {"username": "customer", "password": "pass-word-123"}).json()["token"]
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")

    assert api.get("/api/v1/members/").status_code == 403


def test_session_authentication_also_works(api_as, org_a, staff_a):
    member = MemberFactory(organisation=org_a)

    assert api_as(staff_a).ids("/api/v1/members/") == [member.pk]
