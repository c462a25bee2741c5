"""A shop's own API key (``Authorization: Bearer <key>``) for its stock feed; see ``imports.stock_tokens``."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from .stock_tokens import stock_feed_token_find, stock_feed_token_touch

KEYWORD = "Bearer"


class ShopKey:
    """Who calls with a shop key: the shop itself, which is no user account and works for no organisation.

    Views that accept keys test ``isinstance(request.user, ShopKey)`` before anything that needs a user."""

    is_authenticated = True
    is_active = True
    is_anonymous = False
    is_staff = False
    is_superuser = False
    pk = None
    id = None

    def __init__(self, token):
        self.token = token
        self.shop = token.shop

    def __str__(self):
        return f"{self.shop} ({self.token.prefix}…)"

    def has_perm(self, perm, obj=None) -> bool:
        return False


class StockFeedKeyAuthentication(authentication.BaseAuthentication):
    """A missing header lets the next authentication class try; a wrong or revoked key is a 401."""

    def authenticate(self, request):
        parts = authentication.get_authorization_header(request).split()
        if not parts or parts[0].lower() != KEYWORD.lower().encode():
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(_("Give the shop's key after “Bearer ”, without spaces."))
        try:
            raw_key = parts[1].decode()
        except UnicodeError:
            raise exceptions.AuthenticationFailed(_("This key is not valid."))
        token = stock_feed_token_find(raw_key=raw_key)
        if token is None:
            raise exceptions.AuthenticationFailed(_("This key is not valid."))
        if token.revoked_at is not None:
            raise exceptions.AuthenticationFailed(_("This key was revoked: ask the shop's staff for a new one."))
        stock_feed_token_touch(token=token)
        return ShopKey(token), token

    def authenticate_header(self, request):
        return f'{KEYWORD} realm="api"'


class StockFeedKeyScheme(OpenApiAuthenticationExtension):
    target_class = "imports.authentication.StockFeedKeyAuthentication"
    name = "shopKey"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A shop's stock feed key, created by its staff in the admin (Settings → Stock feeds).",
        }
