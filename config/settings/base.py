"""Settings shared by every environment; everything that varies comes from the environment."""

from datetime import timedelta
from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
env.read_env(BASE_DIR / ".env", overwrite=False)

# Which settings module is in force; seed_demo refuses "production" without --force.
ENVIRONMENT = "local"

# An empty value (as in a copied .env.example) means the development key; production refuses both.
SECRET_KEY = env("DJANGO_SECRET_KEY", default="") or "insecure-dev-key-change-me"
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])

INSTALLED_APPS = [
    # django.contrib.admin, read only (apps/accounts/admin_site.py); served only with DJANGO_ADMIN_ENABLED.
    "apps.accounts.apps.ClinicAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "bootstrap",
    "pgtrigger",
    "axes",
    "csp",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "common",
    "apps.audit",
    "apps.hospitals",
    "apps.accounts",
    "apps.patients",
    "apps.formulary",
    "apps.consultations",
    "apps.visits",
    "apps.prescriptions",
    "apps.pharmacy",
    "apps.billing",
    "apps.opd",
    "apps.waitingroom",
    "apps.discovery",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "common.middleware.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before anything looks up a cookie, query parameter or form field: a NUL in one is a 400.
    "common.middleware.RefuseNulMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "common.middleware.SessionIdleRefreshMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "apps.audit.middleware.AuditContextMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, as django-axes asks: turns a locked-out login attempt into the lockout answer.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "apps.discovery.context_processors.demo_mode",
            ],
        },
    },
]

# SQLite needs no set-up; production and CI point DATABASE_URL at PostgreSQL.
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DJANGO_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Several threads (runserver, tests) share one file: wait for the write lock instead of failing.
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
    DATABASES["default"]["OPTIONS"]["transaction_mode"] = "IMMEDIATE"
elif env.bool("DJANGO_DB_PREPARED_STATEMENTS", default=True):
    # PostgreSQL plans a statement once per connection, not once per request: server-side binding lets
    # psycopg prepare each statement a connection has sent twice (connections persist, CONN_MAX_AGE).
    # Planning was most of PostgreSQL's work: measured with bench.profile on the small set, CPU of
    # PostgreSQL per request, the pharmacy's list (a join of nine tables) 5.75 → 0.90 ms, the API
    # session 3.20 → 1.10 ms, the floor 0.20 → 0.15 ms. Off (false) behind a transaction-pooling PgBouncer.
    DATABASES["default"].setdefault("OPTIONS", {}).update(server_side_binding=True, prepare_threshold=2)
# PostgreSQL with two roles (docs/operations.md): the app connects as this one, which owns nothing, while
# `migrate` runs with the owner's DATABASE_URL and grants this role its privileges. Empty: one role does both.
DATABASE_APP_ROLE = env("DATABASE_APP_ROLE", default="")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# Where `manage.py backup` writes (see docs/operations.md); keep it off the database's own disk.
BACKUP_DIR = env("BACKUP_DIR", default="") or str(BASE_DIR / "backups")

AUTH_USER_MODEL = "accounts.User"
# django-axes first: it refuses a locked-out username+address before any password is checked.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "apps.accounts.backends.HospitalAwareBackend"]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:home"
LOGOUT_REDIRECT_URL = "accounts:login"

PASSWORD_HASHERS = [
    "common.hashers.ClinicArgon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Sessions live in the database so any app process can serve any request.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_AGE = env.int("SESSION_IDLE_TIMEOUT_SECONDS", default=30 * 60)
# The age above is an idle timeout: common.middleware.SessionIdleRefreshMiddleware re-saves a
# session in use once a minute (not on every request, which would be an UPDATE per page).
SESSION_SAVE_EVERY_REQUEST = False
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# The cache holds the API's failed-token throttle and the one-time form tokens, so it must be shared
# by every app process: Redis when REDIS_URL is set, otherwise the database (its table comes with
# common's migration 0001, so `migrate` is the only database step). Never a per-process cache.
_redis_url = env("REDIS_URL", default="")
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": _redis_url}
        if _redis_url
        else {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "django_cache"}
    )
}

LANGUAGE_CODE = "en-in"
# Stored in UTC; a hospital's "day" uses its own zone (Hospital.time_zone, default below).
TIME_ZONE = env("DJANGO_TIME_ZONE", default="Asia/Kolkata")
USE_I18N = True
# The patient's language for medicine timing on prints and labels (SPEC §10; common.constants.Language).
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DATA_UPLOAD_MAX_MEMORY_SIZE", default=1024 * 1024)

# Lockout (SPEC §7): 5 failed logins for one username from one address, web and API token alike,
# lock that pair for 15 minutes. Attempts live in the database, shared by every app process.
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LOGIN_LOCKOUT_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# The window runs from the lockout: trying again while locked does not extend it.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "apps.accounts.lockout.lockout_response"
AXES_USERNAME_CALLABLE = "apps.accounts.lockout.username_of_attempt"
AXES_VERBOSE = False
# One decision of the client's address for the lockout, the API's throttles and the audit log.
AXES_CLIENT_IP_CALLABLE = "common.client_address.client_ip"
# Reverse proxies (addresses or CIDRs) whose X-Forwarded-For is believed; empty trusts nobody, so
# that a client cannot name its own address. Behind nginx or a load balancer, list its address.
TRUSTED_PROXIES = env.list("TRUSTED_PROXIES", default=[])

# Content-Security-Policy (SPEC §7): nothing inline, nothing from elsewhere. `data:` images are
# Bootstrap's own icons (navbar toggler, select arrows) embedded in its stylesheet.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}
# No page needs these browser features; deny them to anything that might get in.
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), display-capture=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), payment=(), usb=()"
)

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CSRF_COOKIE_HTTPONLY = False

DEMO_MODE = env.bool("DEMO_MODE", default=False)
# /admin/: a read-only view of the tables for the super admin. Off by default; SPEC's own pages
# cover the super admin's work, and what is not served cannot be attacked.
DJANGO_ADMIN_ENABLED = env.bool("DJANGO_ADMIN_ENABLED", default=False)

# REST API v1 (SPEC §4): bearer tokens first (so a missing login is a 401), then the browser's session with CSRF.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "apps.accounts.authentication.BearerTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    # DRF's JSON parser with limits on size, depth and NUL characters (no body gives a 500).
    "DEFAULT_PARSER_CLASSES": ["common.parsers.JSONParser"],
    "DEFAULT_PAGINATION_CLASS": "common.pagination.Pagination",
    "PAGE_SIZE": 20,
    "EXCEPTION_HANDLER": "common.api.exception_handler",
    "DEFAULT_METADATA_CLASS": "common.metadata.EndpointMetadata",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_THROTTLE_RATES": {"token_failures": env("API_TOKEN_FAILURE_RATE", default="10/min")},
    "COERCE_DECIMAL_TO_STRING": False,
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
# Hours an API token lives after it is issued.
API_TOKEN_TTL_HOURS = env.int("API_TOKEN_TTL_HOURS", default=12)

SPECTACULAR_SETTINGS = {
    "TITLE": "ClinicSetu API",
    "DESCRIPTION": (
        "The OPD day of a clinic: patients, visits with vitals, the doctor's queue and prescriptions, "
        "the pharmacy. Authenticate with `POST /api/v1/auth/token/` and send `Authorization: Bearer <token>`. "
        "Another hospital's object is a 404; a role or owner that may not act gets a 403; a state conflict a 409."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "RoleEnum": "common.constants.Role.choices",
        "GenderEnum": "common.constants.Gender.choices",
        "SessionStatusEnum": "common.constants.SessionStatus.choices",
        "ItemStatusEnum": "common.constants.ItemStatus.choices",
        "DoseUnitEnum": "common.dosing.DoseUnit.choices",
        "DurationUnitEnum": "common.dosing.DurationUnit.choices",
        "FoodRelationEnum": "common.dosing.FoodRelation.choices",
        "MedicineFormEnum": "apps.formulary.models.MedicineForm.choices",
        "DispenseStatusEnum": "apps.pharmacy.selectors.STATUSES",
        "DiagnosisKindEnum": "apps.consultations.models.DiagnosisKind.choices",
        "DiagnosisCertaintyEnum": "apps.consultations.models.DiagnosisCertainty.choices",
        "PickListKindEnum": "apps.consultations.models.PickListKind.choices",
        "AllergyKindEnum": "apps.patients.models.AllergyKind.choices",
        "BillLineKindEnum": "apps.billing.models.LineKind.choices",
        "MoneyEntryKindEnum": "apps.billing.models.EntryKind.choices",
        "AllergyCategoryEnum": "apps.patients.models.AllergyCategory.choices",
        "AllergySeverityEnum": "apps.patients.models.AllergySeverity.choices",
        "ErrorCodeEnum": "common.api.ERROR_CODE_CHOICES",
    },
    # Swagger UI from the sidecar package: no CDN, works offline on a clinic LAN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SECURITY": [{"bearerAuth": []}],
    # Request bodies are strict (an unknown field is a 400): the schema says so.
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "common.api.strict_request_bodies"],
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", default="INFO")},
}
