import pytest

from tests.factories import OfferFactory


@pytest.mark.django_db
def test_home_and_shop_pages_render(client):
    offer = OfferFactory()
    assert client.get("/").status_code == 200
    response = client.get(offer.shop.page.url)
    assert response.status_code == 200
    assert offer.product.name in response.content.decode()
