"""The shop page: body blocks, branding, and a constant number of queries whatever the number of offers."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.images import get_image_model
from wagtail.images.tests.utils import get_test_image_file

from offers.models import ProductImage
from tests import factories

Image = get_image_model()


def make_image(title="Photo"):
    return Image.objects.create(title=title, file=get_test_image_file())


def shop_with_offers(count):
    shop = factories.ShopFactory()
    for n in range(count):
        offer = factories.OfferFactory(organisation=shop.organisation, shop=shop, product__name=f"Objet {n}")
        ProductImage.objects.create(product=offer.product, image=make_image(f"Objet {n}"))
    page = shop.page
    page.logo = make_image("Logo")
    page.banner = make_image("Bannière")
    page.body = [
        ("paragraph", "<p>Bienvenue</p>"),
        ("gallery", {"title": "L'atelier", "images": [{"image": make_image(), "caption": "L'établi"}]}),
        ("faq", {"title": "", "questions": [{"question": "Livrez-vous ?", "answer": "<p>Non.</p>"}]}),
    ]
    page.save_revision().publish()
    return shop


def count_queries(client, url):
    client.get(url)  # the first visit creates the renditions
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), response


@pytest.mark.django_db
def test_shop_page_queries_do_not_grow_with_offers(client):
    few, response_few = count_queries(client, shop_with_offers(3).page.url)
    many, response_many = count_queries(client, shop_with_offers(30).page.url)
    print(f"shop page queries: 3 offers → {few}, 30 offers → {many}")
    assert response_many.content.decode().count('class="card offer"') == 30
    assert response_many.content.decode().count('class="offer-photo"') == 30
    assert few == many
    assert many <= 15


@pytest.mark.django_db
def test_shop_page_queries_stay_constant_without_a_rendition_cache(client, settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    few, _ = count_queries(client, shop_with_offers(3).page.url)
    many, _ = count_queries(client, shop_with_offers(30).page.url)
    print(f"shop page queries without cache: 3 offers → {few}, 30 offers → {many}")
    assert few == many
    assert many <= 15


@pytest.mark.django_db
def test_blocks_render_accessibly(client):
    shop = shop_with_offers(1)
    content = client.get(shop.page.url).content.decode()
    assert "<summary>Livrez-vous ?</summary>" in content and "<details>" in content
    assert "Questions fréquentes" in content
    assert "<figcaption>L&#x27;établi</figcaption>" in content
    assert "srcset=" in content and "sizes=" in content
    assert "--brand-primary: #1f6f50" in content


@pytest.mark.django_db
def test_content_page_renders_the_new_blocks(client):
    from cms.models import ContentPage, HomePage

    home = HomePage.objects.first() or factories.ShopFactory().page.get_parent().specific
    page = ContentPage(
        title="À propos",
        slug="a-propos",
        body=[
            ("call_to_action", {"text": "Nous écrire", "url": "https://example.org/", "description": "Une question ?"}),
            ("faq", {"title": "Aide", "questions": [{"question": "Où ?", "answer": "<p>Ici.</p>"}]}),
        ],
    )
    home.add_child(instance=page)
    content = client.get(page.url).content.decode()
    assert 'class="button" href="https://example.org/"' in content
    assert "<summary>Où ?</summary>" in content


@pytest.mark.django_db
def test_image_block_renders_responsive_renditions_with_its_alt_text(client):
    from cms.models import ContentPage, HomePage

    factories.ShopFactory()
    image = make_image("Atelier")
    page = ContentPage(
        title="L'atelier",
        slug="atelier",
        body=[("image", {"image": image, "alt_text": "L'établi de réparation", "decorative": False})],
    )
    HomePage.objects.get().add_child(instance=page)
    content = client.get(page.url).content.decode()
    assert 'alt="L&#x27;établi de réparation"' in content
    assert "srcset=" in content and "sizes=" in content
