"""Whole-page cache of the public site for anonymous visitors, forgotten as soon as what it shows changes.

Who: a GET or HEAD without a session cookie (nor a flash message waiting in its cookie). Staff and members always have a session (and the offer page
shows prices excluding tax to professional members), so anonymity is decided without a query and nobody
with a session is ever served from the cache or stored in it.
What: public pages only (not the admin, the API, documents, language switching, static or media files);
only 200 responses that set no cookie, are not streamed and do not ask to stay private.
Key: a global generation number, the method, the absolute URL with its query string, the language
(the URL carries it: /en/...) and X-Requested-With (the catalogue answers its results fragment to it).
Invalidation: ``invalidate()`` bumps the generation once the transaction commits; the signals wired by
``connect_signals()`` call it for offers, shops, pages and images, and services call it where rows
change without a signal (``QuerySet.update``). Older entries are never read again and expire by themselves.
Time alone changes some pages ("open now" on a shop page, offers entering or leaving their
available_from/until window): entries live PIVOT_PAGE_CACHE_SECONDS (60 s), which bounds that staleness;
0 turns the cache off. Wagtail serves only live content, so saving a draft revision changes nothing here.
"""

import hashlib
import time

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse
from django.utils import translation
from django.utils.cache import cc_delim_re

GENERATION_KEY = "pivot:page-cache:generation"
HEADER = "X-Pivot-Cache"
EXCLUDED_PREFIXES = ("/admin/", "/api/", "/documents/", "/i18n/")
PRIVATE_DIRECTIVES = {"private", "no-store", "no-cache"}


class AnonymousPageCacheMiddleware:
    """Serve and store public pages for anonymous visitors; goes right after LocaleMiddleware.

    Inner middleware (CSRF, messages, clickjacking...) run only on a miss, so the cookies and headers
    they add are part of what is checked and stored.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.excluded_prefixes = (*EXCLUDED_PREFIXES, settings.STATIC_URL, settings.MEDIA_URL)

    def __call__(self, request):
        seconds = settings.PIVOT_PAGE_CACHE_SECONDS
        if not seconds or not self._cacheable_request(request):
            return self.get_response(request)
        # The generation is read before the page is built: a page built while a change commits is stored
        # under the old generation, where nobody will read it.
        key = self._key(request, cache.get_or_set(GENERATION_KEY, time.time_ns, timeout=None))
        stored = cache.get(key)
        if stored is not None:
            content, headers = stored
            response = HttpResponse(content, headers=headers)
            response[HEADER] = "hit"
            return response
        response = self.get_response(request)
        if self._storable(request, response):
            cache.set(key, (response.content, list(response.items())), seconds)
        response[HEADER] = "miss"
        return response

    def _cacheable_request(self, request) -> bool:
        return (
            request.method in ("GET", "HEAD")
            and settings.SESSION_COOKIE_NAME not in request.COOKIES
            # A flash message waiting in its cookie (after logging out, say) is shown by the next page.
            and CookieStorage.cookie_name not in request.COOKIES
            and not request.path_info.startswith(self.excluded_prefixes)
            and "/_util/" not in request.path_info  # Wagtail's password and login forms for private pages
        )

    @staticmethod
    def _key(request, generation) -> str:
        parts = (
            request.method,
            translation.get_language(),
            request.headers.get("X-Requested-With", ""),
            request.build_absolute_uri(),
        )
        digest = hashlib.sha256("\n".join(parts).encode()).hexdigest()
        return f"pivot:page:{generation}:{digest}"

    @staticmethod
    def _storable(request, response) -> bool:
        cache_control = {d.split("=")[0].strip().lower() for d in cc_delim_re.split(response.get("Cache-Control", ""))}
        vary = {v.strip().lower() for v in cc_delim_re.split(response.get("Vary", ""))}
        session = getattr(request, "session", None)
        return (
            response.status_code == 200
            and not response.streaming
            and not response.cookies
            and not (session is not None and session.modified)  # SessionMiddleware would send a cookie
            and not cache_control & PRIVATE_DIRECTIVES
            and not vary & {"*", "cookie"}
        )


def _bump_generation() -> None:
    """Atomic on Redis. The file cache's incr is a read then a write (two bumps at once may count as one,
    leaving a page at most PIVOT_PAGE_CACHE_SECONDS old) and gives the key the default timeout (when it
    expires, a new generation starts: pages are only built again)."""
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:
        # Missing (first change, or evicted): a clock value never repeats an older generation.
        cache.add(GENERATION_KEY, time.time_ns(), timeout=None)


def invalidate(**signal_kwargs) -> None:
    """Forget every cached page once the current transaction commits (at once outside a transaction).

    One bump per transaction, so that an import of 10,000 rows bumps once: a bump still pending runs
    whenever this change commits (a savepoint rolled back takes its pending callbacks with it).
    """
    connection = transaction.get_connection()
    if any(callback is _bump_generation for _savepoints, callback, _robust in connection.run_on_commit):
        return
    transaction.on_commit(_bump_generation)


def connect_signals() -> None:
    """Called from an AppConfig.ready: whatever a public page shows invalidates the cache when it changes."""
    from wagtail.images import get_image_model
    from wagtail.models import Page, Site
    from wagtail.signals import page_published, page_unpublished, post_page_move

    from offers.models import Offer, Producer, Product, ProductCategory, ProductImage
    from shops.models import Closure, Depot, OpeningPeriod, Organisation, PickupSlot, Shop

    models = (
        Offer,
        Product,
        ProductImage,
        ProductCategory,
        Producer,
        Organisation,
        Shop,
        OpeningPeriod,
        Depot,
        PickupSlot,
        Closure,
        get_image_model(),
        Site,
    )
    for model in models:
        label = model._meta.label_lower
        post_save.connect(invalidate, sender=model, dispatch_uid=f"page_cache_saved_{label}")
        post_delete.connect(invalidate, sender=model, dispatch_uid=f"page_cache_deleted_{label}")
    for field in ("reserved_categories", "allowed_depots"):
        through = Offer._meta.get_field(field).remote_field.through
        m2m_changed.connect(invalidate, sender=through, dispatch_uid=f"page_cache_offer_{field}")
    # Pages: only what visitors see (Wagtail serves live content): publishing, unpublishing, moving, deleting.
    page_published.connect(invalidate, dispatch_uid="page_cache_page_published")
    page_unpublished.connect(invalidate, dispatch_uid="page_cache_page_unpublished")
    post_page_move.connect(invalidate, dispatch_uid="page_cache_page_moved")
    post_delete.connect(invalidate, sender=Page, dispatch_uid="page_cache_page_deleted")
