import pytest
from wagtail.models import Site

from cms.models import HomePage
from tests import factories


@pytest.mark.django_db
def test_a_shop_created_after_the_home_page_was_deleted_gets_a_new_home(client):
    HomePage.objects.get().delete()
    shop = factories.ShopFactory(name="Recyclerie du Port")
    home = HomePage.objects.get()
    assert shop.page.get_parent().specific == home
    assert Site.objects.get(is_default_site=True).root_page_id == home.pk
    assert client.get("/").status_code == 200
    assert "Recyclerie du Port" in client.get(shop.page.url).content.decode()


@pytest.mark.django_db
def test_shop_phone_is_shown_the_french_way(client):
    shop = factories.ShopFactory(phone="01 48 70 00 00")
    content = client.get(shop.page.url).content.decode()
    assert 'href="tel:+33148700000"' in content and "01 48 70 00 00" in content
