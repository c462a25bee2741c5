"""Shops' stock feeds: the rules of a line, snapshots and deltas applied in bulk through the import pipeline,
reports, the stale-stock selector and admin page, and the shops' keys."""

import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from stdnum import ean

from baskets.services import LineRequest, reservation_create
from imports.choices import ImportStatus
from imports.jobs import import_job_create, job_import_direct
from imports.kinds import get_kind
from imports.models import ImportJob, StockFeedToken
from imports.selectors import shops_feed_status
from imports.stock_kind import lines_to_csv, stock_feed_submit
from imports.stock_tokens import key_hash, stock_feed_token_create, stock_feed_token_revoke
from offers.exceptions import InvalidOffer
from offers.models import Offer, Product
from offers.stock_feed import StockFeedWriter, StockLine, stock_line
from tests import factories
from tests.conftest import is_postgresql

from .conftest import csv_bytes

pytestmark = pytest.mark.django_db


def gtin(n: int) -> str:
    base = f"376{n:09d}"
    return base + ean.calc_check_digit(base)


@pytest.fixture
def shop(org_a):
    return factories.ShopFactory(organisation=org_a, name="Boutique République")


def offer(shop, *, stock=5, **product):
    product.setdefault("organisation", shop.organisation)
    return factories.OfferFactory(
        organisation=shop.organisation, shop=shop, stock_on_hand=stock, product=factories.ProductFactory(**product)
    )


def bulk_offers(shop, count, *, stock=5):
    """``count`` offers with EANs ``gtin(0..count-1)``, written in bulk (factories would take minutes)."""
    category = factories.ProductCategoryFactory()
    products = Product.objects.bulk_create(
        Product(organisation=shop.organisation, name=f"Article {n}", category=category, gtin=gtin(n))
        for n in range(count)
    )
    return Offer.objects.bulk_create(
        Offer(organisation=shop.organisation, shop=shop, product=product, category=category,
              price_excl_tax=Decimal("10"), stock_on_hand=stock, status="published", listed=True)
        for product in products
    )  # fmt: skip


def allocate(offer, units):
    """``units`` held by a real order."""
    customer = factories.UserFactory()
    reservation_create(
        customer=customer, lines=[LineRequest(offer.pk, units)], fulfilment="pickup", pickup_shop_id=offer.shop_id
    )


def feed(shop, rows, capture, *, mode="snapshot", actor=None, headings=("EAN", "Quantité")):
    with capture(execute=True):
        job = stock_feed_submit(
            shop=shop, mode=mode, data=csv_bytes([list(headings), *rows]), name="stock.csv", actor=actor
        )
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE, (job.status, job.message, job.errors)
    return job


def stock(*offers):
    return [Offer.objects.get(pk=o.pk).stock_on_hand for o in offers]


def notes(job):
    return {error["line"]: error["message"] for error in job.errors if error.get("note")}


def errors(job):
    return {error["line"]: (error["column"], error["message"]) for error in job.errors if not error.get("note")}


# A line on its own


def test_a_line_needs_a_code_and_a_whole_quantity_within_the_ceiling(english):
    assert stock_line(code=" 376 0123 45678 9 ", quantity=3) == StockLine("3760123456789", 3)
    assert stock_line(code=" Derby-42 ", quantity=Decimal("3.000")) == StockLine("Derby-42", 3)
    assert stock_line(code=3760123456789, quantity="7") == StockLine("3760123456789", 7)
    assert stock_line(code="A", quantity=-4).quantity == -4  # a sale, in a delta feed
    assert stock_line(code="A", quantity=10_000).quantity == 10_000
    for code, quantity, field, words in [
        ("", 1, "code", "Give the EAN"),
        ("A", None, "quantity", "Give the quantity"),
        ("A", Decimal("2.5"), "quantity", "not a whole number"),
        ("A", 2.5, "quantity", "not a whole number"),
        ("A", "deux", "quantity", "not a whole number"),
        ("A", True, "quantity", "not a whole number"),
        ("A", Decimal("NaN"), "quantity", "not a whole number"),
        ("A", 10_001, "quantity", "more than the"),
        ("A", -10_001, "quantity", "more than the"),
        ("A", Decimal("1e400"), "quantity", "more than the"),
        ("x" * 101, 1, "code", "at most 100"),
    ]:
        with pytest.raises(InvalidOffer) as refused:
            stock_line(code=code, quantity=quantity)
        assert refused.value.field == field, (code, quantity)
        assert words in refused.value.message, (code, quantity, refused.value.message)
    with pytest.raises(InvalidOffer) as refused:
        stock_line(code="A", quantity=-1, mode="snapshot")
    assert refused.value.field == "quantity" and refused.value.code == "negative_quantity"
    with pytest.raises(InvalidOffer):
        stock_line(code="A", quantity=6, ceiling=5)


def test_the_ceiling_is_a_setting(settings, english):
    settings.PIVOT_STOCK_FEED_MAX_QUANTITY = 50
    assert stock_line(code="A", quantity=50).quantity == 50
    with pytest.raises(InvalidOffer):
        stock_line(code="A", quantity=51)


# Snapshots and deltas through the pipeline


def test_a_snapshot_sets_the_stock_and_takes_absent_offers_to_zero(
    shop, staff_a, english, django_capture_on_commit_callbacks
):
    by_gtin = offer(shop, gtin=gtin(1), stock=5)
    by_reference = offer(shop, supplier_reference="DERBY-42", stock=5)
    by_model = offer(shop, model_code="Chelsea boot", stock=1)
    absent = offer(shop, gtin=gtin(4), stock=8)
    unlimited = factories.OfferFactory(organisation=shop.organisation, shop=shop, unlimited_stock=True, stock_on_hand=3)
    archived = offer(shop, gtin=gtin(6), stock=2)
    Offer.objects.filter(pk=archived.pk).update(status="archived")
    elsewhere = offer(factories.ShopFactory(organisation=shop.organisation), gtin=gtin(7), stock=9)

    job = feed(
        shop,
        [[" 376 000000001 " + gtin(1)[-1], "3"], ["DERBY-42", "5"], ["Chelsea boot", "7"], [gtin(99), "4"]],
        django_capture_on_commit_callbacks,
        actor=staff_a,
    )

    assert stock(by_gtin, by_reference, by_model, absent, unlimited, archived, elsewhere) == [3, 5, 7, 0, 3, 2, 9]
    assert job.totals == {
        "created": 0, "updated": 2, "unchanged": 1, "archived": 0, "rejected": 0, "unknown": 1, "clamped": 0,
        "zeroed": 1,
    }  # fmt: skip
    assert notes(job) == {5: f"No offer of this shop has the EAN or reference “{gtin(99)}”: line ignored."}
    assert job.options == {"mode": "snapshot", "valid_rows_only": True}
    assert job.created_by == staff_a and job.shop == shop and job.rows_done == 4


def test_a_delta_adds_and_removes_units_never_below_zero(shop, english, django_capture_on_commit_callbacks):
    sold, delivered, oversold, untouched = (offer(shop, gtin=gtin(n), stock=5) for n in range(4))

    job = feed(
        shop, [[gtin(0), "-2"], [gtin(1), "+10"], [gtin(2), "-9"]], django_capture_on_commit_callbacks, mode="delta"
    )

    assert stock(sold, delivered, oversold, untouched) == [3, 15, 0, 5]
    assert job.totals["updated"] == 3 and job.totals["clamped"] == 1 and job.totals["zeroed"] == 0
    assert "the stock cannot go below 0, so it is set to 0, not -4" in notes(job)[4]


def test_the_stock_never_goes_below_what_orders_hold(shop, english, django_capture_on_commit_callbacks):
    listed, absent, fine = (offer(shop, gtin=gtin(n), stock=5, name=f"Derby {n}") for n in range(3))
    allocate(listed, 2)
    allocate(absent, 3)

    job = feed(shop, [[gtin(0), "0"], [gtin(2), "4"]], django_capture_on_commit_callbacks)

    assert stock(listed, absent, fine) == [2, 3, 4]
    assert Offer.objects.get(pk=listed.pk).stock_allocated == 2
    assert job.totals["clamped"] == 2 and job.totals["zeroed"] == 1
    assert notes(job)[2] == (
        f"“Derby 0” ({gtin(0)}): 2 units are allocated to orders, so its stock is set to 2, not 0."
    )
    assert notes(job)[None] == (
        f"“Derby 1” ({gtin(1)}) is not in the feed: 3 units are allocated to orders, so its stock is set to 3, not 0."
    )

    delta = feed(shop, [[gtin(0), "-5"]], django_capture_on_commit_callbacks, mode="delta")
    assert stock(listed) == [2] and delta.totals["clamped"] == 1


def test_bad_quantities_are_refused_and_reported_and_the_other_lines_apply(
    shop, english, django_capture_on_commit_callbacks
):
    offers = [offer(shop, gtin=gtin(n), stock=5) for n in range(5)]

    job = feed(
        shop,
        [[gtin(0), "-1"], [gtin(1), "2,5"], [gtin(2), "99999"], [gtin(3), "deux"], [gtin(4), "1"], [gtin(4), "2"]],
        django_capture_on_commit_callbacks,
    )

    # Refused lines count as absent in a full stock: their offers go to 0 like the ones left out.
    assert stock(*offers) == [0, 0, 0, 0, 1]
    assert job.totals["rejected"] == 5 and job.totals["updated"] == 1 and job.totals["zeroed"] == 4
    found = errors(job)
    assert found[2] == ("", "A full stock cannot be negative: give the units on the shelf (0 when none are left).")
    assert found[3] == ("Quantité", "“2.5” is not a whole number of units.")
    assert found[4][0] == "Quantité" and "more than the 10" in found[4][1]
    assert found[5] == ("Quantité", "“deux” is not a whole number of units.")
    assert found[7][0] == "EAN" and "Same “EAN” as line 6" in found[7][1]


def test_unique_items_hold_one_unit_at_most(shop, english, django_capture_on_commit_callbacks):
    armchair = offer(shop, gtin=gtin(1), stock=1, is_unique_item=True, condition="good")
    lamp = offer(shop, gtin=gtin(2), stock=0, is_unique_item=True, condition="good")

    job = feed(shop, [[gtin(1), "2"], [gtin(2), "1"]], django_capture_on_commit_callbacks)
    assert stock(armchair, lamp) == [0, 1]  # the refused line counts as absent
    assert "is a unique item: its stock is 0 or 1, not 2" in errors(job)[2][1]

    feed(shop, [[gtin(1), "1"]], django_capture_on_commit_callbacks, mode="delta")
    job = feed(shop, [[gtin(1), "1"]], django_capture_on_commit_callbacks, mode="delta")
    assert stock(armchair) == [1] and job.totals["rejected"] == 1


def test_ambiguous_codes_and_two_codes_of_one_offer_are_refused(shop, english, django_capture_on_commit_callbacks):
    size_40 = offer(shop, gtin=gtin(40), model_code="Chelsea", stock=1)
    size_41 = offer(shop, gtin=gtin(41), model_code="Chelsea", stock=1)
    reference = offer(shop, gtin=gtin(3), supplier_reference="DERBY", stock=1)

    job = feed(
        shop, [["Chelsea", "4"], [gtin(3), "2"], ["DERBY", "5"], [gtin(41), "3"]], django_capture_on_commit_callbacks,
        mode="delta",
    )  # fmt: skip

    assert stock(size_40, size_41, reference) == [1, 4, 3]
    assert "matches 2 offers of this shop" in errors(job)[2][1]
    assert "is the same offer as “" + gtin(3) + "”" in errors(job)[4][1]


def test_an_ean_wins_over_a_reference_and_a_reference_over_a_model(shop, django_capture_on_commit_callbacks):
    by_model = offer(shop, model_code="X-1", stock=0)
    by_reference = offer(shop, supplier_reference="X-1", stock=0)
    feed(shop, [["X-1", "6"]], django_capture_on_commit_callbacks, mode="delta")
    assert stock(by_model, by_reference) == [0, 6]


def test_a_snapshot_naming_no_offer_of_the_shop_changes_nothing(shop, english, django_capture_on_commit_callbacks):
    kept = offer(shop, gtin=gtin(1), stock=5)
    job = feed(shop, [[gtin(99), "3"]], django_capture_on_commit_callbacks)
    assert stock(kept) == [5] and job.totals["zeroed"] == 0 and job.totals["unknown"] == 1
    assert "No line of this feed names an offer of the shop" in notes(job)[None]


def test_a_french_spreadsheet_layout_is_mapped(shop, django_capture_on_commit_callbacks):
    shoe = offer(shop, supplier_reference="BOT-7", stock=0)
    job = feed(
        shop, [["BOT-7", "Bottine", "12"]], django_capture_on_commit_callbacks, headings=("Réf.", "Libellé", "Qté")
    )
    assert stock(shoe) == [12] and job.mapping == {"Réf.": "code", "Libellé": "", "Qté": "quantity"}


def test_json_lines_become_the_csv_a_till_would_send(shop, django_capture_on_commit_callbacks):
    shoe = offer(shop, gtin=gtin(5), stock=0)
    data = lines_to_csv([{"code": gtin(5), "quantity": 4}, {"code": "semi;colon\nnew line", "quantity": 2.0}])
    assert data.decode().splitlines()[0] == "code;quantity"
    with django_capture_on_commit_callbacks(execute=True):
        job = stock_feed_submit(shop=shop, mode="delta", data=data, name="", actor=None)
    job.refresh_from_db()
    assert stock(shoe) == [4] and job.totals["unknown"] == 1 and job.original_name.startswith("stock-")


def test_an_all_or_nothing_feed_with_a_refused_line_leaves_every_stock_untouched(
    shop, staff_a, django_capture_on_commit_callbacks
):
    """The admin's files are all or nothing unless the user asks for the valid rows only."""
    offers = bulk_offers(shop, 2500, stock=5)
    rows = [[gtin(n), "9"] for n in range(2500)] + [[gtin(0) + "0", "-3"]]
    job = import_job_create(
        kind="stock", organisation=shop.organisation, actor=staff_a, name="stock.csv",
        data=csv_bytes([["EAN", "Stock"], *rows]), shop=shop, options={"mode": "snapshot"}, preview=False,
    )  # fmt: skip
    job = job_import_direct(job=job)

    assert job.status == ImportStatus.REJECTED
    assert set(Offer.objects.filter(pk__in=[o.pk for o in offers]).values_list("stock_on_hand", flat=True)) == {5}


def test_a_failure_while_writing_rolls_every_batch_back(shop, staff_a, monkeypatch):
    offers = bulk_offers(shop, 2500, stock=5)
    job = import_job_create(
        kind="stock", organisation=shop.organisation, actor=staff_a, name="stock.csv",
        data=csv_bytes([["EAN", "Stock"], *[[gtin(n), "1"] for n in range(2500)]]), shop=shop,
        options={"mode": "snapshot", "valid_rows_only": True}, preview=False,
    )  # fmt: skip

    def boom(self):
        raise RuntimeError("disk full")

    monkeypatch.setattr(StockFeedWriter, "zero_absent", boom)
    job = job_import_direct(job=job)

    assert job.status == ImportStatus.FAILED
    assert set(Offer.objects.filter(pk__in=[o.pk for o in offers]).values_list("stock_on_hand", flat=True)) == {5}


def test_a_batch_is_written_with_the_same_queries_for_ten_or_a_thousand_lines(shop):
    bulk_offers(shop, 1000, stock=5)

    def queries(count):
        writer = StockFeedWriter(shop=shop, mode="delta")
        lines = [StockLine(gtin(n), 1) for n in range(count)]
        with CaptureQueriesContext(connection) as captured, transaction.atomic():
            result = writer.write(lines)
        assert result.updated == count
        return [query["sql"].split()[0] for query in captured.captured_queries]

    ten, thousand = queries(10), queries(1000)
    assert len(ten) == len(thousand) <= 5, thousand
    assert [sql for sql in thousand if sql in ("SELECT", "UPDATE")] == ["SELECT", "UPDATE"] or is_postgresql()


def test_the_preview_counts_unknown_codes_and_offers_a_snapshot_would_zero(shop):
    offer(shop, gtin=gtin(1))
    offer(shop, gtin=gtin(2))
    job = ImportJob(shop=shop, options={"mode": "snapshot"})
    kind = get_kind("stock")
    assert kind.preview_counts(job, {("code", gtin(1)), ("code", "NOPE")}) == {"unknown": 1, "to_zero": 1}


# Stale stock: the selector and the page


@pytest.fixture
def network(org_a, org_b, shop, staff_a):
    """Shop A1 fed an hour ago, A2 three days ago, A3 has a key but no feed, A4 uses no feed; B1 fed now."""
    now = timezone.now()
    shops = {"A1": shop}
    for name in ("A2", "A3", "A4"):
        shops[name] = factories.ShopFactory(organisation=org_a, name=f"Boutique {name}")
    shops["B1"] = factories.ShopFactory(organisation=org_b, name="Boutique B1")
    for name, age in (("A1", timedelta(hours=1)), ("A2", timedelta(days=3)), ("B1", timedelta(0))):
        ImportJob.objects.create(
            organisation=shops[name].organisation, shop=shops[name], resource="stock", status=ImportStatus.DONE,
            finished_at=now - age, totals={"updated": 4, "unknown": 1}, options={"mode": "snapshot"},
        )  # fmt: skip
    ImportJob.objects.create(
        organisation=org_a, shop=shops["A1"], resource="stock", status=ImportStatus.REJECTED, finished_at=now
    )
    stock_feed_token_create(shop=shops["A3"], name="Caisse", actor=staff_a)
    return shops


def test_the_selector_says_which_shops_are_stale_in_one_query(network, staff_a, animator, django_assert_num_queries):
    with django_assert_num_queries(2):  # the user's organisations (then cached on the user), the shops
        rows = list(shops_feed_status(user=staff_a))
    assert [shop.name for shop in rows] == ["Boutique A3", "Boutique A2", "Boutique République", "Boutique A4"]
    assert [shop.stale for shop in rows] == [True, True, False, False]
    assert rows[2].last_feed_totals == {"updated": 4, "unknown": 1} and rows[2].last_attempt_status == "rejected"
    every = list(shops_feed_status(user=animator))
    assert {shop.name for shop in every} == {shop.name for shop in network.values()}
    assert [shop.name for shop in shops_feed_status(user=staff_a, stale_after=timedelta(days=4)) if shop.stale] == [
        "Boutique A3"
    ]
    assert list(shops_feed_status(user=factories.UserFactory())) == []


def test_the_stale_hours_are_a_setting(network, staff_a, settings):
    settings.PIVOT_STOCK_STALE_HOURS = 100
    assert [shop.name for shop in shops_feed_status(user=staff_a) if shop.stale] == ["Boutique A3"]


def shops_table(response) -> str:
    html = response.content.decode()
    return html.split("data-stock-feed-shops")[1].split("</table>")[0]


def test_the_page_lists_the_organisations_shops_stale_first(network, client, staff_a):
    client.force_login(staff_a)
    response = client.get(reverse("pivot_imports:stock_feeds"))
    assert response.status_code == 200
    html = shops_table(response)
    # Stale first, the longest without a feed first (never fed, then fed three days ago).
    assert html.index("Boutique A3") < html.index("Boutique A2") < html.index("Boutique République")
    assert "Boutique B1" not in html
    stale = shops_table(client.get(reverse("pivot_imports:stock_feeds"), {"stale": "1"}))
    assert "Boutique A2" in stale and "Boutique République" not in stale


def test_animators_see_every_shop_and_no_key(network, client, animator):
    client.force_login(animator)
    html = client.get(reverse("pivot_imports:stock_feeds")).content.decode()
    assert "Boutique B1" in html and "Boutique A2" in html
    assert "data-key-form" not in html and "data-stock-feed-keys" not in html


def test_a_feed_report_is_shown_to_its_organisation_and_animators_only(
    shop, staff_a, staff_b, animator, client, english, django_capture_on_commit_callbacks
):
    offer(shop, gtin=gtin(1))
    job = feed(shop, [[gtin(1), "2,5"], [gtin(9), "1"]], django_capture_on_commit_callbacks)
    url = reverse("pivot_imports:stock_feed", args=[job.pk])
    client.force_login(staff_a)
    html = client.get(url).content.decode()
    assert "is not a whole number of units" in html and "line ignored" in html
    client.force_login(animator)
    assert client.get(url).status_code == 200
    client.force_login(staff_b)
    assert client.get(url).status_code == 404
    client.force_login(factories.UserFactory())
    assert client.get(url).status_code in (302, 403)


# Keys


def test_a_key_is_shown_once_stored_hashed_and_revoked_by_its_staff(shop, staff_a, staff_b, animator):
    token, raw_key = stock_feed_token_create(shop=shop, name="  Caisse   comptoir ", actor=staff_a)
    assert token.name == "Caisse comptoir" and raw_key.startswith("pvs_") and len(raw_key) > 40
    assert token.key_hash == key_hash(raw_key) and raw_key not in str(StockFeedToken.objects.values().get())
    assert token.prefix == raw_key[:12]
    for other in (staff_b, animator):
        with pytest.raises(PermissionDenied):
            stock_feed_token_create(shop=shop, name="Pirate", actor=other)
        with pytest.raises(PermissionDenied):
            stock_feed_token_revoke(token=token, actor=other)
    revoked = stock_feed_token_revoke(token=token, actor=staff_a)
    assert revoked.revoked_at is not None
    assert stock_feed_token_revoke(token=token, actor=staff_a).revoked_at == revoked.revoked_at


def test_the_page_creates_a_key_shows_it_once_and_revokes_it_after_confirmation(shop, org_b, client, staff_a):
    shop_b = factories.ShopFactory(organisation=org_b)
    client.force_login(staff_a)
    url = reverse("pivot_imports:stock_feeds")
    refused = client.post(url, {"action": "create", "shop": shop_b.pk, "name": "Pirate"})
    assert refused.status_code == 200 and not StockFeedToken.objects.exists()  # not a choice of the form

    response = client.post(url, {"action": "create", "shop": shop.pk, "name": "Caisse"}, follow=True)
    token = StockFeedToken.objects.get()
    html = response.content.decode()
    assert "data-stock-feed-new-key" in html and token.prefix in html
    raw_key = html.split('id="new-key" type="text" readonly value="')[1].split('"')[0]
    assert key_hash(raw_key) == token.key_hash
    assert raw_key not in client.get(url).content.decode()  # shown once

    confirm = client.get(url, {"revoke": token.pk}).content.decode()
    assert "data-revoke-confirm" in confirm
    token.refresh_from_db()
    assert token.revoked_at is None  # asking is not revoking
    client.post(url, {"action": "revoke", "token": token.pk})
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_another_organisations_key_cannot_be_revoked_from_the_page(shop, client, staff_b):
    token, _key = stock_feed_token_create(shop=shop, name="Caisse", actor=factories.make_superuser())
    client.force_login(staff_b)
    assert client.post(reverse("pivot_imports:stock_feeds"), {"action": "revoke", "token": token.pk}).status_code in (
        302,
        403,
    )
    token.refresh_from_db()
    assert token.revoked_at is None


# PostgreSQL: a feed while orders are placed


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(not is_postgresql(), reason="needs PostgreSQL's row locks; SQLite has one writer at a time")
def test_a_feed_and_orders_at_the_same_time_neither_deadlock_nor_go_below_allocated(org_a):
    shop = factories.ShopFactory(organisation=org_a)
    offers = bulk_offers(shop, 3000, stock=3)
    buyers = [factories.UserFactory(username=f"buyer{n}") for n in range(8)]
    failures = []
    start = threading.Barrier(len(buyers) + 1)

    def buy(index):
        try:
            start.wait()
            for round_ in range(10):
                # Two offers at both ends of the shop, listed in both orders.
                pair = [offers[index * 7 + round_], offers[-1 - index * 7 - round_]]
                lines = [LineRequest(o.pk, 1) for o in (pair if index % 2 else reversed(pair))]
                try:
                    reservation_create(customer=buyers[index], lines=lines, fulfilment="pickup", pickup_shop_id=shop.pk)
                except Exception as error:  # only a lack of stock is expected
                    if type(error).__name__ != "InsufficientStock":
                        failures.append(repr(error))
        finally:
            connection.close()

    def push():
        try:
            start.wait()
            for _round in range(3):
                data = csv_bytes([["EAN", "Stock"], *[[gtin(n), "0"] for n in range(3000)]])
                job = import_job_create(
                    kind="stock", organisation=org_a, actor=None, name="stock.csv", data=data, shop=shop,
                    options={"mode": "snapshot", "valid_rows_only": True}, preview=False,
                )  # fmt: skip
                job = job_import_direct(job=job)
                if job.status != ImportStatus.DONE:
                    failures.append(job.message)
        finally:
            connection.close()

    threads = [threading.Thread(target=buy, args=(n,)) for n in range(len(buyers))] + [threading.Thread(target=push)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert failures == []
    assert not Offer.objects.filter(shop=shop, stock_on_hand__lt=F("stock_allocated")).exists()
    # The last full stock said 0: what is left on hand is exactly what orders hold.
    assert list(Offer.objects.filter(shop=shop).exclude(stock_on_hand=F("stock_allocated"))) == []
