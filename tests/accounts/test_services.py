"""The account services' rules, whoever calls them."""

import pytest
from django.contrib.auth import get_user_model

from accounts.exceptions import InvalidAccount
from accounts.services import customer_delete, customer_register, customer_update_profile
from tests import factories

pytestmark = pytest.mark.django_db

PROFILE = {"first_name": "Camille", "last_name": "Martin", "phone": "", "contact_by_email": True,
           "contact_by_sms": False}  # fmt: skip


def test_only_the_owner_changes_or_deletes_an_account(customer):
    someone = factories.UserFactory()
    with pytest.raises(InvalidAccount) as excinfo:
        customer_update_profile(user=customer, **PROFILE, actor=someone)
    assert excinfo.value.code == "not_owner"
    with pytest.raises(InvalidAccount):
        customer_delete(user=customer, actor=someone)
    assert get_user_model().objects.filter(pk=customer.pk).exists()


@pytest.mark.parametrize("make", [factories.make_superuser, factories.make_animator,
                                  lambda: factories.UserFactory(is_staff=True)])  # fmt: skip
def test_platform_staff_cannot_delete_themselves(make):
    user = make()
    with pytest.raises(InvalidAccount) as excinfo:
        customer_delete(user=user, actor=user)
    assert excinfo.value.code == "staff_account"
    assert get_user_model().objects.filter(pk=user.pk).exists()


def test_an_address_longer_than_a_username_is_refused():
    email = f"{'a' * 60}@{'b' * 60}.{'c' * 40}.fr"
    with pytest.raises(InvalidAccount) as excinfo:
        customer_register(email=email, password="un jardin en hiver", first_name="A", last_name="B")
    assert excinfo.value.field == "email"
