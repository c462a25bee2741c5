"""Server time of the read API on demo data at scale, side by side with a trivial Django view.

    .venv/bin/python bench/api.py [--scale 10] [--requests 200]

Runs in-process through Django's test client against its own SQLite file (bench/.data/)
or against DATABASE_URL when set; the demo data is loaded once with load_demo_data --scale.
"""

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import demo_database, measure  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=int, default=10)
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    demo_database(name="api", scale=args.scale)

    from django.conf import settings
    from django.test import Client
    from django.test.utils import override_settings

    from offers.models import Offer, ProductCategory
    from shops.models import Shop

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
