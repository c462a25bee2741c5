"""The import pipeline from the command line, for operators and cron jobs.

    python manage.py import_file --organisation <slug> --kind catalogue --supplier "Biocoop" tarif.xlsx
    python manage.py import_file --organisation <slug> --kind stock --shop <slug> --valid-rows-only stock.csv
    python manage.py import_file --organisation <slug> --kind members --dry-run adherents.csv
    python manage.py import_file --kind reference referentiel.csv   (platform-wide: no organisation)

Prints what was detected, the column mapping, the errors and the counts; exits with status 1 when nothing was
imported (unreadable file, refused rows in an all-or-nothing import, a dry run) so that cron notices.
Tables (members, offers, depots…) go through the admin's table import, run as the organisation's first
manager (or ``--user``), so that its rights and history are those of a person.
"""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q

from imports.choices import ImportStatus
from imports.jobs import import_job_create, job_import_direct, job_preview
from imports.kinds import KINDS
from imports.readers import UnreadableFile, read_dataset
from imports.registry import get_resource_class, registered_resources
from imports.services import import_run
from offers.models import Producer
from pivot_site.exceptions import DomainError
from shops.choices import StaffRole
from shops.models import Organisation, Shop

TABLE_KINDS = ("members", "offers", "depots")


class Command(BaseCommand):
    help = "Import a spreadsheet (xlsx, xls, ods, csv) into an organisation, as the admin would."

    def add_arguments(self, parser):
        parser.add_argument("file", help="the file to import")
        parser.add_argument("--organisation", help="the organisation's slug (every kind but reference)")
        kinds = sorted({*KINDS, *TABLE_KINDS, *registered_resources()})
        parser.add_argument("--kind", required=True, choices=kinds, help="what the file holds")
        parser.add_argument("--supplier", help="the supplier's name (catalogue)")
        parser.add_argument("--shop", help="the shop's slug or name (stock, catalogue)")
        parser.add_argument("--dry-run", action="store_true", help="read and check only, write nothing")
        parser.add_argument("--valid-rows-only", action="store_true", help="import the valid rows, report the rest")
        parser.add_argument("--archive-missing", action="store_true", help="archive the supplier's offers not listed")
        parser.add_argument("--mode", choices=("snapshot", "delta"), default="snapshot", help="stock feeds")
        parser.add_argument("--user", help="run table imports as this user (default: a manager)")

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        organisation = None
        platform = options["kind"] in KINDS and KINDS[options["kind"]].platform
        if options["organisation"] and platform:
            raise CommandError(f"The {options['kind']} kind is shared by the platform: leave out --organisation.")
        if not options["organisation"] and not platform:
            raise CommandError("Give the organisation: --organisation <slug>.")
        if options["organisation"]:
            try:
                organisation = Organisation.objects.get(slug=options["organisation"])
            except Organisation.DoesNotExist:
                raise CommandError(f"No organisation with the slug {options['organisation']!r}.")
        data = path.read_bytes()
        if options["kind"] in KINDS:
            imported = self.bulk(organisation, path.name, data, options)
        else:
            imported = self.table(organisation, data, options)
        if not imported:
            raise CommandError("Nothing was imported.", returncode=1)

    def bulk(self, organisation, name, data, options) -> bool:
        kind = KINDS[options["kind"]]
        supplier = shop = None
        if options["supplier"]:
            supplier = Producer.objects.filter(organisation=organisation, name__iexact=options["supplier"]).first()
            if supplier is None:
                raise CommandError(f"No supplier named {options['supplier']!r} in {organisation}.")
        if options["shop"]:
            shop = Shop.objects.filter(
                Q(slug=options["shop"]) | Q(name__iexact=options["shop"]), organisation=organisation
            ).first()
            if shop is None:
                raise CommandError(f"No shop {options['shop']!r} in {organisation}.")
        job_options = {"valid_rows_only": options["valid_rows_only"], "archive_missing": options["archive_missing"],
                       "mode": options["mode"]}  # fmt: skip
        try:
            job = import_job_create(kind=kind.key, organisation=organisation, actor=None, name=name, data=data,
                                    supplier=supplier, shop=shop, options=job_options, preview=False)  # fmt: skip
        except DomainError as error:
            raise CommandError(error.message)
        job = job_preview(job=job) if options["dry_run"] else job_import_direct(job=job)
        self.describe(job)
        return job.status == ImportStatus.DONE

    def describe(self, job):
        detected = job.detected
        if detected:
            self.stdout.write(
                f"Format: {detected['file_format']}"
                + (f", encoding {detected['encoding']}" if detected.get("encoding") else "")
                + (f", separator {detected['delimiter']!r}" if detected.get("delimiter") else "")
                + f", decimal {'comma' if detected.get('decimal_comma') else 'point'}"
                + f", headings on line {detected['header_line']}"
            )
        if job.mapping:
            saved = "saved" if job.preview.get("mapping_saved") else "suggested"
            self.stdout.write(f"Columns ({saved}):")
            for heading, field in job.mapping.items():
                self.stdout.write(f"  {heading} -> {field or '(ignored)'}")
        for problem in job.preview.get("problems", []):
            self.stderr.write(f"Mapping: {problem}")
        for error in job.errors:
            column = f", {error['column']}" if error.get("column") else ""
            self.stderr.write(f"Line {error.get('line') or '-'}{column}: {error['message']}")
        if job.message:
            self.stderr.write(job.message)
        if job.status == ImportStatus.PREVIEWED:
            preview = job.preview
            self.stdout.write(
                f"Dry run: {preview.get('valid', 0)} rows to import, {preview.get('rejected', 0)} refused."
            )
        else:
            counts = ", ".join(f"{key} {value}" for key, value in job.totals.items())
            self.stdout.write(f"{job.get_status_display()}: {counts}")

    def table(self, organisation, data, options) -> bool:
        actor = self.actor(organisation, options["user"])
        try:
            resource_class = get_resource_class(options["kind"])
            dataset = read_dataset(data)
        except UnreadableFile as error:
            self.stderr.write(error.message)
            return False
        report = import_run(resource_class=resource_class, dataset=dataset, actor=actor, dry_run=options["dry_run"])
        self.stdout.write(f"Format: {dataset.file_format}")
        for column in report.ignored_columns:
            self.stdout.write(f"  {column} -> (ignored)")
        for error in report.errors:
            self.stderr.write(f"Line {error.get('line') or '-'}, {error['column'] or '-'}: {error['message']}")
        counts = ", ".join(f"{key} {value}" for key, value in report.totals.items())
        self.stdout.write(("Dry run: " if options["dry_run"] else "") + counts)
        return report.ok and not options["dry_run"]

    def actor(self, organisation, username):
        users = get_user_model().objects.filter(is_active=True, staff_memberships__organisation=organisation)
        if username:
            user = users.filter(username=username).first()
            if user is None:
                raise CommandError(f"{username!r} is not an active staff member of {organisation}.")
            return user
        user = users.filter(staff_memberships__role=StaffRole.MANAGER).order_by("pk").first()
        if user is None:
            raise CommandError(f"{organisation} has no manager: give --user.")
        return user
