"""Through a real browser: a volunteer imports members into the admin's table; the file is read and imported by
the background worker (synchronous in the tests), and the page waits for it by itself."""

import pytest

from imports.choices import ImportStatus
from imports.models import ImportJob
from shops.models import Member
from tests import factories
from tests.browser import conftest as browser_conftest
from tests.imports.conftest import csv_bytes, heading

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_a_volunteer_imports_members_and_the_page_follows_the_worker(live_server, page, tmp_path):
    organisation = factories.OrganisationFactory(name="Épicerie solidaire")
    factories.make_staff(organisation, username="alice")
    columns = [heading("members", name) for name in ("last_name", "first_name", "email")]
    path = tmp_path / "adherents.csv"
    path.write_bytes(csv_bytes([columns, ["Martin", "Léa", "lea@example.org"], ["Durand", "Zoé", "zoe@example.org"]]))

    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", "alice")
    page.fill("#id_password", "pass-word-123")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/admin/")
    page.goto(f"{live_server.url}/admin/imports/members/")
    page.set_input_files("#id_file", str(path))
    page.click("main form button[type=submit]")
    page.wait_for_url(f"{live_server.url}/admin/imports/members/*/")
    page.wait_for_selector("[data-import-rows]")
    assert page.locator("[data-total-new]").get_attribute("data-total-new") == "2"
    assert not Member.objects.exists()
    browser_conftest.screenshot(page, "admin-table-import-preview")

    page.click("main form button[type=submit]")
    page.wait_for_selector("[data-import-done]")
    assert Member.objects.count() == 2
    assert page.locator("[data-index-link]").count() == 1
    browser_conftest.screenshot(page, "admin-table-import-done")
    page.reload()  # without Wagtail's message, whose banner fades in: axe may catch its colour half-way
    browser_conftest.assert_accessible(page, name="the finished table import")

    job = ImportJob.objects.get()
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.RUNNING)
    page.goto(f"{live_server.url}/admin/imports/members/{job.pk}/")
    status = page.locator("[data-status-text]")
    assert status.get_attribute("aria-live") == "polite" and status.inner_text() == "Import en cours…"
    assert page.locator("[data-table-import-status] a.button").count() == 1  # "Refresh" without JavaScript
    browser_conftest.screenshot(page, "admin-table-import-waiting")
    browser_conftest.assert_accessible(page, name="the table import waiting for the worker")

    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.DONE)
    page.wait_for_selector("[data-import-done]", timeout=10_000)  # the page polled the status and reloaded
