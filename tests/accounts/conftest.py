import pytest

from accounts.services import customer_register

PASSWORD = "un jardin en hiver"


@pytest.fixture
def customer(db):
    """A customer who signed up on the site."""
    return customer_register(email="camille.martin@example.org", password=PASSWORD, first_name="Camille",
                             last_name="Martin", phone="06 12 34 56 78")  # fmt: skip
