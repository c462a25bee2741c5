"""Scheduled imports (imports.sources): a supplier's file dropped in a folder or served over HTTP, imported with
the saved mapping when it changed, its result in the job history, and an e-mail when it went wrong."""

import http.server
import re
import threading
from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from django_q.models import Schedule

from imports.choices import ImportStatus
from imports.models import ImportJob, ImportSource
from imports.sources import SourceUnavailable, import_source_run, import_sources_check, source_location_check
from offers.models import Offer
from tests import factories

from .test_bulk_jobs import price_list

pytestmark = pytest.mark.django_db


@pytest.fixture
def drop_folder(settings, tmp_path):
    settings.PIVOT_IMPORT_SOURCE_ROOT = tmp_path
    (tmp_path / "biocoop").mkdir()
    return tmp_path / "biocoop"


@pytest.fixture
def source(drop_folder):
    supplier = factories.ProducerFactory(name="Biocoop Grossiste", is_wholesaler=True)
    supplier.organisation.email = "epicerie@example.org"
    supplier.organisation.save()
    shop = factories.ShopFactory(organisation=supplier.organisation)
    return ImportSource.objects.create(
        organisation=supplier.organisation, name="Tarif Biocoop", kind="catalogue", supplier=supplier, shop=shop,
        location="biocoop", every_hours=24,
    )  # fmt: skip


def test_a_changed_file_is_imported_and_an_unchanged_one_is_not(source, drop_folder):
    (drop_folder / "tarif-janvier.csv").write_bytes(price_list(5))
    job = import_source_run(source=source)
    assert job.status == ImportStatus.DONE and job.source == source and job.totals["created"] == 5
    source.refresh_from_db()
    assert source.last_sha256 == job.sha256 and source.last_checked_at is not None
    assert import_source_run(source=source) is None  # same file: nothing new
    newer = drop_folder / "tarif-fevrier.csv"
    newer.write_bytes(price_list(7))
    job = import_source_run(source=source)
    assert job.original_name == "tarif-fevrier.csv" and job.totals == {
        "created": 2, "updated": 0, "unchanged": 5, "archived": 0, "rejected": 0,
    }  # fmt: skip
    assert Offer.objects.count() == 7 and mail.outbox == []


def test_refused_rows_and_missing_files_are_e_mailed_to_the_organisation(source, drop_folder):
    assert import_source_run(source=source) is None
    assert mail.outbox[-1].to == ["epicerie@example.org"] and "Tarif Biocoop" in mail.outbox[-1].subject
    (drop_folder / "tarif.csv").write_bytes(price_list(2, extra=[["X-1", "Sans prix", "", "", "5,5", "1"]]))
    job = import_source_run(source=source)
    assert job.status == ImportStatus.REJECTED and Offer.objects.count() == 0
    assert f"/admin/imports/bulk/{job.pk}/" in mail.outbox[-1].body and "X-1" not in mail.outbox[-1].subject


def test_only_due_sources_run_and_the_schedule_exists(source, drop_folder):
    (drop_folder / "tarif.csv").write_bytes(price_list(3))
    assert import_sources_check() == 1
    assert import_sources_check() == 0  # checked less than 24 hours ago
    ImportSource.objects.filter(pk=source.pk).update(last_checked_at=timezone.now() - timedelta(hours=25))
    assert import_sources_check() == 1 and ImportJob.objects.count() == 1  # due, but the file did not change
    call_command("setup_schedules", stdout=open("/dev/null", "w"))
    assert Schedule.objects.get(func="imports.sources.import_sources_check").minutes == 15


def test_a_file_served_over_http_is_fetched(source):
    body = price_list(4)

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            self.send_response(200)
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        source.location = f"http://127.0.0.1:{server.server_port}/exports/tarif.csv"
        job = import_source_run(source=source)
    finally:
        server.shutdown()
    assert job.status == ImportStatus.DONE and job.original_name == "tarif.csv" and job.totals["created"] == 4


def test_locations_outside_the_import_folder_are_refused(drop_folder):
    assert source_location_check("biocoop/tarif.csv") == "biocoop/tarif.csv"
    for location in ("../etc/passwd", "/etc/passwd", "file:///etc/passwd", "ftp://example.org/tarif.csv"):
        with pytest.raises(SourceUnavailable):
            source_location_check(location)


def test_staff_set_up_a_scheduled_import_in_the_admin(client, source, drop_folder):
    organisation = source.organisation
    staff = factories.make_staff(organisation, username="benevole")
    client.force_login(staff)
    form = {"name": "Tarif Relais Vert", "organisation": organisation.pk, "kind": "catalogue",
            "supplier": source.supplier.pk, "shop": "", "location": "../../etc", "every_hours": 12, "active": "on"}  # fmt: skip
    response = client.post("/admin/import_sources/new/", form)
    assert response.status_code == 200 and not ImportSource.objects.filter(name="Tarif Relais Vert").exists()
    form.update(location="relais-vert", valid_rows_only="on", archive_missing="on")
    response = client.post("/admin/import_sources/new/", form)
    assert response.status_code == 302, response.content.decode()[:2000]
    created = ImportSource.objects.get(name="Tarif Relais Vert")
    assert created.created_by == staff and created.every_hours == 12
    assert created.options == {"valid_rows_only": True, "archive_missing": True, "publish_new": False,
                               "mode": "snapshot"}  # fmt: skip
    edit = client.get(f"/admin/import_sources/edit/{created.pk}/").content.decode()
    assert re.search(r'<input type="checkbox" name="valid_rows_only"[^>]*checked>', edit)
    form.pop("archive_missing")
    client.post(f"/admin/import_sources/edit/{created.pk}/", form)
    created.refresh_from_db()
    assert created.options["archive_missing"] is False and created.options["valid_rows_only"] is True
    # The reference catalogue is the platform's: an organisation's source cannot import it.
    response = client.post("/admin/import_sources/new/", {**form, "name": "Référentiel", "kind": "reference"})
    assert response.status_code == 200 and not ImportSource.objects.filter(name="Référentiel").exists()
    listing = client.get("/admin/import_sources/").content.decode()
    assert "Tarif Biocoop" in listing and "Tarif Relais Vert" in listing
    client.force_login(factories.make_staff(factories.OrganisationFactory(), username="ailleurs"))
    assert "Tarif Biocoop" not in client.get("/admin/import_sources/").content.decode()
    assert client.get(f"/admin/import_sources/edit/{source.pk}/").status_code in (302, 403, 404)
