"""Hostile input on every endpoint: a 200 (possibly empty), a 400 or a 404, never a server error."""

from decimal import Decimal
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shops.models import VolunteerDomain
from tests.factories import (
    CustomerCategoryFactory,
    DepotFactory,
    MemberFactory,
    OfferFactory,
    ProductCategoryFactory,
    ProductFactory,
    ShopFactory,
    make_staff,
)

from .utils import Client

pytestmark = pytest.mark.django_db

COMMON = ["page", "page_size", "format", "ordering", "search", "unknown"]
LISTS = {
    "/api/v1/offers/": [
        "organisation",
        "shop",
        "category",
        "condition",
        "min_price",
        "max_price",
        "size",
        "colour",
        "available_now",
        "q",
    ],
    "/api/v1/shops/": ["organisation", "kind", "near"],
    "/api/v1/depots/": ["organisation"],
    "/api/v1/members/": ["category", "volunteer", "volunteer_domain"],
    "/api/v1/deliveries/": ["from", "to", "subscription"],
}
SIGNED_IN_ONLY = ("/api/v1/members/", "/api/v1/deliveries/")

HOSTILE = [
    "",
    " ",
    "0",
    "-1",
    "1.5",
    "1,5",
    "1e400",
    "-1e400",
    "1e-400",
    "NaN",
    "-Infinity",
    "9" * 30,
    "9" * 5000,
    "0x1F",
    "１２",
    "٣",
    "𝟙",
    "true",
    "null",
    "[]",
    "{}",
    "last",
    ",",
    "48.8,",
    ",2.3",
    "91,181",
    "1,2,3",
    "nan,nan",
    "1e308,1e308",
    "-0,-0",
    "' OR 1=1 --",
    '"; DROP TABLE offers_offer; --',
    "%",
    "_",
    "%%_%",
    "\\",
    "\\x00",
    "\x00",
    "a\x00b",
    "\x01\x02\x1b[31m",
    "\r\n",
    "\u202e\u200b\ufeff",
    "😀" * 10,
    "é" * 300,
    "a" * 10_000,
    "<script>alert(1)</script>",
    "../../etc/passwd",
    "${jndi:ldap://x}",
    "{{7*7}}",
    "[",
    "(",
    "*",
    ".*",
    "(a+)+$",
    "(?i)",
    "\\d{99999999}",
    "[[:alpha:]]",
    "a|b",
    "^$",
]

# Query strings that are not even well-formed key=value pairs.
RAW_QUERIES = [
    "q=%ff%fe%fd",
    "q=%00",
    "near=%E2%80%AE1,2",
    "q=%",
    "q=%zz",
    "q[]=1",
    "q=1&q=2",
    "category=1&category=abc",
    "shop=1;shop=2",
    "&&&",
    "=",
    "q",
    "page=2&page=abc",
    "page_size=-5&page=0",
    "%00=%00",
]

DETAIL_IDS = ["abc", "0", "-1", "1.5", "9" * 30, "%00", "%ff", "1%20OR%201=1", "%F0%9F%98%80", "1e3", "0x1"]


@pytest.fixture
def data(org_a, org_b):
    """A little of everything, so that filters and searches run over real rows."""
    category = ProductCategoryFactory(name="Fuzz")
    for organisation in (org_a, org_b):
        shop = ShopFactory(organisation=organisation)
        product = ProductFactory(organisation=organisation, category=category, name="Chaise é", size="M")
        OfferFactory(organisation=organisation, shop=shop, product=product)
        OfferFactory(organisation=organisation, shop=shop, product=product, status="draft")
        DepotFactory(organisation=organisation)
        MemberFactory(
            organisation=organisation,
            categories=[CustomerCategoryFactory(organisation=organisation)],
            volunteer="yes",
            volunteer_domains=[VolunteerDomain.objects.get_or_create(code="diy")[0]],
        )
    ShopFactory(latitude=None, longitude=None)
    OfferFactory(price_excl_tax=Decimal("99999999.9999"))


@pytest.fixture
def clients(data, org_a):
    staff = Client()
    staff.force_login(make_staff(org_a))
    return {"anonymous": Client(), "staff": staff}


def check(response, url):
    assert response.status_code < 500, (url, response.status_code, response.content[:300])
    assert response.status_code in (200, 400, 401, 403, 404, 405, 406), (url, response.status_code)
    if response.status_code == 200 and response["Content-Type"].startswith("application/json"):
        body = response.json()
        assert isinstance(body["results"], list) and isinstance(body["count"], int), url


def query(param, value):
    return f"{quote(param)}={quote(value, safe='')}"


@pytest.mark.parametrize("url", list(LISTS))
def test_hostile_values_in_every_parameter(clients, url):
    client = clients["staff"] if url in SIGNED_IN_ONLY else clients["anonymous"]
    for param in LISTS[url] + COMMON:
        for value in HOSTILE:
            full = f"{url}?{query(param, value)}"
            check(client.get(full), full)


@pytest.mark.parametrize("url", list(LISTS))
def test_hostile_raw_query_strings(clients, url):
    for who, client in clients.items():
        for raw in RAW_QUERIES:
            full = f"{url}?{raw}"
            check(client.get(full), f"{who} {full}")


@pytest.mark.parametrize("url", list(LISTS))
def test_hostile_values_everywhere_at_once(clients, url):
    client = clients["staff"]
    for value in HOSTILE:
        full = url + "?" + "&".join(query(param, value) for param in LISTS[url] + ["page", "page_size"])
        check(client.get(full), full)


@pytest.mark.parametrize("url", list(LISTS))
def test_hostile_values_in_the_browsable_api(clients, url):
    """The HTML renderer also builds the filter form and page links from the same input."""
    client = clients["staff"]
    for param in LISTS[url] + ["page"]:
        for value in ["abc", "\x00", "9" * 30, "99", "a" * 10_000, "<script>", "1e400"]:
            full = f"{url}?format=api&{query(param, value)}"
            response = client.get(full)
            assert response.status_code in (200, 400), (full, response.status_code)


@pytest.mark.parametrize("url", list(LISTS))
def test_hostile_detail_ids(clients, url):
    for client in clients.values():
        for raw in DETAIL_IDS:
            response = client.get(f"{url}{raw}/")
            assert response.status_code in (401, 403, 404), (url, raw, response.status_code)


@pytest.mark.parametrize(
    "body",
    [
        {"username": "\x00", "password": "\x00"},
        {"username": "a" * 10_000, "password": "b" * 10_000},
        {"username": ["x"], "password": {"a": 1}},
        {"username": None, "password": None},
        {"username": "' OR 1=1 --", "password": "' OR 1=1 --"},
        '{"username": 1e400, "password": true}',
        '{"username": NaN, "password": Infinity}',
        '{"username": "x", "password": "y"' + "}" * 10_000,
        "[" * 10_000,
    ],
)
def test_hostile_token_requests(clients, body):
    if isinstance(body, str):
        response = clients["anonymous"].generic("POST", "/api/v1/auth/token/", body, content_type="application/json")
    else:
        response = clients["anonymous"].post("/api/v1/auth/token/", body, format="json")

    assert response.status_code == 400, response.content[:300]


any_text = st.text(st.characters(exclude_categories=["Cs"]), max_size=60)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    url=st.sampled_from(list(LISTS)),
    param_index=st.integers(min_value=0, max_value=20),
    value=any_text | st.from_regex(r"-?\d{1,25}([.,]\d{0,25})?(,-?\d{1,5}(\.\d{0,9})?)?", fullmatch=True),
)
def test_random_values(clients, url, param_index, value):
    params = LISTS[url] + COMMON
    param = params[param_index % len(params)]
    full = f"{url}?{query(param, value)}"
    check(clients["staff"].get(full), full)
