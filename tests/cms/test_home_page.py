"""The home page: what/where search, featured shops chosen in Wagtail (or a default), the map, constant queries."""

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from wagtail.images import get_image_model
from wagtail.images.tests.utils import get_test_image_file
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from cms.models import CatalogPage, HomePage, HomePageFeaturedShop
from offers.choices import OfferStatus
from shops.choices import OrganisationKind
from tests import factories

pytestmark = pytest.mark.django_db

Image = get_image_model()


def home():
    return HomePage.objects.get()


def shop_with_logo(**kwargs):
    shop = factories.ShopFactory(**kwargs)
    page = shop.page
    page.logo = Image.objects.create(title=f"Logo {shop.name}", file=get_test_image_file())
    page.save_revision().publish()
    return shop


def feature(*shops):
    page = home()
    page.featured_shops = [HomePageFeaturedShop(shop=shop) for shop in shops]
    page.save_revision().publish()


def get_home(client):
    response = client.get("/")
    assert response.status_code == 200
    return response.content.decode()


def test_the_search_form_goes_to_the_catalogue_with_labels_and_links(client):
    catalogue = home().add_child(instance=CatalogPage(title="Catalogue", slug="catalogue"))
    CatalogPage.forget_main_url()
    html = get_home(client)
    assert f'action="{catalogue.url}"' in html
    assert '<label for="home-what">' in html and 'id="home-what" name="q"' in html
    assert '<label for="home-where">' in html and 'id="home-where" name="ou"' in html
    assert f'href="{reverse("shops_near")}"' in html
    assert "hidden data-home-locate" in html  # "Use my position" waits for JavaScript
    assert "{# impact panel #}" not in html  # a template comment, kept for the impact panel
    assert 'aria-labelledby="impact-title"' in html


def test_without_a_catalogue_the_where_box_searches_shops_near(client):
    CatalogPage.forget_main_url()
    html = get_home(client)
    assert f'action="{reverse("shops_near")}"' in html
    assert 'name="q"' not in html
    assert 'name="ou"' in html


def test_the_form_reaches_the_catalogue_filters(client):
    """The names the form sends are those the catalogue reads: a place typed or a browser position."""
    catalogue = home().add_child(instance=CatalogPage(title="Catalogue", slug="catalogue"))
    factories.OfferFactory(product__name="Vélo de ville")
    response = client.get(catalogue.url, {"q": "velo", "ou": "48.86860, 2.33140"})
    assert response.status_code == 200
    assert "Vélo de ville" in response.content.decode()


def test_default_featured_shops_are_those_with_a_page_and_the_most_published_offers(client):
    busy = factories.ShopFactory(name="Très active")
    quiet = factories.ShopFactory(name="Calme")
    for _ in range(3):
        factories.OfferFactory(organisation=busy.organisation, shop=busy)
    factories.OfferFactory(organisation=quiet.organisation, shop=quiet)
    factories.OfferFactory(organisation=quiet.organisation, shop=quiet, status=OfferStatus.DRAFT)
    factories.OfferFactory(organisation=quiet.organisation, shop=quiet, status=OfferStatus.DRAFT)
    factories.ShopFactory(name="Fermée", active=False)
    html = get_home(client)
    assert html.index("Très active") < html.index("Calme")
    assert "Fermée" not in html
    assert f'href="{busy.page.url}"' in html


def test_chosen_featured_shops_replace_the_default_in_their_order(client):
    first = factories.ShopFactory(name="Première", organisation__kind=OrganisationKind.CSA_GARDEN, city="Lyon")
    second = factories.ShopFactory(name="Deuxième")
    factories.ShopFactory(name="Pas choisie")
    inactive = factories.ShopFactory(name="Désactivée")
    feature(second, first, inactive)
    inactive.active = False
    inactive.save()
    html = get_home(client)
    assert html.index("Deuxième") < html.index("Première")
    assert "Pas choisie" not in html and "Désactivée" not in html
    assert f"{OrganisationKind.CSA_GARDEN.label} · Lyon" in html


def test_featured_shops_are_edited_in_the_wagtail_admin(client, admin_user):
    shops = [factories.ShopFactory(name=f"Boutique mise en avant {n}") for n in range(3)]
    page = home()
    client.force_login(admin_user)
    edit_url = reverse("wagtailadmin_pages:edit", args=[page.pk])
    assert "featured_shops-TOTAL_FORMS" in client.get(edit_url).content.decode()
    data = nested_form_data(
        {
            "title": page.title,
            "slug": page.slug,
            "intro": rich_text("<p>Bienvenue</p>"),
            "body": streamfield([]),
            "featured_shops": inline_formset([{"shop": shops[2].pk}, {"shop": shops[0].pk}]),
            "action-publish": "publish",
        }
    )
    response = client.post(edit_url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert [item.shop for item in home().featured_shops.all()] == [shops[2], shops[0]]
    html = get_home(client)
    assert html.index(shops[2].name) < html.index(shops[0].name)
    assert shops[1].name not in html


def test_more_than_twelve_featured_shops_are_refused_in_the_admin(client, admin_user):
    shops = [factories.ShopFactory() for _ in range(13)]
    page = home()
    client.force_login(admin_user)
    data = nested_form_data(
        {
            "title": page.title,
            "slug": page.slug,
            "intro": rich_text(""),
            "body": streamfield([]),
            "featured_shops": inline_formset([{"shop": shop.pk} for shop in shops]),
            "action-publish": "publish",
        }
    )
    response = client.post(reverse("wagtailadmin_pages:edit", args=[page.pk]), data)
    assert response.status_code == 200  # the form again, with its error
    assert not home().featured_shops.exists()


def test_the_map_loads_leaflet_from_static_files_and_its_points_from_the_endpoint(client):
    html = get_home(client)
    assert "/static/leaflet/leaflet.js" in html and "/static/leaflet/leaflet.css" in html
    assert "/static/js/map.js" in html
    assert f'data-points-url="{reverse("map_points")}"' in html
    assert settings.PIVOT_MAP_TILES_URL in html  # the tile layer, from the setting
    assert "OpenStreetMap" in html  # the attribution
    assert 'id="home-map"' in html and "hidden data-map-section" in html  # shown by map.js only
    for kind, label in OrganisationKind.choices:
        assert f'data-kind="{kind}" data-label="{label}"' in html  # the legend


def test_the_tile_url_comes_from_the_environment():
    """PIVOT_MAP_TILES_URL reaches the rendered map (settings are read once per process, hence a subprocess)."""
    code = (
        "import django; django.setup();"
        "from django.template import engines;"
        "print(engines['django'].from_string('{% load leaflet_tags %}{% leaflet_map \"m\" %}').render({}))"
    )
    env = {**os.environ, "PIVOT_MAP_TILES_URL": "https://tiles.example.org/{z}/{x}/{y}.png"}
    env.setdefault("DJANGO_SETTINGS_MODULE", os.environ.get("DJANGO_SETTINGS_MODULE", "pivot_site.settings.test"))
    output = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True, cwd=settings.BASE_DIR
    ).stdout
    assert "https://tiles.example.org/{z}/{x}/{y}.png" in output


def count_home_queries(client):
    client.get("/")  # the first visit creates the renditions
    with CaptureQueriesContext(connection) as queries:
        html = get_home(client)
    return len(queries), html


def test_home_page_queries_do_not_grow_with_shops_or_featured_shops(client):
    few_shops = [shop_with_logo() for _ in range(3)]
    feature(*few_shops)
    few, html_few = count_home_queries(client)
    many_shops = few_shops + [shop_with_logo() for _ in range(27)]
    feature(*many_shops[: HomePage.FEATURED_MAX])
    many, html_many = count_home_queries(client)
    print(f"home page queries: 3 shops → {few}, 30 shops (12 featured) → {many}")
    assert html_few.count('class="card featured-shop"') == 3
    assert html_many.count('class="card featured-shop"') == HomePage.FEATURED_MAX
    assert html_many.count('class="shop-logo"') == HomePage.FEATURED_MAX
    assert few == many
    assert many <= 10  # Wagtail's routing 4, featured shops 2, logos and renditions 2, the impact panel


def test_default_featured_shops_queries_do_not_grow_with_shops(client):
    for _ in range(3):
        shop_with_logo()
    few, html_few = count_home_queries(client)
    for _ in range(27):
        shop_with_logo()
    many, html_many = count_home_queries(client)
    print(f"home page queries (default featured shops): 3 shops → {few}, 30 shops → {many}")
    assert html_few.count('class="card featured-shop"') == 3
    assert html_many.count('class="card featured-shop"') == HomePage.FEATURED_DEFAULT
    assert few == many


def test_the_shop_page_maps_its_shop_when_it_has_coordinates(client):
    located = factories.ShopFactory(name="Située")
    html = client.get(located.page.url).content.decode()
    assert 'id="shop-map"' in html and 'data-place-lat="48.868600"' in html and 'data-place-lon="2.331400"' in html
    assert "/static/leaflet/leaflet.js" in html
    unlocated = factories.ShopFactory(name="Sans adresse précise", latitude=None, longitude=None)
    html = client.get(unlocated.page.url).content.decode()
    assert 'id="shop-map"' not in html and "/static/leaflet/leaflet.js" not in html


def test_shops_near_maps_the_place_and_its_results(client):
    factories.ShopFactory(name="Proche", organisation__kind=OrganisationKind.CSA_GARDEN)
    html = client.get(reverse("shops_near"), {"ou": "48.8686, 2.3314"}).content.decode()
    assert 'id="near-map"' in html and 'data-points-from=".near-result"' in html
    assert 'data-place-lat="48.868600"' in html
    assert 'data-kind="csa_garden" data-name="Proche" data-town="Paris"' in html
    html = client.get(reverse("shops_near")).content.decode()
    assert 'id="near-map"' not in html and "/static/leaflet/leaflet.js" not in html  # nothing searched yet
