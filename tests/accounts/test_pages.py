"""The customer's pages through the whole stack: sign up, log in and out, profile, password, deletion."""

import re

import pytest
from django.contrib.auth import SESSION_KEY, get_user_model
from django.core import mail
from django.urls import reverse
from django.utils.translation import gettext
from rest_framework.authtoken.models import Token

from accounts.models import CustomerProfile
from baskets.models import Reservation
from baskets.services import DeliveryAddress, LineRequest, reservation_create
from shops.models import Member
from tests import factories

from .conftest import PASSWORD

pytestmark = pytest.mark.django_db
User = get_user_model()

SIGNUP = {"email": "Dominique.Petit@Example.org", "first_name": "Dominique", "last_name": "Petit",
          "phone": "", "password": PASSWORD, "password_again": PASSWORD}  # fmt: skip


def logged_in_as(client):
    return client.session.get(SESSION_KEY)


def field_errors(response, field):
    return response.context["form"].errors.get(field, [])


def test_signing_up_logs_in_and_opens_the_account_page(client):
    response = client.post(reverse("accounts:signup"), SIGNUP)
    assert response.status_code == 302 and response["Location"] == reverse("accounts:account")
    user = User.objects.get(username="dominique.petit@example.org")
    assert logged_in_as(client) == str(user.pk)
    assert CustomerProfile.objects.filter(user=user).exists()
    page = client.get(response["Location"]).content.decode()
    assert "dominique.petit@example.org" in page and 'value="Dominique"' in page


def test_signing_up_follows_next_only_to_this_site(client):
    near = reverse("shops_near")
    response = client.post(reverse("accounts:signup"), {**SIGNUP, "next": near})
    assert response["Location"] == near
    client.logout()
    response = client.post(reverse("accounts:signup"), {**SIGNUP, "email": "b@example.org",
                                                        "next": "https://elsewhere.example/"})  # fmt: skip
    assert response["Location"] == reverse("accounts:account")


def test_an_address_already_used_is_refused_next_to_its_field(client, customer):
    response = client.post(reverse("accounts:signup"), {**SIGNUP, "email": "CAMILLE.martin@example.org"})
    assert response.status_code == 200
    assert field_errors(response, "email")
    assert 'aria-invalid="true"' in response.content.decode()
    assert User.objects.count() == 1 and not logged_in_as(client)


@pytest.mark.parametrize(
    "change, field",
    [
        ({"password": "12345678", "password_again": "12345678"}, "password"),
        ({"password": "court", "password_again": "court"}, "password"),
        ({"password_again": "un jardin en été"}, "password_again"),
        ({"email": "pas-une-adresse"}, "email"),
        ({"phone": "123"}, "phone"),
        ({"last_name": "  "}, "last_name"),
    ],
)
def test_bad_input_is_shown_next_to_its_field(client, change, field):
    response = client.post(reverse("accounts:signup"), {**SIGNUP, **change})
    assert response.status_code == 200 and field_errors(response, field)
    assert not User.objects.exists()


def test_logging_in_with_the_address_in_any_case(client, customer):
    response = client.post(
        reverse("accounts:login"), {"username": " Camille.MARTIN@example.org ", "password": PASSWORD}
    )
    assert response.status_code == 302 and response["Location"] == reverse("accounts:account")
    assert logged_in_as(client) == str(customer.pk)


def test_a_wrong_password_does_not_log_in(client, customer):
    response = client.post(reverse("accounts:login"), {"username": customer.email, "password": "pas le bon"})
    assert response.status_code == 200 and response.context["form"].non_field_errors()
    assert not logged_in_as(client)


def test_logging_out_takes_a_post_and_leads_home(client, customer):
    client.force_login(customer)
    assert client.get(reverse("accounts:logout")).status_code == 405
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302 and response["Location"] == "/"
    assert not logged_in_as(client)


def test_the_account_page_asks_anonymous_visitors_to_log_in(client):
    response = client.get("/compte/")
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('accounts:login')}?next=/compte/"


def test_the_header_offers_the_right_links(client, customer):
    page = client.get("/boutiques-pres-de-chez-moi/").content.decode()
    assert reverse("accounts:login") in page and reverse("accounts:signup") in page
    client.force_login(customer)
    page = client.get("/boutiques-pres-de-chez-moi/").content.decode()
    assert reverse("accounts:account") in page and reverse("accounts:logout") in page
    assert reverse("accounts:login") not in page


def test_the_profile_is_saved(client, customer):
    client.force_login(customer)
    data = {"first_name": "Camille", "last_name": "Bernard", "phone": "07 98 76 54 32", "contact_by_sms": "on"}
    response = client.post(reverse("accounts:account"), data)
    assert response.status_code == 302
    customer.refresh_from_db()
    profile = customer.customer_profile
    assert (customer.last_name, profile.phone) == ("Bernard", "+33798765432")
    assert (profile.contact_by_email, profile.contact_by_sms) == (False, True)
    assert customer.email == "camille.martin@example.org"


@pytest.mark.parametrize(
    "data, field",
    [
        ({"first_name": "Camille", "last_name": "Martin", "phone": "123"}, "phone"),
        ({"first_name": "Camille", "last_name": "Martin", "phone": "", "contact_by_sms": "on"}, "phone"),
        ({"first_name": " ", "last_name": "Martin", "phone": ""}, "first_name"),
    ],
)
def test_a_bad_profile_is_refused_next_to_its_field(client, customer, data, field):
    client.force_login(customer)
    response = client.post(reverse("accounts:account"), data)
    assert response.status_code == 200 and field_errors(response, field)
    customer.customer_profile.refresh_from_db()
    assert customer.customer_profile.phone == "+33612345678"


def test_an_account_made_in_the_admin_gets_its_profile_on_first_save(client):
    user = factories.UserFactory(first_name="Sam", last_name="Durand")
    client.force_login(user)
    assert client.get(reverse("accounts:account")).status_code == 200
    client.post(reverse("accounts:account"), {"first_name": "Sam", "last_name": "Durand", "phone": "",
                                              "contact_by_email": "on"})  # fmt: skip
    assert CustomerProfile.objects.get(user=user).contact_by_email is True


def test_a_forgotten_password_is_reset_through_the_link_in_the_email(client, customer):
    response = client.post(reverse("accounts:password_reset"), {"email": "Camille.Martin@example.org"})
    assert response.status_code == 302 and response["Location"] == reverse("accounts:password_reset_done")
    (message,) = mail.outbox
    assert message.to == ["camille.martin@example.org"] and "PIVOT" in message.subject
    assert "Camille" in message.body
    link = re.search(r"http://testserver(/compte/mot-de-passe-oublie/\S+/)", message.body).group(1)
    form_url = client.get(link)["Location"]  # Django moves the token into the session
    assert client.get(form_url).context["validlink"]
    new = "une autre phrase longue"
    response = client.post(form_url, {"new_password1": new, "new_password2": new})
    assert response["Location"] == reverse("accounts:password_reset_complete")
    assert client.post(reverse("accounts:login"), {"username": customer.email, "password": PASSWORD}).status_code == 200
    assert client.post(reverse("accounts:login"), {"username": customer.email, "password": new}).status_code == 302
    assert logged_in_as(client) == str(customer.pk)
    client.logout()
    assert not client.get(link, follow=True).context["validlink"]  # a link works once


def test_an_unknown_address_gets_the_same_answer_and_no_email(client):
    response = client.post(reverse("accounts:password_reset"), {"email": "personne@example.org"})
    assert response["Location"] == reverse("accounts:password_reset_done")
    assert not mail.outbox


def test_changing_the_password(client, customer):
    client.force_login(customer)
    new = "une autre phrase longue"
    response = client.post(reverse("accounts:password_change"), {"old_password": PASSWORD, "new_password1": new,
                                                                 "new_password2": new})  # fmt: skip
    assert response["Location"] == reverse("accounts:password_change_done")
    customer.refresh_from_db()
    assert customer.check_password(new) and logged_in_as(client) == str(customer.pk)


def place_an_order(customer):
    shop = factories.ShopFactory()
    offer = factories.OfferFactory(organisation=shop.organisation, shop=shop, stock_on_hand=3)
    home = DeliveryAddress(name="Camille Martin", address="3 rue des Lilas", postcode="69003", city="Lyon")
    return reservation_create(customer=customer, lines=[LineRequest(offer.pk, 1)], fulfilment="delivery",
                              address=home, actor=customer)  # fmt: skip


def test_deleting_the_account_erases_the_person_and_keeps_the_orders(client, customer):
    reservation = place_an_order(customer)
    factories.MemberFactory(user=customer, email="camille.martin@example.org", phone="0612345678",
                            address="3 rue des Lilas", postcode="93100", city="Montreuil",
                            comments="Préfère le samedi")  # fmt: skip
    other = factories.MemberFactory(first_name="Dominique")
    theirs = list(Member.objects.filter(user=customer).values_list("pk", flat=True))
    Token.objects.create(user=customer)
    client.force_login(customer)

    response = client.post(reverse("accounts:delete"), {"password": "pas le bon"})
    assert response.status_code == 200 and field_errors(response, "password")
    assert User.objects.filter(pk=customer.pk).exists()

    response = client.post(reverse("accounts:delete"), {"password": PASSWORD}, follow=True)
    assert response.redirect_chain == [("/", 302)]
    assert not logged_in_as(client)
    goodbye = gettext("Your account and your personal data are deleted. Goodbye!")  # in French: the site's language
    assert [str(message) for message in response.context["messages"]] == [goodbye]
    assert 'class="notice site-messages"' in response.content.decode()
    assert not User.objects.filter(pk=customer.pk).exists()
    assert not CustomerProfile.objects.exists() and not Token.objects.exists()
    fields = ("first_name", "last_name", "email", "phone", "address", "postcode", "city", "comments", "user",
              "contact_by_email", "contact_by_sms")  # fmt: skip
    erased = ("—", "", "", "", "", "", "", "", None, False, False)
    assert theirs and list(Member.objects.filter(pk__in=theirs).values_list(*fields)) == [erased] * len(theirs)
    other.refresh_from_db()
    assert other.first_name == "Dominique" and other.email
    reservation.refresh_from_db()
    assert reservation.customer_id is None and reservation.lines.count() == 1
    delivery = (reservation.delivery_name, reservation.delivery_address, reservation.delivery_city)
    assert delivery == ("", "", "")
    assert Reservation.objects.count() == 1


def test_staff_cannot_delete_their_account_here(client, org_a):
    staff = factories.make_staff(org_a, username="staff@example.org")
    client.force_login(staff)
    page = client.get(reverse("accounts:delete"))
    assert page.context["staff"] and 'name="password"' not in page.content.decode()
    response = client.post(reverse("accounts:delete"), {"password": "pass-word-123"})
    assert response.status_code == 200 and response.context["form"].non_field_errors()
    assert User.objects.filter(pk=staff.pk).exists() and logged_in_as(client) == str(staff.pk)


def test_the_pages_speak_english_under_en(client):
    page = client.get("/en/compte/connexion/")
    assert page.status_code == 200 and 'lang="en"' in page.content.decode()
    assert 'href="/en/compte/inscription/"' in page.content.decode()


def test_the_account_page_shows_what_the_customers_collected_purchases_saved(client, customer):
    client.force_login(customer)
    assert "account-impact" not in client.get(reverse("accounts:account")).content.decode()
    from decimal import Decimal

    from baskets.services import reservation_transition

    category = factories.ProductCategoryFactory(co2e_per_item_kg=Decimal("30.0"), waste_per_item_kg=Decimal("12.0"))
    sofa = factories.OfferFactory(
        stock_on_hand=1, product__category=category, product__is_unique_item=True, product__condition="good"
    )
    order = reservation_create(
        customer=customer, lines=[LineRequest(sofa.pk, 1)], fulfilment="pickup", pickup_shop_id=sofa.shop_id
    )
    for status in ("accepted", "ready"):
        reservation_transition(reservation=order, to_status=status)
    reservation_transition(reservation=order, to_status="collected", payment_method="card")
    html = client.get(reverse("accounts:account")).content.decode()
    assert "30,0 kg" in html and "12,0 kg" in html and "account-impact" in html
