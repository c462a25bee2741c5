"""Server time of the read API on demo data at scale, side by side with a trivial Django view.

    .venv/bin/python bench/api.py [--scale 10] [--requests 200]

Runs in-process through Django's test client against its own SQLite file (bench/.data/)
or against DATABASE_URL when set; the demo data is loaded once with load_demo_data --scale.
"""

import argparse
import io
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def percentile(samples, fraction):
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def measure(client, url, requests):
    for _ in range(5):
        client.get(url)
    samples = []
    for _ in range(requests):
        start = time.perf_counter()
        response = client.get(url)
        samples.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return statistics.median(samples), percentile(samples, 0.95)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=int, default=10)
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()

    data_dir = ROOT / "bench" / ".data"
    data_dir.mkdir(exist_ok=True)
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{data_dir / f'api-scale-{args.scale}.sqlite3'}")
    os.environ.setdefault("MEDIA_ROOT", str(data_dir / "media"))
    os.environ["DJANGO_SETTINGS_MODULE"] = "pivot_site.settings.dev"

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import override_settings

    from offers.models import Offer, ProductCategory
    from shops.models import Shop

    call_command("migrate", verbosity=0)
    if Offer.objects.count() < 1000 * args.scale:
        call_command("load_demo_data", scale=args.scale, stdout=io.StringIO())
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # fresh planner statistics after the bulk load, as autovacuum would give
    settings.DEBUG = False
    category = ProductCategory.objects.get(name="Chaussures neuves", organisation=None)
    cases = [
        ("trivial Django view (baseline)", "/bench/trivial/"),
        ("offers, first page", "/api/v1/offers/"),
        (
            "offers, category subtree + price range",
            f"/api/v1/offers/?category={category.pk}&min_price=20&max_price=120",
        ),
        ("offers, text search q=chaussure", "/api/v1/offers/?q=chaussure"),
        ("offers, available now, size 38", "/api/v1/offers/?available_now=true&size=38"),
        ("shops near Montreuil", "/api/v1/shops/?near=48.8614,2.4416"),
    ]
    print(f"{Offer.objects.count()} offers, {Shop.objects.count()} shops on {settings.DATABASES['default']['ENGINE']}")
    print(f"{args.requests} requests each, server time in ms (in-process test client)\n")
    print(f"{'case':45} {'p50':>8} {'p95':>8} {'p95 / baseline':>15}")
    with override_settings(ROOT_URLCONF="bench.urls", ALLOWED_HOSTS=["testserver"]):
        client = Client()
        baseline = None
        for label, url in cases:
            p50, p95 = measure(client, url, args.requests)
            baseline = baseline or p95
            print(f"{label:45} {p50:8.1f} {p95:8.1f} {p95 / baseline:14.1f}×")


if __name__ == "__main__":
    main()
