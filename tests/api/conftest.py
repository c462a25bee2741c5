import pytest

from tests import factories

from .utils import Client


@pytest.fixture
def api(db):
    return Client()


@pytest.fixture
def api_as():
    """``api_as(user)``: a client logged in with a session, as a browser would be."""

    def make(user):
        client = Client()
        client.force_login(user)
        return client

    return make


@pytest.fixture
def customer(db):
    """A signed-in person who works for no organisation."""
    return factories.UserFactory(username="customer")
