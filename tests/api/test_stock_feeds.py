"""POST /api/v1/stock-feeds/: a shop pushes its stock with its own key (or a staff token), then reads the report."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from rest_framework.authtoken.models import Token
from stdnum import ean

from imports.api import StockFeedThrottle
from imports.choices import ImportStatus
from imports.models import ImportJob, StockFeedToken
from imports.stock_tokens import stock_feed_token_create, stock_feed_token_revoke
from offers.models import Offer
from tests import factories

from .utils import Client, translated

pytestmark = pytest.mark.django_db

URL = "/api/v1/stock-feeds/"


def gtin(n: int) -> str:
    base = f"376{n:09d}"
    return base + ean.calc_check_digit(base)


@pytest.fixture
def shop(org_a):
    return factories.ShopFactory(organisation=org_a, name="Boutique A")


@pytest.fixture
def shop_b(org_b):
    return factories.ShopFactory(organisation=org_b, name="Boutique B")


@pytest.fixture
def shoes(shop):
    return [
        factories.OfferFactory(
            organisation=shop.organisation,
            shop=shop,
            stock_on_hand=5,
            product=factories.ProductFactory(organisation=shop.organisation, gtin=gtin(n), name=f"Derby {n}"),
        )  # fmt: skip
        for n in range(3)
    ]


def key_client(shop, staff):
    _token, raw_key = stock_feed_token_create(shop=shop, name="Caisse", actor=staff)
    client = Client()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw_key}")
    return client


@pytest.fixture
def till(shop, staff_a):
    """The shop's till, with the shop's own key."""
    return key_client(shop, staff_a)


def token_client(user):
    client = Client()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}")
    return client


def push(client, body, capture, *, status=202, **kwargs):
    with capture(execute=True):
        response = client.post(URL, body, **({"format": "json"} if "format" not in kwargs else {}), **kwargs)
    assert response.status_code == status, response.content[:800]
    return response.json()


def stock(offers):
    return [Offer.objects.get(pk=o.pk).stock_on_hand for o in offers]


def test_a_till_pushes_a_full_stock_as_json_and_reads_the_report(till, shop, shoes, django_capture_on_commit_callbacks):
    body = {
        "mode": "snapshot",
        "lines": [
            {"code": gtin(0), "quantity": 2},
            {"code": gtin(1), "quantity": "2.5"},
            {"code": "NOPE", "quantity": 1},
        ],
    }
    accepted = push(till, body, django_capture_on_commit_callbacks)

    job = ImportJob.objects.get()
    assert accepted == {"id": job.pk, "status": "queued", "url": f"http://testserver{URL}{job.pk}/"}
    assert job.status == ImportStatus.DONE and job.shop == shop and job.created_by is None
    assert job.options["key_name"] == "Caisse" and job.options["valid_rows_only"] is True
    assert stock(shoes) == [2, 0, 0]  # the refused line and the absent offer go to 0

    report = till.get(accepted["url"]).json()
    assert report["status"] == "done" and report["mode"] == "snapshot" and report["shop"] == shop.pk
    assert report["counts"] == {"updated": 1, "unchanged": 0, "rejected": 1, "unknown": 1, "clamped": 0, "zeroed": 2}
    assert report["errors"] == [{"line": 3, "column": "quantity", "message": report["errors"][0]["message"]}]
    assert [note["line"] for note in report["notes"]] == [4]
    assert report["finished_at"] and report["created_at"]
    token = StockFeedToken.objects.get()
    assert token.last_used_at is not None


def test_staff_upload_a_csv_file_of_changes(shop, shoes, staff_a, django_capture_on_commit_callbacks):
    client = token_client(staff_a)
    upload = SimpleUploadedFile("caisse.csv", f"EAN;Qté\r\n{gtin(0)};-1\r\n{gtin(2)};+3\r\n".encode("cp1252"))

    accepted = push(
        client,
        {"mode": "delta", "shop": shop.pk, "file": upload},
        django_capture_on_commit_callbacks,
        format="multipart",
    )

    job = ImportJob.objects.get(pk=accepted["id"])
    assert job.status == ImportStatus.DONE and job.created_by == staff_a and job.original_name == "caisse.csv"
    assert stock(shoes) == [4, 5, 8]
    assert client.get(accepted["url"]).json()["counts"]["updated"] == 2


def test_a_session_of_the_staff_works_too(api_as, shop, shoes, staff_a, django_capture_on_commit_callbacks):
    body = {"mode": "delta", "shop": shop.pk, "lines": [{"code": gtin(0), "quantity": 1}]}
    push(api_as(staff_a), body, django_capture_on_commit_callbacks)
    assert stock(shoes)[0] == 6


@pytest.mark.parametrize("header", [None, "Bearer pvs_wrong", "Bearer", "Bearer a b", "Token nope"])
def test_no_key_or_a_wrong_one_is_a_401(header, shop):
    client = Client()
    if header:
        client.credentials(HTTP_AUTHORIZATION=header)
    response = client.post(URL, {"mode": "delta", "lines": [{"code": "A", "quantity": 1}]}, format="json")
    assert response.status_code == 401
    assert response.json()["code"] in ("not_authenticated", "authentication_failed")
    assert client.get(URL).status_code == 401
    assert not ImportJob.objects.exists()


def test_a_revoked_key_is_a_401(shop, staff_a):
    token, raw_key = stock_feed_token_create(shop=shop, name="Caisse", actor=staff_a)
    stock_feed_token_revoke(token=token, actor=staff_a)
    client = Client()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw_key}")
    response = client.post(URL, {"mode": "delta", "lines": [{"code": "A", "quantity": 1}]}, format="json")
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert response.json()["detail"] == translated("This key was revoked: ask the shop's staff for a new one.")


def test_another_organisations_shop_is_a_403(shop_b, staff_a, customer, till):
    body = {"mode": "delta", "shop": shop_b.pk, "lines": [{"code": "A", "quantity": 1}]}
    assert token_client(staff_a).post(URL, body, format="json").status_code == 403
    assert token_client(customer).post(URL, body, format="json").status_code == 403
    assert till.post(URL, body, format="json").status_code == 403  # a key feeds its own shop only
    assert not ImportJob.objects.exists()


def test_animators_may_push_any_shops_stock(shop_b, animator, django_capture_on_commit_callbacks):
    body = {"mode": "delta", "shop": shop_b.pk, "lines": [{"code": "A", "quantity": 1}]}
    push(token_client(animator), body, django_capture_on_commit_callbacks)


@pytest.mark.parametrize(
    "body, field, code",
    [
        ({"mode": "full", "lines": [{"code": "A", "quantity": 1}]}, "mode", "invalid"),
        ({"lines": [{"code": "A", "quantity": 1}]}, "mode", "invalid"),
        ({"mode": "delta", "lines": []}, "lines", "invalid"),
        ({"mode": "delta"}, "lines", "invalid"),
        ({"mode": "delta", "lines": "A;1"}, "lines", "invalid"),
        ({"mode": "delta", "lines": [{"code": "A"}]}, "lines", "invalid"),
        ({"mode": "delta", "lines": [{"code": "A", "quantity": [1]}]}, "lines", "invalid"),
        ({"mode": "delta", "lines": [{"code": {"x": 1}, "quantity": 1}]}, "lines", "invalid"),
        ({"mode": "delta", "lines": [{"code": "A", "quantity": 1}] * 50_001}, "lines", "too_many_lines"),
    ],
)
def test_a_bad_body_is_a_400_with_a_code(till, body, field, code):
    response = till.post(URL, body, format="json")
    assert response.status_code == 400, response.content[:300]
    data = response.json()
    assert data["code"] == code and data["field"] == field and data["detail"]
    if field == "lines" and body.get("lines") and isinstance(body["lines"], list) and code == "invalid":
        assert data["line"] == 1 and data["detail"].startswith(translated("Line %(number)s of “lines”: %(error)s")[:5])
    assert not ImportJob.objects.exists()


def test_a_staff_push_must_name_the_shop_and_an_unreadable_file_is_a_400(staff_a, shop):
    client = token_client(staff_a)
    response = client.post(URL, {"mode": "delta", "lines": [{"code": "A", "quantity": 1}]}, format="json")
    assert response.status_code == 400 and response.json()["code"] == "shop_required"
    assert (
        client.post(
            URL, {"mode": "delta", "shop": 999999, "lines": [{"code": "A", "quantity": 1}]}, format="json"
        ).status_code
        == 404
    )
    upload = SimpleUploadedFile("stock.csv", b"")
    response = client.post(URL, {"mode": "delta", "shop": shop.pk, "file": upload}, format="multipart")
    assert response.status_code == 400 and response.json()["field"] == "file"


def test_a_key_reads_its_own_shops_feeds_only(
    shop, shop_b, staff_a, staff_b, till, animator, django_capture_on_commit_callbacks
):
    push(till, {"mode": "delta", "lines": [{"code": "A", "quantity": 1}]}, django_capture_on_commit_callbacks)
    till_b = key_client(shop_b, staff_b)
    other = push(till_b, {"mode": "delta", "lines": [{"code": "B", "quantity": 1}]}, django_capture_on_commit_callbacks)

    assert [feed["shop"] for feed in till.results(URL)] == [shop.pk]
    assert till.get(f"{URL}{other['id']}/").status_code == 404
    assert till.results(URL, {"shop": shop_b.pk}) == []
    assert [feed["shop"] for feed in token_client(staff_a).results(URL)] == [shop.pk]
    assert {feed["shop"] for feed in token_client(animator).results(URL)} == {shop.pk, shop_b.pk}
    assert [feed["shop"] for feed in token_client(animator).results(URL, {"shop": shop_b.pk})] == [shop_b.pk]
    assert token_client(staff_a).get(URL, {"shop": "abc"}).status_code == 400
    assert token_client(staff_a).get(f"{URL}{'9' * 30}/").status_code == 404


def test_a_key_is_marked_used_at_most_once_a_minute(till, django_assert_num_queries):
    token = StockFeedToken.objects.get()
    assert till.get(URL).status_code == 200
    token.refresh_from_db()
    first = token.last_used_at
    assert first is not None
    till.get(URL)
    token.refresh_from_db()
    assert token.last_used_at == first
    StockFeedToken.objects.update(last_used_at=timezone.now() - timezone.timedelta(minutes=2))
    till.get(URL)
    token.refresh_from_db()
    assert token.last_used_at > first


def test_pushes_are_throttled_per_key(till, shop, shop_b, staff_b, monkeypatch, django_capture_on_commit_callbacks):
    monkeypatch.setattr(StockFeedThrottle, "THROTTLE_RATES", {"stock_feed": "2/hour"})
    body = {"mode": "delta", "lines": [{"code": "A", "quantity": 1}]}
    push(till, body, django_capture_on_commit_callbacks)
    push(till, body, django_capture_on_commit_callbacks)
    response = till.post(URL, body, format="json")
    assert response.status_code == 429 and response.json()["code"] == "throttled"
    assert till.get(URL).status_code == 200  # reading the reports is not throttled
    push(key_client(shop_b, staff_b), body, django_capture_on_commit_callbacks)  # another shop's key
