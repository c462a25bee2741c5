"""The account pages with the anonymous page cache on: forms carry a CSRF cookie, so they are never stored."""

import re

import pytest
from django.contrib.auth import SESSION_KEY, get_user_model
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from .conftest import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _page_cache(settings):
    settings.PIVOT_PAGE_CACHE_SECONDS = 60
    cache.clear()
    yield
    cache.clear()


@pytest.mark.parametrize("name", ["accounts:login", "accounts:signup", "accounts:password_reset"])
def test_account_pages_are_never_stored(name):
    visitor = Client()
    for _ in range(2):
        response = visitor.get(reverse(name))
        assert response.status_code == 200 and response["X-Pivot-Cache"] == "miss"
        assert "no-store" in response["Cache-Control"]


def test_an_anonymous_visitor_signs_up_then_logs_in_with_csrf_checks(customer):
    visitor = Client(enforce_csrf_checks=True)
    page = visitor.get(reverse("accounts:signup")).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    data = {"csrfmiddlewaretoken": token, "email": "dominique@example.org", "first_name": "Dominique",
            "last_name": "Petit", "phone": "", "password": PASSWORD, "password_again": PASSWORD}  # fmt: skip
    assert visitor.post(reverse("accounts:signup"), data)["Location"] == reverse("accounts:account")
    assert visitor.session[SESSION_KEY] == str(get_user_model().objects.get(username="dominique@example.org").pk)

    other = Client(enforce_csrf_checks=True)
    page = other.get(reverse("accounts:login")).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    data = {"csrfmiddlewaretoken": token, "username": customer.email, "password": PASSWORD}
    assert other.post(reverse("accounts:login"), data)["Location"] == reverse("accounts:account")


def test_a_cached_page_shows_the_login_links_not_someone_elses_account(customer):
    assert Client().get(reverse("shops_near"))["X-Pivot-Cache"] == "miss"
    member = Client()
    member.force_login(customer)
    page = member.get(reverse("shops_near"))
    assert "X-Pivot-Cache" not in page and reverse("accounts:account") in page.content.decode()
    cached = Client().get(reverse("shops_near"))
    assert cached["X-Pivot-Cache"] == "hit" and reverse("accounts:login") in cached.content.decode()
    assert f'href="{reverse("accounts:account")}"' not in cached.content.decode()


def test_the_goodbye_message_shows_on_a_cached_home_page(customer):
    assert Client().get("/")["X-Pivot-Cache"] == "miss"  # someone else's visit stores the home page
    leaving = Client()
    leaving.force_login(customer)
    response = leaving.post(reverse("accounts:delete"), {"password": PASSWORD})
    assert response["Location"] == "/"
    for name, cookie in list(leaving.cookies.items()):  # as a browser does, which the test client does not
        if cookie["max-age"] == 0:
            del leaving.cookies[name]
    assert set(leaving.cookies) == {"messages"}
    home = leaving.get("/")
    assert "X-Pivot-Cache" not in home and 'class="notice site-messages"' in home.content.decode()
    assert SESSION_KEY not in leaving.session
