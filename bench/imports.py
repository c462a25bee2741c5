"""Bulk imports measured side by side in one run, on SQLite and on PostgreSQL.

    .venv/bin/python bench/imports.py [--rows 100000] [--engines sqlite,postgresql] [--server postgres://…]

For each engine, child processes work on a database of their own (bench/.data/imports.sqlite3, or
pivot_bench_imports on the PostgreSQL server, dropped and created again; never DATABASE_URL's) with the
production settings (DEBUG off): the first migrates it and loads half of the references (the seed, untimed); the
database is then kept aside, and each measured phase starts from a copy of it, vacuumed and analysed, so that a
direct import and a preview + confirm of the same file meet the same database; the two alternate three times
each and their medians are reported, the samples beside them. The csv files are
generated here the way a wholesaler sends them (title lines, ``;``, Windows-1252, decimal comma):

1. direct import of a ``--rows`` supplier catalogue, half of it new references and half known ones with a new
   price (the known half is loaded first, untimed): ``import_job_create`` + ``job_import_direct``, as the
   command line and scheduled sources run it; peak memory of the process (its high-water mark) and the
   search-index refresh queued after it, timed apart on 10,000 of its offers and scaled;
2. preview then confirm of the same file (``job_preview`` then ``job_run``), against 1;
3. django-import-export's default row-by-row import (a plain ``ModelResource`` of products keyed on the
   supplier reference, so less work than ours: no offers) of a 10,000-row sample, scaled to ``--rows``;
4. PostgreSQL only: ``COPY`` of the same rows, two ways: the file's cells into a bare table of its 9 columns (the
   floor of moving the text in), and the products and offers the import wrote into empty tables shaped like the
   real ones, indexes and checks included (the floor of storing them);
5. an 8,000-line xlsx price list (a group-buying volunteer's file), direct;
6. a 20,000-line stock feed (snapshot) of a shop holding 20,000 offers, when the stock kind is installed.
"""

import argparse
import csv
import io
import json
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import DATA_DIR, ROOT  # noqa: E402

PG_DATABASE = "pivot_bench_imports"
PG_SEEDED = "pivot_bench_imports_seeded"
SQLITE_PATH = DATA_DIR / "imports.sqlite3"
SQLITE_SEEDED = DATA_DIR / "imports-seeded.sqlite3"
HEADINGS = ["Code article", "Désignation", "EAN", "PU HT", "TVA", "Colisage", "Marque", "Origine", "Famille"]
FAMILIES = ["Légumineuses", "Pâtes, riz et céréales", "Épicerie sucrée", "Huiles et vinaigres", "Boissons",
            "Fruits secs", "Conserves", "Produits laitiers", "Hygiène", "Entretien"]  # fmt: skip
BRANDS = ["Markal", "Priméal", "Ekibio", "Jardin Bio", "Bjorg", "Celnat", ""]
ORIGINS = ["France", "Italie", "Espagne", "Union européenne", "Non UE"]
REPEATS = 3  # direct imports and previews + confirms, alternated; their medians are reported
TARGETS = {"direct": 15.0, "vs_default": 12.0, "vs_copy": 15.0, "preview_confirm": 1.1, "memory_mb": 250,
           "stock_feed": 2.0}  # fmt: skip


def ean13(number: int) -> str:
    digits = f"376{number:09d}"
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(digits))
    return digits + str((10 - total % 10) % 10)


def catalogue_rows(numbers, *, price_shift=0):
    for n in numbers:
        rng = random.Random(n)
        price = rng.uniform(0.5, 40) + price_shift
        yield [f"BIO-{n:07d}", f"{rng.choice(['Lentilles', 'Riz', 'Farine', 'Huile', 'Jus', 'Savon'])} {n}",
               ean13(n) if n % 3 else "", f"{price:.2f}".replace(".", ","), rng.choice(["5,5", "5,5", "20"]),
               str(rng.choice([1, 6, 12, 24])), rng.choice(BRANDS), rng.choice(ORIGINS),
               FAMILIES[n % len(FAMILIES)]]  # fmt: skip


def write_csv(path: Path, rows) -> Path:
    with open(path, "w", encoding="cp1252", newline="", errors="replace") as stream:
        writer = csv.writer(stream, delimiter=";", lineterminator="\r\n")
        writer.writerow(["Tarif grossiste Biocoop — 2026"])
        writer.writerow([])
        writer.writerow(HEADINGS)
        writer.writerows(rows)
    return path


def make_files(rows: int) -> dict:
    """The files, written once per size in bench/.data."""
    DATA_DIR.mkdir(exist_ok=True)
    half = rows // 2
    files = {
        "seed": write_csv(DATA_DIR / f"catalogue-seed-{half}.csv", catalogue_rows(range(half))),
        # Known references with a new price, then new ones.
        "direct": write_csv(DATA_DIR / f"catalogue-direct-{rows}.csv",
                            catalogue_rows([*range(half), *range(rows, rows + half)], price_shift=1)),
        "default": write_csv(DATA_DIR / "catalogue-default-10000.csv",
                             catalogue_rows([*range(5000), *range(3 * rows, 3 * rows + 5000)], price_shift=3)),
    }  # fmt: skip
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Tarif")
    sheet.append(["Tarif grossiste Biocoop — 2026"])
    sheet.append(HEADINGS)
    for row in catalogue_rows(range(4 * rows, 4 * rows + 8000)):
        sheet.append([float(c.replace(",", ".")) if i in (3, 4) else c for i, c in enumerate(row)])
    files["xlsx"] = DATA_DIR / "catalogue-8000.xlsx"
    workbook.save(files["xlsx"])
    return {key: str(path) for key, path in files.items()}


# The child process: one engine.


def database_url(engine: str, server: str) -> str:
    return f"{server}/{PG_DATABASE}" if engine == "postgresql" else f"sqlite:///{SQLITE_PATH}"


def sqlite_files(path: Path):
    return [Path(f"{path}{suffix}") for suffix in ("", "-wal", "-shm")]


def keep_seeded(engine: str, server: str) -> None:
    """The seeded database, kept aside: every measured phase starts from a copy of it."""
    if engine == "postgresql":
        import psycopg

        with psycopg.connect(f"{server}/postgres", autocommit=True, connect_timeout=5) as connection:
            connection.execute(f"DROP DATABASE IF EXISTS {PG_SEEDED} WITH (FORCE)")
            connection.execute(f"CREATE DATABASE {PG_SEEDED} TEMPLATE {PG_DATABASE}")
        return
    for source, copy in zip(sqlite_files(SQLITE_PATH), sqlite_files(SQLITE_SEEDED)):
        copy.unlink(missing_ok=True)
        if source.exists():
            shutil.copyfile(source, copy)


def setup(engine: str, server: str, *, seeded: bool) -> None:
    """A fresh database (migrated), or with ``seeded`` a copy of the one ``keep_seeded`` kept."""
    if engine == "postgresql":
        import psycopg

        with psycopg.connect(f"{server}/postgres", autocommit=True, connect_timeout=5) as connection:
            connection.execute(f"DROP DATABASE IF EXISTS {PG_DATABASE} WITH (FORCE)")
            connection.execute(f"CREATE DATABASE {PG_DATABASE}" + (f" TEMPLATE {PG_SEEDED}" if seeded else ""))
    else:
        for path in sqlite_files(SQLITE_PATH):
            path.unlink(missing_ok=True)
        if seeded:
            for kept, path in zip(sqlite_files(SQLITE_SEEDED), sqlite_files(SQLITE_PATH)):
                if kept.exists():
                    shutil.copyfile(kept, path)
    os.environ.update(
        DATABASE_URL=database_url(engine, server),
        DJANGO_SETTINGS_MODULE="pivot_site.settings.production",
        SECRET_KEY="bench-imports-not-a-secret",
        ALLOWED_HOSTS="127.0.0.1",
        PIVOT_CACHE_DIR=str(DATA_DIR / "imports-cache"),
        MEDIA_ROOT=str(DATA_DIR / "media"),
        PIVOT_IMPORT_WORK_DIR=str(DATA_DIR / "import-work"),
    )
    import django

    django.setup()
    if not seeded:
        from django.core.management import call_command

        call_command("migrate", verbosity=0)


def settle():
    """Vacuum and analyse before a timed import, so that each starts from a like state, not with the previous
    import's dead rows or an autovacuum running under it."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")


def timed(function):
    started = time.perf_counter()
    result = function()
    return result, time.perf_counter() - started


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child(engine: str, server: str, files: dict, phase: str) -> dict:
    """One phase on one engine: ``seed`` the database, or time ``preview`` + confirm or ``direct`` of the same
    file, each on a copy of the seeded database; ``rest`` is a direct import followed by the other measures."""
    setup(engine, server, seeded=phase != "seed")
    from django.db import connection

    from imports.choices import ImportStatus
    from imports.jobs import import_job_create, job_import_direct, job_preview, job_run, reindex_offers_task
    from imports.kinds import KINDS
    from offers.models import Offer, Producer
    from offers.services import producer_save
    from shops.models import Organisation, Shop
    from shops.services import organisation_save, shop_save

    if phase == "seed":
        organisation = organisation_save(organisation=Organisation(name="Épicerie solidaire", kind="group_buying"))
        supplier = producer_save(producer=Producer(organisation=organisation, name="Biocoop Grossiste",
                                                   is_wholesaler=True))  # fmt: skip
        shop = shop_save(shop=Shop(organisation=organisation, name="Local du Marais", address="1 rue du Temple",
                                   postcode="75004", city="Paris"))  # fmt: skip
    else:
        supplier = Producer.objects.select_related("organisation").get(name="Biocoop Grossiste")
        organisation, shop = supplier.organisation, Shop.objects.get(name="Local du Marais")
    figures = {"engine": connection.vendor}

    def job_for(key, **options):
        return import_job_create(kind="catalogue", organisation=organisation, actor=None, name=Path(files[key]).name,
                                 data=Path(files[key]).read_bytes(), supplier=supplier, shop=shop,
                                 options=options, preview=False)  # fmt: skip

    def check(job, label):
        assert job.status == ImportStatus.DONE, (label, job.status, job.message, job.errors[:3])
        return job.totals

    if phase == "seed":
        check(job_import_direct(job=job_for("seed")), "seed")
        settle()
        return figures
    if phase == "preview":
        preview_job = job_for("direct")
        preview_job, figures["preview_s"] = timed(lambda: job_preview(job=preview_job))
        assert preview_job.status == ImportStatus.PREVIEWED and not preview_job.preview["problems"]
        preview_job.status = ImportStatus.QUEUED
        preview_job.save(update_fields=["status"])
        confirmed, figures["confirm_s"] = timed(lambda: job_run(job=preview_job))
        figures["preview_totals"] = check(confirmed, "preview")
        return figures

    memory_before = peak_mb()
    direct_job, figures["direct_s"] = timed(lambda: job_import_direct(job=job_for("direct")))
    figures["direct_totals"] = check(direct_job, "direct")
    figures["peak_mb_before"], figures["peak_mb"] = memory_before, peak_mb()
    if phase == "direct":
        return figures
    if connection.vendor == "postgresql":  # the 100,000 products of the direct file and their offers, as written
        figures["copy_tables_s"] = copy_written_rows(supplier)
    sample = list(Offer.objects.order_by("-pk").values_list("pk", flat=True)[:10_000])  # the slow part: sampled
    _count, figures["reindex_s"] = timed(lambda: reindex_offers_task(sample))
    figures["reindexed"] = len(sample)

    figures["default_s"], figures["default_rows"] = default_import(files["default"], organisation, supplier)
    if connection.vendor == "postgresql":
        figures["copy_s"] = copy_rows(files["direct"])
    xlsx_job, figures["xlsx_s"] = timed(lambda: job_import_direct(job=job_for("xlsx")) if files.get("xlsx") else None)
    figures["xlsx_totals"] = check(xlsx_job, "xlsx")
    if "stock" in KINDS:
        figures.update(stock_feed(organisation))
    figures["offers"] = Offer.objects.count()
    return figures


def default_import(path, organisation, supplier):
    """django-import-export 4 as documented: a ModelResource, row by row, in one transaction."""
    import tablib
    from import_export import fields, resources, widgets

    from offers.models import Product, ProductCategory

    class ProductResource(resources.ModelResource):
        supplier_reference = fields.Field(attribute="supplier_reference", column_name="Code article")
        name = fields.Field(attribute="name", column_name="Désignation")
        gtin = fields.Field(attribute="gtin", column_name="EAN")
        brand = fields.Field(attribute="brand", column_name="Marque")
        provenance = fields.Field(attribute="provenance", column_name="Origine")
        category = fields.Field(attribute="category", column_name="Famille",
                                widget=widgets.ForeignKeyWidget(ProductCategory, field="name"))  # fmt: skip

        class Meta:
            model = Product
            import_id_fields = ["supplier_reference"]
            fields = ("supplier_reference", "name", "gtin", "brand", "provenance", "category")

        def before_save_instance(self, instance, row, **kwargs):
            instance.organisation, instance.producer = organisation, supplier

    with open(path, encoding="cp1252") as stream:
        lines = list(csv.reader(stream, delimiter=";"))[2:]
    dataset = tablib.Dataset(*lines[1:], headers=lines[0])
    result, seconds = timed(lambda: ProductResource().import_data(dataset, use_transactions=True))
    assert not result.has_errors() and not result.has_validation_errors(), result.totals
    return seconds, len(dataset)


def copy_rows(path) -> float:
    from django.db import connection, transaction

    with open(path, encoding="cp1252") as stream:
        text = "".join(stream.readlines()[3:])
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMPORARY TABLE catalogue_copy (reference varchar(60), name varchar(200), gtin varchar(14), "
            "price numeric(12, 4), vat numeric(4, 2), case_size integer, brand varchar(100), "
            "origin varchar(200), family varchar(120)) ON COMMIT DROP"
        )
        cursor.execute("SET LOCAL lc_numeric TO 'C'")
        text = text.replace(",", ".")  # COPY reads decimal points only; no other commas in these rows
        started = time.perf_counter()
        with cursor.copy("COPY catalogue_copy FROM STDIN WITH (FORMAT csv, DELIMITER ';')") as copy:
            copy.write(text)
        return time.perf_counter() - started


def copy_written_rows(supplier) -> float:
    """COPY of the rows the direct import wrote (the supplier's products and their offers, as stored) into empty
    tables shaped like the real ones, with their indexes, defaults and checks (``LIKE … INCLUDING ALL``)."""
    from django.db import connection, transaction

    from offers.models import Offer, Product

    products = f"SELECT id FROM {Product._meta.db_table} WHERE producer_id = {supplier.pk}"
    seconds = 0.0
    with transaction.atomic(), connection.cursor() as cursor:
        for model, condition in ((Product, f"id IN ({products})"), (Offer, f"product_id IN ({products})")):
            table = model._meta.db_table
            columns = ", ".join(f.column for f in model._meta.concrete_fields if not f.generated)
            buffer = io.BytesIO()
            with cursor.copy(f"COPY (SELECT {columns} FROM {table} WHERE {condition}) TO STDOUT") as copy:
                for data in copy:
                    buffer.write(data)
            cursor.execute(f"CREATE TEMPORARY TABLE copy_{table} (LIKE {table} INCLUDING ALL) ON COMMIT DROP")
            started = time.perf_counter()
            with cursor.copy(f"COPY copy_{table} ({columns}) FROM STDIN") as copy:
                copy.write(buffer.getvalue())
            seconds += time.perf_counter() - started
    return seconds


def stock_feed(organisation) -> dict:
    from imports.choices import ImportStatus
    from imports.jobs import import_job_create, job_import_direct
    from offers.bulk import CatalogueWriter, catalogue_line
    from offers.models import Producer
    from offers.services import producer_save
    from shops.models import Shop
    from shops.services import shop_save

    producer = producer_save(producer=Producer(organisation=organisation, name="Ferme du Bois"))
    shop = shop_save(shop=Shop(organisation=organisation, name="Boutique du Bois", address="2 rue Oberkampf",
                               postcode="75011", city="Paris"))  # fmt: skip
    writer = CatalogueWriter(organisation=organisation, supplier=producer, shop=shop)
    numbers = range(5_000_000, 5_020_000)
    for start in range(0, len(numbers), 2000):
        writer.write([catalogue_line(reference=f"FB-{n}", gtin=ean13(n), name=f"Produit {n}",
                                     price_excl_tax=1, vat_rate=5.5) for n in numbers[start : start + 2000]])  # fmt: skip
    buffer = io.StringIO()
    feed = csv.writer(buffer, delimiter=";")
    feed.writerow(["EAN", "Quantité"])
    feed.writerows([ean13(n), random.Random(n).randrange(0, 50)] for n in numbers)
    job = import_job_create(kind="stock", organisation=organisation, actor=None, name="stock.csv",
                            data=buffer.getvalue().encode(), shop=shop, options={"mode": "snapshot"},
                            preview=False)  # fmt: skip
    settle()
    job, seconds = timed(lambda: job_import_direct(job=job))
    assert job.status == ImportStatus.DONE, (job.status, job.message, job.errors[:3])
    return {"stock_s": seconds, "stock_totals": job.totals}


# The parent: both engines, then the table.


def report(rows: int, results: list[dict]) -> None:
    print(f"\n{rows:,} rows per catalogue file (half new, half changed); seconds unless said; target in brackets\n")
    for figures in results:
        engine, samples = figures["engine"], figures["samples"]
        scaled_default = figures["default_s"] * rows / figures["default_rows"]
        print(f"== {engine} ({figures['offers']:,} offers at the end)")
        lines = [
            (f"direct import (median of {len(samples['direct_s'])})",
             f"{figures['direct_s']:.1f} s, {rows / figures['direct_s']:,.0f} rows/s",
             f"≤ {TARGETS['direct']:.0f} s", figures["direct_s"] <= TARGETS["direct"]),
            ("  counts", json.dumps(figures["direct_totals"]), "", None),
            ("  peak memory of the process", f"{figures['peak_mb']:.0f} MB (before: {figures['peak_mb_before']:.0f})",
             f"< {TARGETS['memory_mb']} MB", figures["peak_mb"] < TARGETS["memory_mb"]),
            ("  search index refresh (background task)",
             f"{figures['reindex_s']:.1f} s for {figures['reindexed']:,} new offers, "
             f"{figures['reindex_s'] * rows / figures['reindexed']:.0f} s scaled", "", None),
            ("django-import-export default, scaled",
             f"{scaled_default:.0f} s ({figures['default_s']:.1f} s for {figures['default_rows']:,}); "
             f"ours {scaled_default / figures['direct_s']:.1f}× faster",
             f"≥ {TARGETS['vs_default']:.0f}×", scaled_default / figures["direct_s"] >= TARGETS["vs_default"]),
            ("preview + confirm",
             f"{figures['preview_s']:.1f} + {figures['confirm_s']:.1f} s; "
             f"{figures['preview_confirm_s'] / figures['direct_s']:.2f}× direct",
             f"≤ {TARGETS['preview_confirm']}×",
             figures["preview_confirm_s"] / figures["direct_s"] <= TARGETS["preview_confirm"]),
            ("  samples: direct / preview + confirm",
             " ".join(f"{value:.1f}" for value in samples["direct_s"]) + " / "
             + " ".join(f"{p + c:.1f}" for p, c in zip(samples["preview_s"], samples["confirm_s"])), "", None),
            ("8,000-line xlsx price list, direct", f"{figures['xlsx_s']:.1f} s", "", None),
        ]  # fmt: skip
        if "copy_s" in figures:
            ratio = figures["direct_s"] / figures["copy_s"]
            lines.append(("COPY of the file's cells (9 columns)", f"{figures['copy_s']:.2f} s; ours {ratio:.1f}× COPY",
                          f"≤ {TARGETS['vs_copy']:.0f}×", ratio <= TARGETS["vs_copy"]))  # fmt: skip
            ratio = figures["direct_s"] / figures["copy_tables_s"]
            lines.append(("COPY of the products and offers written",
                          f"{figures['copy_tables_s']:.2f} s; ours {ratio:.1f}× COPY",
                          f"≤ {TARGETS['vs_copy']:.0f}×", ratio <= TARGETS["vs_copy"]))  # fmt: skip
        if "stock_s" in figures:
            lines.append(("20,000-line stock feed", f"{figures['stock_s']:.2f} s {json.dumps(figures['stock_totals'])}",
                          f"< {TARGETS['stock_feed']:.0f} s", figures["stock_s"] < TARGETS["stock_feed"]))  # fmt: skip
        for label, value, target, met in lines:
            verdict = "" if met is None else ("met" if met else "NOT MET")
            print(f"{label:42} {value:70} {target:8} {verdict}")
        print()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--engines", default="sqlite,postgresql")
    parser.add_argument("--server", default="postgres://postgres@127.0.0.1:5432", help="PostgreSQL server URL")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--files", help=argparse.SUPPRESS)
    parser.add_argument("--phase", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.server, json.loads(args.files), args.phase)))
        return
    started = time.perf_counter()
    files = make_files(args.rows)
    print(f"files written in {time.perf_counter() - started:.0f} s; 2 cores, load average {os.getloadavg()[0]:.2f}")
    results = []
    # Preview + confirm and direct imports alternate, each on its own copy of the seeded database; the figures
    # are the medians of REPEATS of each. The last direct import also runs the other measures.
    phases = ("seed", *("preview", "direct") * (REPEATS - 1), "preview", "rest")
    for engine in args.engines.split(","):
        figures, samples = {}, {"direct_s": [], "preview_s": [], "confirm_s": []}
        for phase in phases:
            output = subprocess.run(
                [sys.executable, __file__, "--child", engine, "--phase", phase, "--server", args.server,
                 "--files", json.dumps(files)],
                cwd=ROOT, capture_output=True, text=True,
            )  # fmt: skip
            if output.returncode:
                sys.exit(f"{engine} {phase} failed:\n{output.stderr[-3000:]}")
            measured = json.loads(output.stdout.strip().splitlines()[-1])
            for key, values in samples.items():
                if key in measured:
                    values.append(measured[key])
            figures.update(measured)
            if phase == "seed":
                keep_seeded(engine, args.server)
        # Both phases imported the same file into the same database: they must have done the same.
        assert figures["preview_totals"] == figures["direct_totals"], (
            figures["preview_totals"],
            figures["direct_totals"],
        )
        figures.update({key: statistics.median(values) for key, values in samples.items()}, samples=samples)
        figures["preview_confirm_s"] = statistics.median(
            [preview + confirm for preview, confirm in zip(samples["preview_s"], samples["confirm_s"])]
        )
        results.append(figures)
    report(args.rows, results)


if __name__ == "__main__":
    main()
