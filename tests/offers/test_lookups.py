"""``__any_of``: the same rows as ``__in``, with one array parameter on PostgreSQL."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from offers.models import Offer, Product
from tests import factories

pytestmark = pytest.mark.django_db


def test_any_of_finds_what_in_finds_with_one_parameter_on_postgresql():
    offers = [factories.OfferFactory(product__supplier_reference=f"REF-{n}") for n in range(5)]
    wanted = ["REF-1", "REF-3", "REF-404", "O'Brien"]
    with CaptureQueriesContext(connection) as queries:
        found = set(Product.objects.filter(supplier_reference__any_of=wanted).values_list("pk", flat=True))
    assert found == set(Product.objects.filter(supplier_reference__in=wanted).values_list("pk", flat=True))
    assert found == {offers[1].product_id, offers[3].product_id}
    by_relation = Offer.objects.filter(product_id__any_of=[offers[0].product_id, offers[4].product_id])
    assert set(by_relation) == {offers[0], offers[4]}
    assert not Product.objects.filter(supplier_reference__any_of=[]).exists()
    if connection.vendor == "postgresql":
        assert "= ANY(" in queries[0]["sql"]
