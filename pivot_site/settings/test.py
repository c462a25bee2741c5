from .base import *  # noqa: F403

SECRET_KEY = "test-only-key"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = BASE_DIR / ".test-media"  # noqa: F405
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Tests run in a transaction that never commits, so the page cache is never invalidated: off unless a test
# turns it on (tests/cms/test_page_cache.py).
PIVOT_PAGE_CACHE_SECONDS = 0
Q_CLUSTER = {**Q_CLUSTER, "sync": True}  # noqa: F405
WAGTAILADMIN_BASE_URL = "http://testserver"
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# One folder per pytest-xdist worker: each has its own database, so job ids repeat across workers.
PIVOT_IMPORT_WORK_DIR = BASE_DIR / ".test-media" / f"import-work-{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"  # noqa: F405
