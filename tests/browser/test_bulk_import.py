"""Through a real browser: a group-buying volunteer imports a wholesaler's price list in the French admin."""

import pytest

from imports.choices import ImportStatus
from imports.models import ImportJob
from offers.models import Offer
from tests import factories
from tests.browser import conftest as browser_conftest
from tests.imports.test_bulk_jobs import price_list

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_a_volunteer_imports_a_price_list_with_a_preview(live_server, page, tmp_path):
    supplier = factories.ProducerFactory(name="Biocoop Grossiste", is_wholesaler=True)
    factories.ShopFactory(organisation=supplier.organisation, name="Local du Marais")
    factories.make_staff(supplier.organisation, username="alice")
    path = tmp_path / "tarif-janvier.csv"
    path.write_bytes(price_list(40, extra=[["BIO-9", "Sans prix", "", "", "5,5", "6"]]))

    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", "alice")
    page.fill("#id_password", "pass-word-123")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/admin/")
    page.set_viewport_size({"width": 1280, "height": 1800})
    page.goto(f"{live_server.url}/admin/imports/bulk/")
    page.select_option("#id_supplier", label="Biocoop Grossiste")
    page.select_option("#id_shop", label="Local du Marais")
    page.set_input_files("#id_file", str(path))
    browser_conftest.screenshot(page, "admin-bulk-import-upload")
    page.click("main form button[type=submit]")
    page.wait_for_url(f"{live_server.url}/admin/imports/bulk/*/")
    main = page.locator("main").inner_text()
    assert "CSV" in main and "ligne 4" in main and "Lentilles vertes 0" in main
    assert page.locator("[data-import-errors] tbody tr").count() == 1
    browser_conftest.screenshot(page, "admin-bulk-import-preview")
    browser_conftest.assert_accessible(page, name="the import preview")

    page.check("input[name=valid_rows_only]")
    page.click("button[value=confirm]")
    page.wait_for_selector("[data-import-totals]")
    assert page.locator("[data-total=created]").inner_text() == "40"
    assert page.locator("[data-total=rejected]").inner_text() == "1"
    assert Offer.objects.count() == 40
    browser_conftest.screenshot(page, "admin-bulk-import-done")

    job = ImportJob.objects.get()
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.RUNNING, rows_total=40, rows_done=10)
    page.goto(f"{live_server.url}/admin/imports/bulk/{job.pk}/")
    assert page.locator("progress").count() == 1
    browser_conftest.screenshot(page, "admin-bulk-import-progress")


def log_in(page, live_server, username):
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "pass-word-123")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/admin/")


def test_an_animator_imports_the_reference_catalogue_and_a_shop_downloads_it(live_server, browser, tmp_path):
    from offers.models import Product
    from tests.imports.test_reference_catalogue import line, reference_file

    factories.make_animator(username="animatrice")
    shop = factories.ShopFactory(name="Chaussures Martin")
    factories.make_staff(shop.organisation, username="martin")
    path = tmp_path / "referentiel-printemps.csv"
    path.write_bytes(reference_file([line(n) for n in range(12)]))

    context = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 1400}, accept_downloads=True)
    page = context.new_page()
    try:
        log_in(page, live_server, "animatrice")
        page.goto(f"{live_server.url}/admin/imports/bulk/?kind=reference")
        assert "Référence fournisseur ; EAN ; Désignation" in page.locator("[data-reference-layout]").inner_text()
        page.set_input_files("#id_file", str(path))
        browser_conftest.screenshot(page, "admin-reference-import-upload")
        page.click("main form button[type=submit]")
        page.wait_for_url(f"{live_server.url}/admin/imports/bulk/*/")
        assert "Sous-famille" in page.locator("main").inner_text()
        browser_conftest.screenshot(page, "admin-reference-import-preview")
        page.click("button[value=confirm]")
        page.wait_for_selector("[data-import-totals]")
        assert page.locator("[data-total=created]").inner_text() == "12"
        assert Product.objects.filter(organisation__isnull=True).count() == 12

        page.context.clear_cookies()
        log_in(page, live_server, "martin")
        page.goto(f"{live_server.url}/admin/imports/stock-feeds/")
        browser_conftest.screenshot(page, "admin-reference-export-link")
        with page.expect_download() as download:
            page.click("[data-reference-export] a")
        saved = tmp_path / download.value.suggested_filename
        download.value.save_as(saved)
        text = saved.read_text(encoding="utf-8-sig")
        assert text.splitlines()[0].startswith("Référence fournisseur;EAN;Désignation;Modèle;Taille")
        assert len(text.splitlines()) == 13 and "89,90" in text
    finally:
        context.close()
