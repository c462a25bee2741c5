"""Through a real browser: a visitor signs up from the header link and lands on their account page.

Screenshots: artifacts/screenshots/accounts-signup.png and accounts-account.png.
"""

import pytest

from tests.accounts.conftest import PASSWORD
from tests.browser.conftest import assert_accessible, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_signing_up_through_the_form_opens_the_account_page(live_server, page):
    page.goto(f"{live_server.url}/")
    page.locator('header a[href="/compte/inscription/"]').click()
    page.wait_for_url("**/compte/inscription/")
    assert_accessible(page, name="sign-up page")
    page.fill("#id_email", "Dominique.Petit@example.org")
    page.fill("#id_first_name", "Dominique")
    page.fill("#id_last_name", "Petit")
    page.fill("#id_phone", "06 12 34 56 78")
    page.fill("#id_password", PASSWORD)
    page.fill("#id_password_again", "pas la même phrase")
    page.locator("form.account-form button[type=submit]").click()
    page.wait_for_selector("#id_password_again[aria-invalid=true]")
    assert page.locator("#id_password_again_error").is_visible()
    page.fill("#id_password", PASSWORD)
    page.fill("#id_password_again", PASSWORD)
    screenshot(page, "accounts-signup")
    page.locator("form.account-form button[type=submit]").click()

    page.wait_for_url(f"{live_server.url}/compte/")
    assert page.locator("#id_first_name").input_value() == "Dominique"
    assert page.locator("#id_phone").input_value() == "+33612345678"
    assert "dominique.petit@example.org" in page.locator(".account-login").inner_text()
    assert page.locator(".site-messages").is_visible()
    assert page.locator('header form[action="/compte/deconnexion/"] button').is_visible()
    assert_accessible(page, name="account page")
    screenshot(page, "accounts-account")
