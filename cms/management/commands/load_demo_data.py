"""Load the demo dataset: a ressourcerie, a group-buying association, a shoe-shop network and a CSA garden,
with a few orders at every step.

Idempotent (objects are looked up by natural key and only created when missing); ``--reset`` deletes the
demo data first; ``--scale N`` multiplies shops and offers for the benchmarks (14 × N shops and about
1,300 + 1,600 × (N − 1) offers: ``--scale 72`` gives 1,008 shops and about 116,000 offers). The data lives
in ``cms.demo.data`` and is built through the services by ``cms.demo.loader``. The e-mails the order
services send about the demo orders are dropped: their customers and shops are fictional (example.org).
"""

import argparse
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.test.utils import override_settings
from django.utils.translation import gettext as _

from cms.demo import data
from cms.demo.loader import DemoLoader
from cms.demo.reset import demo_reset
from pivot_site.exceptions import DomainError
from shops.choices import StaffRole

DROP_EMAILS = "django.core.mail.backends.dummy.EmailBackend"


class Command(BaseCommand):
    help = _(
        "Load the demo data (organisations, shops, catalogues, members, users, orders, shop pages). "
        "Running it again changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--reset", action="store_true", help=_("Delete the demo data first, then load it again."))
        parser.add_argument(
            "--scale",
            type=int,
            default=1,
            help=_("Multiply shops and offers by this factor, for benchmarks (default: 1)."),
        )
        # For the tests: limit the ressourcerie's items, the group-buying and the shoe catalogues to N each.
        parser.add_argument("--items", type=int, default=None, help=argparse.SUPPRESS)

    def handle(self, *args, reset=False, scale=1, items=None, **options):
        if scale < 1:
            raise CommandError(_("--scale must be 1 or more."))
        started = time.monotonic()
        try:
            # The order services e-mail on commit; the demo's addresses are fictional, so nothing is sent.
            with override_settings(EMAIL_BACKEND=DROP_EMAILS), transaction.atomic():
                if reset:
                    deleted = demo_reset()
                    self.stdout.write(_("Demo data deleted: %(counts)s.") % {"counts": self.describe(deleted)})
                created = DemoLoader(items=items, scale=scale, log=self.log if options["verbosity"] > 1 else None).run()
        except DomainError as error:
            raise CommandError(_("A demo object was refused: %(error)s") % {"error": error.message}) from error
        if any(created.values()):
            self.stdout.write(_("Created: %(counts)s.") % {"counts": self.describe(created)})
        else:
            self.stdout.write(_("The demo data is already loaded; nothing changed."))
        self.stdout.write(
            self.style.SUCCESS(_("Demo data ready in %(seconds).1f s.") % {"seconds": time.monotonic() - started})
        )
        self.print_accounts()

    def log(self, message):
        self.stdout.write(f"  {message}")

    @staticmethod
    def describe(counts) -> str:
        return ", ".join(f"{number} {label}" for label, number in counts.items() if number) or "0"

    def print_accounts(self):
        organisations = {spec["slug"]: spec["name"] for spec in data.ORGANISATIONS}
        roles = {
            data.ROLE_SUPERUSER: _("Platform admin (superuser)"),
            data.ROLE_ANIMATOR: _("Animator (all organisations)"),
            StaffRole.MANAGER: _("Organisation manager"),
            StaffRole.STAFF: _("Organisation staff"),
            data.ROLE_MEMBER: _("Member (customer)"),
        }
        member_of = {}
        for slug, *_fields, user in (row for row in data.MEMBERS if len(row) == 11):
            member_of.setdefault(user, []).append(organisations[slug])
        rows = [(_("Username"), _("Password"), _("Role"), _("Organisation"))]
        for username, _first, _last, role, slug in data.USERS:
            if slug:
                organisation = organisations[slug]
            elif role == data.ROLE_MEMBER:
                organisation = " ; ".join(member_of.get(username, []))
            else:
                organisation = "—"
            rows.append((username, data.DEMO_PASSWORD, str(roles[role]), organisation))
        widths = [max(len(row[i]) for row in rows) for i in range(3)]
        self.stdout.write("")
        self.stdout.write(self.style.MIGRATE_HEADING(_("Demo accounts (log in at /admin/):")))
        for index, row in enumerate(rows):
            line = "  ".join(value.ljust(widths[i]) for i, value in enumerate(row[:3])) + "  " + row[3]
            self.stdout.write(line.rstrip())
            if index == 0:
                self.stdout.write("  ".join("-" * width for width in widths) + "  " + "-" * len(row[3]))
