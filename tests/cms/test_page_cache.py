"""The anonymous page cache: what it serves, to whom, and how a change reaches the next visitor."""

from decimal import Decimal

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cms.models import CatalogPage, HomePage
from imports.choices import ImportStatus
from imports.registry import get_resource_class
from imports.services import import_job_confirm, import_job_preview
from offers import services as offer_services
from pivot_site import page_cache
from shops import services as shop_services
from tests import factories
from tests.imports.conftest import csv_bytes, heading

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _page_cache(settings):
    """On, as outside the tests, and empty: the locmem cache outlives each test's rolled-back database."""
    settings.PIVOT_PAGE_CACHE_SECONDS = 60
    cache.clear()
    CatalogPage.forget_main_url()
    yield
    cache.clear()
    CatalogPage.forget_main_url()


@pytest.fixture
def offer():
    offer = factories.OfferFactory(product__name="Armoire normande", price_excl_tax=Decimal("100"), stock_on_hand=3)
    commit()
    return offer


@pytest.fixture
def catalogue(offer):
    page = CatalogPage(title="Catalogue", slug="catalogue")
    HomePage.objects.get().add_child(instance=page)
    commit()
    return page


def visit_twice(client, url, django_assert_num_queries):
    first = client.get(url)
    assert first.status_code == 200
    assert first["X-Pivot-Cache"] == "miss"
    with django_assert_num_queries(0):
        second = client.get(url)
    assert second["X-Pivot-Cache"] == "hit"
    assert second.content == first.content
    return first, second


def commit():
    """Run what waits for the commit and forget it, as a commit does: a test's transaction never commits, and
    pytest-django's capture leaves the callbacks pending, where they would stand for the next change's bump."""
    callbacks = [callback for _savepoints, callback, _robust in connection.run_on_commit]
    connection.run_on_commit.clear()
    for callback in callbacks:
        callback()
    return callbacks


def committed(change):
    change()
    assert page_cache._bump_generation in commit()


def test_catalogue_page_is_served_from_the_cache_without_a_query(client, catalogue, django_assert_num_queries):
    first, second = visit_twice(client, catalogue.url, django_assert_num_queries)
    assert "Armoire normande" in second.content.decode()
    assert second["Content-Type"] == first["Content-Type"]
    assert second["X-Frame-Options"] == "DENY" and second["Content-Language"] == "fr"


def test_shop_page_is_served_from_the_cache_without_a_query(client, offer, django_assert_num_queries):
    _, second = visit_twice(client, offer.shop.page.url, django_assert_num_queries)
    assert "Armoire normande" in second.content.decode()


def test_offer_page_is_served_from_the_cache_without_a_query(client, offer, django_assert_num_queries):
    _, second = visit_twice(client, reverse("offer_detail", args=[offer.pk]), django_assert_num_queries)
    assert "Armoire normande" in second.content.decode()


def test_shops_near_is_served_from_the_cache(client, offer, django_assert_num_queries):
    visit_twice(client, reverse("shops_near") + "?ou=75002", django_assert_num_queries)


def test_head_is_cached_apart_from_get(client, offer, django_assert_num_queries):
    url = reverse("offer_detail", args=[offer.pk])
    client.get(url)
    assert client.head(url)["X-Pivot-Cache"] == "miss"
    with django_assert_num_queries(0):
        assert client.head(url)["X-Pivot-Cache"] == "hit"


def test_a_signed_in_user_is_never_served_from_the_cache_nor_stored(client, offer):
    url = reverse("offer_detail", args=[offer.pk])
    client.get(url)  # an anonymous visit fills the cache
    client.force_login(factories.make_staff(offer.organisation))
    for _ in range(2):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200 and "X-Pivot-Cache" not in response
        assert len(queries) > 2  # session, user, then the page itself
    client.logout()
    cache.clear()
    client.force_login(factories.make_superuser())
    client.get(url)
    client.logout()
    assert client.get(url)["X-Pivot-Cache"] == "miss"


def test_an_offer_saved_through_its_service_shows_at_once(client, offer):
    url = reverse("offer_detail", args=[offer.pk])
    client.get(url)
    offer.price_excl_tax = Decimal("50")
    committed(lambda: offer_services.offer_save(offer=offer))
    response = client.get(url)
    assert response["X-Pivot-Cache"] == "miss"
    assert "60,00" in response.content.decode() and "120,00" not in response.content.decode()


def test_a_stock_change_without_signal_shows_at_once(client, offer):
    url = reverse("offer_detail", args=[offer.pk])
    assert "3 en stock" in client.get(url).content.decode()
    committed(lambda: offer_services.offer_stock_adjust(offer=offer, delta=-1))
    assert "2 en stock" in client.get(url).content.decode()
    committed(lambda: offer_services.offer_stock_set(offer=offer, on_hand=0))
    assert "En rupture de stock" in client.get(url).content.decode()


def test_a_shop_saved_through_its_service_shows_at_once(client, offer):
    client.get(offer.shop.page.url)
    shop = offer.shop
    shop.phone = "01 23 45 67 89"
    committed(lambda: shop_services.shop_save(shop=shop))
    response = client.get(shop.page.url)
    assert response["X-Pivot-Cache"] == "miss" and "01 23 45 67 89" in response.content.decode()


def test_a_confirmed_import_bumps_once(offer, django_capture_on_commit_callbacks):
    staff = factories.make_staff(offer.organisation)
    commit()
    name, category = heading("products", "name"), heading("products", "category")
    rows = [[name, category], *[[f"Tabouret {n}", offer.product.category.name] for n in range(3)]]
    resource_class = get_resource_class("products")
    upload = SimpleUploadedFile("produits.csv", csv_bytes(rows))
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        job = import_job_preview(resource_class=resource_class, uploaded_file=upload, actor=staff)
    assert page_cache._bump_generation not in callbacks  # the preview's rows were rolled back
    with django_capture_on_commit_callbacks(execute=True) as callbacks:  # the confirmation, then the worker's run
        job = import_job_confirm(job=job, resource_class=resource_class, actor=staff)
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE and job.totals["new"] == 3
    assert callbacks.count(page_cache._bump_generation) == 1


def test_a_refused_stock_change_does_not_invalidate(offer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks, pytest.raises(offer_services.InsufficientStock):
        offer_services.offer_stock_adjust(offer=offer, delta=-10)
    assert callbacks == []


def test_a_published_page_shows_at_once_and_a_draft_never(client, offer):
    page = offer.shop.page
    page.introduction = "Ouvert aux bénévoles"
    committed(lambda: page.save_revision().publish())
    assert "Ouvert aux bénévoles" in client.get(page.url).content.decode()

    page.introduction = "Brouillon secret"
    page.save_revision()
    assert "Brouillon secret" not in client.get(page.url).content.decode()
    cache.clear()  # rendered afresh too
    response = client.get(page.url)
    assert response["X-Pivot-Cache"] == "miss"
    assert "Ouvert aux bénévoles" in response.content.decode() and "Brouillon secret" not in response.content.decode()

    committed(lambda: page.get_latest_revision().publish())
    response = client.get(page.url)
    assert response["X-Pivot-Cache"] == "miss" and "Brouillon secret" in response.content.decode()


def test_results_fragment_and_full_page_do_not_mix(client, catalogue, django_assert_num_queries):
    full = client.get(catalogue.url)
    fragment = client.get(catalogue.url, {"partial": "1"})
    requested = client.get(catalogue.url, headers={"X-Requested-With": "XMLHttpRequest"})
    assert fragment["X-Pivot-Cache"] == requested["X-Pivot-Cache"] == "miss"
    assert "<html" in full.content.decode() and "<html" not in fragment.content.decode()
    assert "<html" not in requested.content.decode()
    with django_assert_num_queries(0):
        assert client.get(catalogue.url).content == full.content
        assert client.get(catalogue.url, {"partial": "1"}).content == fragment.content
        assert client.get(catalogue.url, headers={"X-Requested-With": "XMLHttpRequest"}).content == requested.content


def test_languages_do_not_mix(client, offer):
    french = client.get(f"/offres/{offer.pk}/")
    english = client.get(f"/en/offres/{offer.pk}/")
    assert english["X-Pivot-Cache"] == "miss"
    assert 'lang="fr"' in french.content.decode() and 'lang="en"' in english.content.decode()
    assert client.get(f"/offres/{offer.pk}/").content == french.content
    assert client.get(f"/en/offres/{offer.pk}/").content == english.content


def test_post_is_never_cached(client, catalogue):
    response = client.post(catalogue.url)
    assert "X-Pivot-Cache" not in response
    assert client.get(catalogue.url)["X-Pivot-Cache"] == "miss"


def test_not_found_is_not_cached(client, offer):
    for _ in range(2):
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/offres/999999/")
        assert response.status_code == 404 and response["X-Pivot-Cache"] == "miss"
        assert len(queries) > 0


def test_admin_and_api_are_never_cached(client, offer):
    for url in ("/api/v1/offers/", "/admin/login/"):
        client.get(url)
        assert "X-Pivot-Cache" not in client.get(url)


def test_zero_seconds_turns_the_cache_off(client, offer, settings):
    settings.PIVOT_PAGE_CACHE_SECONDS = 0
    url = reverse("offer_detail", args=[offer.pk])
    client.get(url)
    assert "X-Pivot-Cache" not in client.get(url)


def test_a_transaction_bumps_the_generation_once(offer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks, transaction.atomic():
        for n in range(3):
            factories.OfferFactory(organisation=offer.organisation, shop=offer.shop, product__name=f"Objet {n}")
    assert callbacks.count(page_cache._bump_generation) == 1


def test_a_rolled_back_change_leaves_the_bump_to_the_next_one(offer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            page_cache.invalidate()
            raise RuntimeError
        offer_services.offer_stock_adjust(offer=offer, delta=1)
    assert callbacks == [page_cache._bump_generation]


def test_a_missing_generation_is_created_new():
    cache.delete(page_cache.GENERATION_KEY)
    page_cache._bump_generation()
    first = cache.get(page_cache.GENERATION_KEY)
    page_cache._bump_generation()
    assert cache.get(page_cache.GENERATION_KEY) == first + 1


def test_the_language_form_works_without_a_csrf_token(offer):
    """No page carries a CSRF token, so that pages can be cached; switching language needs none."""
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    url = reverse("offer_detail", args=[offer.pk])
    assert "csrfmiddlewaretoken" not in client.get(url).content.decode()
    response = client.post(reverse("set_language"), {"language": "en", "next": url})
    assert response.status_code == 302 and response["Location"] == f"/en/offres/{offer.pk}/"
