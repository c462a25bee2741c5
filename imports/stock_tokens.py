"""Shops' own API keys for pushing their stock (``POST /api/v1/stock-feeds/``).

A key is shown once, when it is created; only its SHA-256 is stored, with a short prefix to recognise it in
lists. Only the staff of the shop's organisation (and platform admins) create and revoke its keys; animators
see the feeds, not the keys.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from pivot_site.exceptions import DomainError
from shops.permissions import is_platform_admin, organisation_ids

from .models import StockFeedToken

KEY_START = "pvs_"  # PIVOT stock: a secret scanner can spot a leaked key
PREFIX_LENGTH = 12
NAME_LENGTH = 100
LAST_USED_EVERY = timedelta(minutes=1)


def key_hash(raw_key: str) -> str:
    return hashlib.sha256(raw_key.encode()).hexdigest()


def may_manage_stock_keys(user, *, shop) -> bool:
    return is_platform_admin(user) or shop.organisation_id in organisation_ids(user)


def stock_feed_token_list(*, user, shops=None):
    """The keys of the shops whose keys ``user`` manages (all of them for a platform admin)."""
    tokens = StockFeedToken.objects.select_related("shop", "created_by")
    if not is_platform_admin(user):
        tokens = tokens.filter(shop__organisation_id__in=organisation_ids(user))
    if shops is not None:
        tokens = tokens.filter(shop__in=shops)
    return tokens.order_by("shop__name", "revoked_at", "-created_at")


@transaction.atomic
def stock_feed_token_create(*, shop, name: str, actor) -> tuple[StockFeedToken, str]:
    """A new key for ``shop``; returns it with the key itself, which is never shown again."""
    if not may_manage_stock_keys(actor, shop=shop):
        raise PermissionDenied
    name = " ".join(str(name or "").split())
    if not name:
        raise DomainError(_("Name the key after the till or program that will use it."), code="invalid", field="name")
    if len(name) > NAME_LENGTH:
        raise DomainError(
            _("A key's name has at most %(max)s characters.") % {"max": NAME_LENGTH}, code="invalid", field="name"
        )
    raw_key = KEY_START + secrets.token_urlsafe(32)
    token = StockFeedToken.objects.create(
        shop=shop, name=name, prefix=raw_key[:PREFIX_LENGTH], key_hash=key_hash(raw_key), created_by=actor
    )
    return token, raw_key


@transaction.atomic
def stock_feed_token_revoke(*, token: StockFeedToken, actor) -> StockFeedToken:
    """The key stops working at once; revoking it twice changes nothing."""
    token = StockFeedToken.objects.select_for_update().select_related("shop").get(pk=token.pk)
    if not may_manage_stock_keys(actor, shop=token.shop):
        raise PermissionDenied
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def stock_feed_token_find(*, raw_key: str) -> StockFeedToken | None:
    """The key (revoked or not) whose SHA-256 is that of ``raw_key``, with its shop and organisation."""
    if not raw_key or len(raw_key) > 200:
        return None
    return StockFeedToken.objects.select_related("shop__organisation").filter(key_hash=key_hash(raw_key)).first()


def stock_feed_token_touch(*, token: StockFeedToken) -> None:
    """Record that the key was used, at most once a minute (one UPDATE then, none otherwise)."""
    now = timezone.now()
    if token.last_used_at is not None and now - token.last_used_at < LAST_USED_EVERY:
        return
    StockFeedToken.objects.filter(pk=token.pk).filter(
        Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - LAST_USED_EVERY)
    ).update(last_used_at=now)
    token.last_used_at = now
