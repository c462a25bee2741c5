"""Server time of the storefront on demo data at scale, side by side with a trivial Django view.

    .venv/bin/python bench/storefront.py [--scale 72] [--requests 100]

``--scale 72`` loads 1,008 shops and about 116,000 offers (the issue asks for at least 1,000 shops and
10,000 offers). Runs in-process through Django's test client against its own SQLite file (bench/.data/)
or against DATABASE_URL when set; the demo data is loaded once. The page cache for anonymous visitors
is switched off for every line but the last, so that the figures are the work of a cache miss.
"""

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import demo_database, measure, measure_call  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=int, default=72)
    parser.add_argument("--requests", type=int, default=100)
    args = parser.parse_args()
    demo_database(name="storefront", scale=args.scale)

    from django.conf import settings
    from django.test import Client
    from django.test.utils import override_settings

    from cms.models import CatalogPage
    from offers.models import Offer, ProductCategory
    from shops.models import Shop
    from shops.selectors import places_near_page

    catalogue = CatalogPage.objects.live().filter(shop__isnull=True).order_by("depth").first().url
    shoes = ProductCategory.objects.get(name="Chaussures neuves", organisation=None)
    montreuil = (48.8614, 2.4416)
    page_cases = [
        ("trivial Django view (baseline)", "/bench/trivial/"),
        ("catalogue, unfiltered", catalogue),
        ("catalogue, 3 facets (category, size, price)", f"{catalogue}?category={shoes.pk}&size=38&max_price=90"),
        ("catalogue, search q=chaussure cuir", f"{catalogue}?q=chaussure+cuir"),
        ("catalogue, live search fragment q=eta", f"{catalogue}?q=eta&partial=1"),
        ("catalogue, 10 km around 93100 by distance", f"{catalogue}?ou=93100&radius=10&sort=distance"),
        ("autocomplete q=cha", "/api/v1/offers/autocomplete/?q=cha"),
        ("autocomplete q=etag", "/api/v1/offers/autocomplete/?q=etag"),
        ("shops near me page, ou=93100", "/boutiques-pres-de-chez-moi/?ou=93100"),
    ]
    print(f"{Offer.objects.count()} offers, {Shop.objects.count()} shops on {settings.DATABASES['default']['ENGINE']}")
    print(f"{args.requests} requests each, server time in ms (in-process test client)\n")
    print(f"{'case':48} {'p50':>8} {'p95':>8} {'p95 / baseline':>15}")

    def line(label, p50, p95, baseline):
        print(f"{label:48} {p50:8.1f} {p95:8.1f} {p95 / baseline:14.1f}×")

    with override_settings(ROOT_URLCONF="bench.urls", ALLOWED_HOSTS=["testserver"], PIVOT_PAGE_CACHE_SECONDS=0):
        client = Client()
        baseline = None
        for label, url in page_cases:
            p50, p95 = measure(client, url, args.requests)
            baseline = baseline or p95
            line(label, p50, p95, baseline)
        p50, p95 = measure_call(
            lambda: places_near_page(latitude=montreuil[0], longitude=montreuil[1], page_number=1), args.requests
        )
        line("nearest shops and depots query (20 of them)", p50, p95, baseline)
    with override_settings(ROOT_URLCONF="bench.urls", ALLOWED_HOSTS=["testserver"]):
        p50, p95 = measure(Client(), catalogue, args.requests)
        line("catalogue, unfiltered, page cache on", p50, p95, baseline)


if __name__ == "__main__":
    main()
