import pytest
from django.urls import reverse

from tests import factories


@pytest.mark.django_db
def test_published_offer_has_a_public_page(client):
    offer = factories.OfferFactory(product__name="Armoire normande")
    response = client.get(reverse("offer_detail", args=[offer.pk]))
    assert response.status_code == 200
    assert "Armoire normande" in response.content.decode() and "12,00" in response.content.decode()


@pytest.mark.django_db
def test_draft_and_unknown_offers_are_not_found(client):
    draft = factories.OfferFactory(status="draft")
    assert client.get(reverse("offer_detail", args=[draft.pk])).status_code == 404
    assert client.get("/offres/999999/").status_code == 404
