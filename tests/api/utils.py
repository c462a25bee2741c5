"""Helpers shared by the API tests."""

from django.conf import settings
from django.utils.translation import gettext, override
from rest_framework.test import APIClient


def translated(message):
    """``message`` as the API says it: /api/v1/ is outside i18n_patterns, so it speaks the default language."""
    with override(settings.LANGUAGE_CODE):
        return gettext(message)


class Client(APIClient):
    """An API client that unwraps pages."""

    def results(self, url, params=None, status=200):
        response = self.get(url, params or {})
        assert response.status_code == status, (response.status_code, response.content[:500])
        return response.json()["results"]

    def ids(self, url, params=None):
        return [item["id"] for item in self.results(url, params)]
