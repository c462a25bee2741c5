"""What the benchmarks share: a demo database at a given scale, and timing in milliseconds."""

import io
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / "bench" / ".data"


def percentile(samples, fraction):
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def measure_call(function, requests):
    """p50 and p95 of ``function``'s duration in ms, after five warm-up calls."""
    for _ in range(5):
        function()
    samples = []
    for _ in range(requests):
        start = time.perf_counter()
        function()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples), percentile(samples, 0.95)


def measure(client, url, requests):
    """p50 and p95 of a GET of ``url`` through the test client, in ms; every answer must be a 200."""

    def get():
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)

    return measure_call(get, requests)


def demo_database(*, name: str, scale: int):
    """Set Django up on the benchmark's own SQLite file (or DATABASE_URL when set), with the demo data
    loaded once at ``scale`` and fresh planner statistics, as autovacuum would give after a bulk load."""
    sys.path.insert(0, str(ROOT))
    DATA_DIR.mkdir(exist_ok=True)
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{DATA_DIR / f'{name}-scale-{scale}.sqlite3'}")
    os.environ.setdefault("MEDIA_ROOT", str(DATA_DIR / "media"))
    os.environ["DJANGO_SETTINGS_MODULE"] = "pivot_site.settings.dev"

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    from shops.models import Shop

    call_command("migrate", verbosity=0)
    if Shop.objects.count() < 14 * scale:
        started = time.monotonic()
        call_command("load_demo_data", scale=scale, stdout=io.StringIO())
        print(f"demo data loaded in {time.monotonic() - started:.0f} s")
    with connection.cursor() as cursor:
        # PostgreSQL's VACUUM also sets the visibility map that index-only scans need, as autovacuum would.
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    settings.DEBUG = False
