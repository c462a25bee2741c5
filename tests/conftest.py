import shutil

import pytest
from django.conf import settings

from tests import factories


@pytest.fixture(autouse=True)
def _media_root(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    yield
    shutil.rmtree(tmp_path / "media", ignore_errors=True)


@pytest.fixture(autouse=True)
def _fresh_caches():
    """Each test starts with empty caches: the database is rolled back between tests, caches are not."""
    from django.core.cache import cache

    from cms.models import CatalogPage

    cache.clear()
    CatalogPage.forget_main_url()
    yield


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the site's language: a request to /en/ leaves English active in its thread."""
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture
def org_a(db):
    return factories.OrganisationFactory(name="Ressourcerie A", slug="ressourcerie-a")


@pytest.fixture
def org_b(db):
    return factories.OrganisationFactory(name="Ressourcerie B", slug="ressourcerie-b")


@pytest.fixture
def staff_a(org_a):
    return factories.make_staff(org_a, username="staff_a")


@pytest.fixture
def staff_b(org_b):
    return factories.make_staff(org_b, username="staff_b")


@pytest.fixture
def admin_user(db):
    return factories.make_superuser(username="platform_admin")


@pytest.fixture
def animator(db):
    return factories.make_animator(username="animator")


def is_postgresql():
    return settings.DATABASES["default"]["ENGINE"].endswith("postgresql")
