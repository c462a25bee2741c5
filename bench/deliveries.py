"""CSA deliveries measured on SQLite and on PostgreSQL, in one run.

    .venv/bin/python bench/deliveries.py [--subscriptions 10000] [--engines sqlite,postgresql] [--server postgres://…]

For each engine a child process works on a database of its own (bench/.data/deliveries.sqlite3, or
pivot_bench_deliveries on the PostgreSQL server, dropped and created again; never DATABASE_URL's) with the
production settings (DEBUG off). The seed (untimed) is a garden with 20 depots delivering on Tuesdays and
Thursdays, a 52-week season with a two-week break, a weekly basket and a fortnightly eggs plan, and
``--subscriptions`` members each with one subscription: four in five on Tuesdays, one in five on Thursdays
(2,000 of 10,000), spread over the depots. Then, timed:

1. planning the whole season of every subscription (``deliveries_generate``), as the nightly job does;
2. the same again, which must create nothing (idempotence), and how long it takes to find that out;
3. the delivery sheet of one Thursday, every depot (2,000 deliveries at 10,000 subscriptions): the
   selector, then the PDF and the xlsx staff print or download; the median of 3 runs each.
"""

import argparse
import datetime as dt
import json
import os
import statistics
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import DATA_DIR, ROOT  # noqa: E402

PG_DATABASE = "pivot_bench_deliveries"
SQLITE_PATH = DATA_DIR / "deliveries.sqlite3"
SEASON = (dt.date(2027, 1, 4), dt.date(2028, 1, 2))  # 52 weeks, Monday to Sunday
BREAK = (dt.date(2027, 8, 9), dt.date(2027, 8, 22))
THURSDAY = dt.date(2027, 6, 10)
DEPOTS = 20
TARGETS = {"generate": 30.0, "sheet": 2.0}
REPEATS = 3


def child(engine: str, server: str, subscriptions: int) -> dict:
    DATA_DIR.mkdir(exist_ok=True)
    if engine == "sqlite":
        for suffix in ("", "-wal", "-shm"):  # a WAL left by an earlier run would not match a new file
            Path(f"{SQLITE_PATH}{suffix}").unlink(missing_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{SQLITE_PATH}"
    else:
        admin = server.rstrip("/") + "/postgres"
        subprocess.run(["psql", admin, "-qc", f"DROP DATABASE IF EXISTS {PG_DATABASE}"], check=True)
        subprocess.run(["psql", admin, "-qc", f"CREATE DATABASE {PG_DATABASE}"], check=True)
        os.environ["DATABASE_URL"] = server.rstrip("/") + f"/{PG_DATABASE}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "pivot_site.settings.dev"
    os.environ.setdefault("MEDIA_ROOT", str(DATA_DIR / "media"))
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    settings.DEBUG = False
    seed(subscriptions)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")

    from subscriptions.generation import deliveries_generate
    from subscriptions.models import Delivery

    started = time.perf_counter()
    created = deliveries_generate()
    generate = time.perf_counter() - started
    started = time.perf_counter()
    again = deliveries_generate()
    rerun = time.perf_counter() - started
    assert Delivery.objects.count() == created, (Delivery.objects.count(), created)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")

    from subscriptions.reports import delivery_sheet
    from subscriptions.sheets import sheet_pdf, sheet_xlsx

    organisation_id = Delivery.objects.values_list("organisation_id", flat=True).first()
    on_date = Delivery.objects.filter(date=THURSDAY).count()
    timings = {"select": [], "pdf": [], "xlsx": []}
    for _ in range(REPEATS):
        started = time.perf_counter()
        sheet = delivery_sheet(organisation_id=organisation_id, date=THURSDAY)
        timings["select"].append(time.perf_counter() - started)
        started = time.perf_counter()
        pdf = sheet_pdf(sheet)
        timings["pdf"].append(time.perf_counter() - started)
        started = time.perf_counter()
        sheet_xlsx(sheet)
        timings["xlsx"].append(time.perf_counter() - started)
    medians = {name: statistics.median(samples) for name, samples in timings.items()}
    return {
        "engine": engine,
        "subscriptions": subscriptions,
        "created": created,
        "generate_s": round(generate, 2),
        "rerun_created": again,
        "rerun_s": round(rerun, 2),
        "sheet_deliveries": on_date,
        "sheet_select_s": round(medians["select"], 3),
        "sheet_pdf_s": round(medians["pdf"], 3),
        "sheet_xlsx_s": round(medians["xlsx"], 3),
        "sheet_total_s": round(sum(medians.values()) - medians["xlsx"], 3),
        "pdf_kb": len(pdf) // 1024,
    }


def seed(count: int) -> None:
    """One garden, its depots, season, plans and ``count`` subscribed members, written in bulk (untimed)."""
    from offers.choices import SaleMode, Unit
    from offers.models import Offer, Product, ProductCategory
    from shops.choices import OrganisationKind, Weekday
    from shops.models import Depot, Member, Organisation, PickupSlot
    from subscriptions.choices import Frequency
    from subscriptions.models import DeliveryBreak, Plan, Season, Subscription

    garden = Organisation.objects.create(kind=OrganisationKind.CSA_GARDEN, name="Jardin de Cocagne", slug="cocagne")
    depots = Depot.objects.bulk_create(
        Depot(
            organisation=garden, name=f"Dépôt {n:02d}", postcode="25000", city="Besançon", delivery_fee=Decimal(n % 3)
        )
        for n in range(DEPOTS)
    )
    PickupSlot.objects.bulk_create(
        PickupSlot(depot=depot, weekday=day, starts=dt.time(17), ends=dt.time(19))
        for depot in depots
        for day in (Weekday.TUESDAY, Weekday.THURSDAY)
    )
    season = Season.objects.create(organisation=garden, name="Saison 2027", starts_on=SEASON[0], ends_on=SEASON[1])
    DeliveryBreak.objects.create(season=season, starts_on=BREAK[0], ends_on=BREAK[1], reason="Congés")
    category = ProductCategory.objects.create(name="Paniers")
    plans = []
    for name, price, frequency in (
        ("Panier simple", "12.00", Frequency.WEEKLY),
        ("Œufs", "4.00", Frequency.FORTNIGHTLY),
    ):
        product = Product.objects.create(organisation=garden, name=name, category=category, unit=Unit.BASKET)
        offer = Offer.objects.create(
            organisation=garden,
            product=product,
            price_excl_tax=Decimal(price),
            vat_rate=Decimal("5.50"),
            sale_mode=SaleMode.SUBSCRIPTION,
            unlimited_stock=True,
        )
        plans.append(Plan.objects.create(offer=offer, organisation=garden, frequency=frequency, doubling_cap=50))
    members = Member.objects.bulk_create(
        Member(organisation=garden, first_name=f"Prénom{n}", last_name=f"Nom{n:05d}", phone="0601020304")
        for n in range(count)
    )
    Subscription.objects.bulk_create(
        (
            Subscription(
                organisation=garden,
                member=member,
                plan=plans[0] if n % 10 else plans[1],
                depot=depots[n % DEPOTS],
                weekday=Weekday.THURSDAY if n % 5 == 0 else Weekday.TUESDAY,
                starts_on=SEASON[0],
                ends_on=SEASON[1],
                price_per_delivery=Decimal("12.00"),
            )
            for n, member in enumerate(members)
        ),
        batch_size=2000,
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--subscriptions", type=int, default=10_000)
    parser.add_argument("--engines", default="sqlite,postgresql")
    parser.add_argument("--server", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.server, args.subscriptions)))
        return
    results = []
    for engine in args.engines.split(","):
        command = [sys.executable, __file__, "--child", engine, "--server", args.server]
        command += ["--subscriptions", str(args.subscriptions)]
        output = subprocess.run(command, check=True, capture_output=True, text=True, cwd=ROOT).stdout
        results.append(json.loads(output.strip().splitlines()[-1]))
    print(f"{'engine':<11} {'planned':>9} {'plan s':>7} {'re-run':>7} {'re-run s':>8} {'sheet n':>8} "
          f"{'select s':>8} {'pdf s':>6} {'xlsx s':>6} {'sheet s':>7}")  # fmt: skip
    for r in results:
        print(f"{r['engine']:<11} {r['created']:>9} {r['generate_s']:>7} {r['rerun_created']:>7} {r['rerun_s']:>8} "
              f"{r['sheet_deliveries']:>8} {r['sheet_select_s']:>8} {r['sheet_pdf_s']:>6} {r['sheet_xlsx_s']:>6} "
              f"{r['sheet_total_s']:>7}")  # fmt: skip
        print(f"  season of {r['subscriptions']} subscriptions: {r['generate_s']} s "
              f"(target < {TARGETS['generate']:.0f} s, {TARGETS['generate'] / r['generate_s']:.1f}× under); "
              f"re-run created {r['rerun_created']}; sheet of {r['sheet_deliveries']} deliveries with its PDF: "
              f"{r['sheet_total_s']} s (target < {TARGETS['sheet']:.0f} s)")  # fmt: skip


if __name__ == "__main__":
    main()
