"""Placing orders through a real HTTP server while buyers contend for the same offers, next to a simple read.

    .venv/bin/python bench/reservations.py [--buyers 50] [--requests 40] [--workers 5] [--keep-db]

Needs PostgreSQL (``--server``, postgres://postgres@127.0.0.1:5432 by default): the row locks that keep
two orders from selling the same unit are the point. The benchmark drops and creates its own database,
pivot_bench_resv, on that server (never DATABASE_URL's, since it is dropped), and drops it at the end unless
``--keep-db``. It holds one organisation, 5 shops, 10 contended offers, 1,000 other offers and one customer
with a token per buyer. gunicorn serves it on a free 127.0.0.1 port with the production settings (DEBUG off,
persistent database connections, sync workers, 2 × cores + 1 of them by default); the client sends
``X-Forwarded-Proto: https`` as the TLS-terminating proxy in front of it would. REDIS_URL and DB_CONN_MAX_AGE,
when set, reach gunicorn (without them: the file cache of bench/.data/ and connections kept 60 s). Each order
queues two e-mails (customer's and shop's) for the django-q2 worker, which is not started: sending them is not
part of placing an order, but a worker on the same machine would take its share of the CPU.

``--buyers`` threads, released together, each send ``--requests`` requests one after the other:
1. contended: POST /api/v1/reservations/ of 1 unit of a random offer among the 10, whose stock covers 80 %
   of the requests, so that the last ones are answered 409 insufficient_stock;
2. baseline: GET /api/v1/shops/ with the same tokens and concurrency;
3. uncontended: the same POST, each buyer on offers of its own among the 1,000.
Latencies are the client's (queueing in gunicorn's listen socket included) and gunicorn's own (the worker's
time, from its access log). At the end, each offer's allocated units must equal the units of its 201 answers.
"""

import argparse
import http.client
import json
import logging
import math
import os
import random
import socket
import statistics
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import DATA_DIR, ROOT, percentile  # noqa: E402

DATABASE = "pivot_bench_resv"
SHOPS = 5
CONTENDED_OFFERS = 10
OTHER_OFFERS = 1000
STOCK_SHARE = 0.8  # of the contended requests that the 10 offers' stock can serve
TARGET_P95_MS = 100
RESERVATIONS = "/api/v1/reservations/"
SHOPS_LIST = "/api/v1/shops/"
# The phase comes in a request header so that the worker's times can be told apart in the access log.
ACCESS_LOG_FORMAT = "%({x-bench-phase}i)s %(s)s %(D)s"


def recreate_database(server: str, *, create: bool = True) -> None:
    import psycopg

    try:
        with psycopg.connect(f"{server}/postgres", autocommit=True, connect_timeout=5) as connection:
            connection.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
            if create:
                connection.execute(f"CREATE DATABASE {DATABASE}")
    except psycopg.OperationalError as error:
        sys.exit(f"This benchmark needs PostgreSQL; none answers at {server} ({error}). Give one with --server.")


def setup_django(server: str) -> None:
    """Django in this process, with the environment that gunicorn will inherit."""
    DATA_DIR.mkdir(exist_ok=True)
    os.environ.update(
        DATABASE_URL=f"{server}/{DATABASE}",
        DJANGO_SETTINGS_MODULE="pivot_site.settings.production",
        SECRET_KEY="bench-reservations-not-a-secret",
        ALLOWED_HOSTS="127.0.0.1",
        # Production without Redis keeps the page cache's generation in files; each order bumps it.
        PIVOT_CACHE_DIR=str(DATA_DIR / "reservations-cache"),
        MEDIA_ROOT=str(DATA_DIR / "media"),
    )
    import django

    django.setup()
    logging.getLogger().setLevel(logging.WARNING)  # production logs every search-index task of the seeding
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def seed(*, buyers: int, contended_stock: int, other_stock: int):
    """Offers and customers made through the services, as the admin and the API make them."""
    from django.contrib.auth import get_user_model
    from django.db import connection
    from rest_framework.authtoken.models import Token

    from offers.models import Offer, Product
    from tests import factories

    organisation = factories.OrganisationFactory(email="commandes@example.org")  # shops hear of each order
    shops = [factories.ShopFactory(organisation=organisation) for _ in range(SHOPS)]

    def offers(label, count, stock):
        """One offer per shop through the service, the others copies of those in one INSERT (a thousand service
        calls take minutes), all listed. Each has a product of its own: the routing may serve a line from any
        offer of the same product in the pickup shop, which would spread the contention over more rows."""
        made = [factories.OfferFactory(organisation=organisation, shop=shop, stock_on_hand=stock) for shop in shops]
        templates = [made[n % SHOPS] for n in range(count - SHOPS)]
        products = Product.objects.bulk_create(
            Product(organisation=organisation, name=f"{label} {n}", category_id=template.category_id)
            for n, template in enumerate(templates)
        )
        fields = [field.attname for field in Offer._meta.concrete_fields if not (field.primary_key or field.generated)]
        made += Offer.objects.bulk_create(
            Offer(**{name: getattr(template, name) for name in fields} | {"product_id": product.pk})
            for template, product in zip(templates, products, strict=True)
        )
        return [(offer.pk, offer.shop_id) for offer in made]

    contended = offers("contended", CONTENDED_OFFERS, contended_stock)
    others = offers("other", max(OTHER_OFFERS, buyers), other_stock)
    users = get_user_model().objects
    tokens = [
        Token.objects.create(user=users.create_user(f"buyer{n}", f"buyer{n}@example.org")).key for n in range(buyers)
    ]
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")  # what autovacuum would do after the bulk load
    return contended, others, tokens


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(port: int, workers: int) -> subprocess.Popen:
    """gunicorn as deployed; returns once it answers, or exits with the end of its log."""
    (DATA_DIR / "reservations-gunicorn-access.log").unlink(missing_ok=True)
    with open(DATA_DIR / "reservations-gunicorn.log", "w") as output:  # its log and Django's (a warning per 409)
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "pivot_site.wsgi", "--bind", f"127.0.0.1:{port}"]
            + ["--workers", str(workers), "--access-logformat", ACCESS_LOG_FORMAT]
            + ["--access-logfile", str(DATA_DIR / "reservations-gunicorn-access.log")],
            cwd=ROOT,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and server.poll() is None:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", SHOPS_LIST, headers={"X-Forwarded-Proto": "https"})
            if connection.getresponse().status == 200:
                return server
        except OSError:
            time.sleep(0.2)
    stop_server(server)
    log = (DATA_DIR / "reservations-gunicorn.log").read_text()[-3000:]
    sys.exit(f"gunicorn did not answer on 127.0.0.1:{port}:\n{log}")


def stop_server(server: subprocess.Popen) -> None:
    server.terminate()  # SIGTERM: gunicorn finishes the requests under way, then stops its workers
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


class Buyer:
    """One customer on one connection, reopened by http.client whenever the server closes it."""

    def __init__(self, port: int, token: str):
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        self.headers = {"Authorization": f"Token {token}", "X-Forwarded-Proto": "https"}

    def send(self, phase: str, method: str, path: str, body=None):
        """(status, ms, content) of one request; a POST gets a new Idempotency-Key, so each one is a new order."""
        headers = {**self.headers, "X-Bench-Phase": phase}
        if body is not None:
            headers |= {"Content-Type": "application/json", "Idempotency-Key": uuid.uuid4().hex}
        started = time.perf_counter()
        self.connection.request(method, path, body=None if body is None else json.dumps(body), headers=headers)
        response = self.connection.getresponse()
        content = response.read()
        return response.status, (time.perf_counter() - started) * 1000, content


def order(offer) -> dict:
    offer_id, shop_id = offer
    return {"lines": [{"offer": offer_id, "quantity": 1}], "fulfilment": "pickup", "pickup_shop": shop_id}


def run_phase(buyers, phase: str, requests: int, request_of, allowed_statuses):
    """Every buyer sends ``request_of(buyer_index, n)`` for n < requests, all starting at once.

    Returns the answers (status, ms, the (offer, units) lines of a placed order) and the seconds from the start
    to the last answer.
    """
    answers = [[] for _ in buyers]
    errors = []
    started = []
    barrier = threading.Barrier(len(buyers), action=lambda: started.append(time.perf_counter()))

    def run(index, buyer):
        try:
            barrier.wait()
            for n in range(requests):
                status, ms, content = buyer.send(phase, *request_of(index, n))
                if status not in allowed_statuses:
                    raise RuntimeError(f"{phase}: {status} {content[:300]!r}")
                lines = json.loads(content)["lines"] if status == 201 else []
                answers[index].append((status, ms, [(line["offer"], line["quantity"]) for line in lines]))
        except Exception as error:
            errors.append(error)
            barrier.abort()

    threads = [threading.Thread(target=run, args=(index, buyer)) for index, buyer in enumerate(buyers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
    return [answer for mine in answers for answer in mine], time.perf_counter() - started[0]


def worker_times() -> dict:
    """Milliseconds spent by the workers on each request, by (phase, status), from gunicorn's access log."""
    times = defaultdict(list)
    for line in (DATA_DIR / "reservations-gunicorn-access.log").read_text().splitlines():
        phase, status, microseconds = line.split()
        times[phase, int(status)].append(int(microseconds) / 1000)
    return times


def check_no_oversell(answers) -> str:
    """Each offer's allocated units are those of the 201 answers' lines (the offers that served them), never more
    than its stock, and each 201 is one order."""
    from baskets.models import Reservation
    from offers.models import Offer

    sold = Counter()
    for _status, _ms, lines in answers:
        for offer, units in lines:
            sold[offer] += units
    rows = Offer.objects.values_list("pk", "stock_on_hand", "stock_allocated")
    wrong = [(pk, on_hand, allocated, sold[pk]) for pk, on_hand, allocated in rows if allocated != sold[pk]]
    wrong += [(pk, on_hand, allocated, sold[pk]) for pk, on_hand, allocated in rows if allocated > on_hand]
    if wrong or Reservation.objects.count() != sum(status == 201 for status, _ms, _lines in answers):
        sys.exit(f"OVERSOLD or lost units (offer, on hand, allocated, units in 201 answers): {wrong[:10]}")
    return f"{sum(sold.values())} units allocated = units in 201 answers, offer by offer; none beyond its stock"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--server", default="postgres://postgres@127.0.0.1:5432", help="PostgreSQL server URL")
    parser.add_argument("--buyers", type=int, default=50, help="concurrent clients")
    parser.add_argument("--requests", type=int, default=40, help="requests per buyer and phase")
    parser.add_argument("--workers", type=int, default=2 * os.cpu_count() + 1, help="gunicorn workers")
    parser.add_argument("--keep-db", action="store_true", help=f"leave the {DATABASE} database for inspection")
    args = parser.parse_args()

    load_before = os.getloadavg()[0]
    recreate_database(args.server)
    setup_django(args.server)
    contended_stock = math.ceil(STOCK_SHARE * args.buyers * args.requests / CONTENDED_OFFERS)
    contended, others, tokens = seed(buyers=args.buyers, contended_stock=contended_stock, other_stock=args.requests + 1)
    own_offers = [others[index :: args.buyers] for index in range(args.buyers)]

    from django.conf import settings
    from django.db import connection

    database = settings.DATABASES["default"]
    print(
        f"PostgreSQL {connection.pg_version // 10000}.{connection.pg_version % 10000}, database {DATABASE}: "
        f"{CONTENDED_OFFERS} contended offers of {contended_stock} units, {len(others)} others, {SHOPS} shops, "
        f"{args.buyers} customers with a token"
    )
    print(
        f"gunicorn: {args.workers} sync workers, production settings, CONN_MAX_AGE={database['CONN_MAX_AGE']}; "
        f"{args.buyers} buyers × {args.requests} requests per phase; {os.cpu_count()} cores, "
        f"load average {load_before:.2f}\n"
    )

    port = free_port()
    server = start_server(port, args.workers)
    try:
        buyers = [Buyer(port, token) for token in tokens]
        generators = [random.Random(index) for index in range(args.buyers)]
        all_answers = []

        def warm_up(index, n):
            """Every worker imports its views and opens its database connection before the timing starts."""
            return ("POST", RESERVATIONS, order(own_offers[index][-1])) if n == 2 else ("GET", SHOPS_LIST)

        all_answers += run_phase(buyers, "warm-up", 3, warm_up, {200, 201})[0]
        phases = [
            ("contended", "POST, 10 contended offers", {201, 409},
             lambda i, n: ("POST", RESERVATIONS, order(generators[i].choice(contended)))),
            ("baseline", "GET /api/v1/shops/ (baseline)", {200}, lambda i, n: ("GET", SHOPS_LIST)),
            ("uncontended", "POST, each buyer its own offers", {201},
             lambda i, n: ("POST", RESERVATIONS, order(own_offers[i][n % len(own_offers[i])]))),
        ]  # fmt: skip
        results = {}
        for phase, label, statuses, request_of in phases:
            answers, seconds = run_phase(buyers, phase, args.requests, request_of, statuses)
            all_answers += answers
            results[phase] = (label, answers, seconds)
    finally:
        stop_server(server)

    workers = worker_times()
    print(f"{'case':36} {'answers':>9} {'p50':>7} {'p95':>7} {'worker p50':>11} {'worker p95':>11} {'req/s':>7}"
          f" {'p50/GET':>8} {'p95/GET':>8} {'req/s/GET':>10}")  # fmt: skip
    _label, baseline_answers, baseline_seconds = results["baseline"]
    baseline = [ms for _status, ms, _lines in baseline_answers]
    base_p50, base_p95 = statistics.median(baseline), percentile(baseline, 0.95)
    base_rate = len(baseline) / baseline_seconds
    for phase, (label, answers, seconds) in results.items():
        statuses = sorted({status for status, _ms, _lines in answers})
        rows = [(label, answers, statuses)]
        if len(statuses) > 1:
            rows += [(f"  of which {status}", [a for a in answers if a[0] == status], [status]) for status in statuses]
        for row_label, row_answers, row_statuses in rows:
            latencies = [ms for _status, ms, _lines in row_answers]
            worker = [ms for status in row_statuses for ms in workers[phase, status]]
            p50, p95 = statistics.median(latencies), percentile(latencies, 0.95)
            rate = len(row_answers) / seconds
            print(
                f"{row_label:36} {len(row_answers):9} {p50:7.1f} {p95:7.1f} {statistics.median(worker):11.1f} "
                f"{percentile(worker, 0.95):11.1f} {rate:7.0f} {p50 / base_p50:7.1f}× {p95 / base_p95:7.1f}× "
                f"{rate / base_rate:9.2f}×"
            )
    contended_p95 = percentile([ms for _status, ms, _lines in results["contended"][1]], 0.95)
    verdict = "met" if contended_p95 < TARGET_P95_MS else "NOT met"
    print(f"\ncontended p95 {contended_p95:.1f} ms: target < {TARGET_P95_MS} ms {verdict}")
    print(f"oversell check: {check_no_oversell(all_answers)}")
    print(f"load average at the end: {os.getloadavg()[0]:.2f}")
    if not args.keep_db:
        recreate_database(args.server, create=False)


if __name__ == "__main__":
    main()
