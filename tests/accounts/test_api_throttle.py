"""POST /api/v1/auth/register/ is throttled per client address: scripts cannot create accounts in bulk."""

import pytest
from django.contrib.auth import get_user_model
from rest_framework.test import APIClient

URL = "/api/v1/auth/register/"

pytestmark = pytest.mark.django_db


def test_the_21st_sign_up_within_an_hour_is_refused():
    api = APIClient()
    for number in range(20):
        body = {"email": f"client{number}@example.org", "password": "un jardin en hiver", "first_name": "Camille",
                "last_name": "Martin"}  # fmt: skip
        assert api.post(URL, body, format="json").status_code == 201
    response = api.post(URL, {**body, "email": "client20@example.org"}, format="json")
    assert response.status_code == 429 and "Retry-After" in response
    assert get_user_model().objects.count() == 20
    other_address = APIClient(REMOTE_ADDR="192.0.2.7")
    assert other_address.post(URL, {**body, "email": "client21@example.org"}, format="json").status_code == 201
