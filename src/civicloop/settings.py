"""Civicloop settings: one module, driven by environment variables.

Every value has a default that needs no other service (SQLite under ``var/``,
tasks in the same database), so ``civicloop demo`` runs on a bare machine.
Production sets ``DATABASE_URL=postgres://…``, ``SECRET_KEY`` (or
``SECRET_KEY_FILE``), ``DEBUG=0`` and ``ALLOWED_HOSTS``.
"""

from __future__ import annotations

import datetime
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

PACKAGE_DIR = Path(__file__).resolve().parent
VAR_DIR = Path(os.environ.get("CIVICLOOP_VAR_DIR", Path.cwd() / "var")).resolve()


def env_str(name: str, default: str | None = None) -> str:
    """Read a string; ``NAME_FILE`` (a path) wins so secrets can come from files."""
    file_name = os.environ.get(f"{name}_FILE")
    if file_name:
        try:
            return Path(file_name).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ImproperlyConfigured(f"{name}_FILE={file_name!r} cannot be read: {exc}") from exc
    value = os.environ.get(name)
    if value is None:
        if default is None:
            raise ImproperlyConfigured(f"Environment variable {name} is required")
        return default
    return value


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    lowered = raw.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a boolean (use 1/0, true/false)")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name}={raw!r} is not an integer") from exc


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)


def _local_secret_key() -> str:
    """Without SECRET_KEY, keep a random key in var/ so sessions survive restarts."""
    key_file = VAR_DIR / "secret_key"
    if key_file.exists():
        return key_file.read_text(encoding="utf-8").strip()
    from django.core.management.utils import get_random_secret_key

    VAR_DIR.mkdir(parents=True, exist_ok=True)
    key = get_random_secret_key()
    key_file.write_text(key, encoding="utf-8")
    key_file.chmod(0o600)
    return key


SECRET_KEY = env_str("SECRET_KEY", "") or _local_secret_key()
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    # The admin site asks for a verified second factor (core/twofactor.py, docs/security.md).
    "civicloop.core.apps.TwoFactorAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "django_tasks",
    "django_tasks_db",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "csp",
    "civicloop.core",
    "civicloop.workcalendar",
    "civicloop.org",
    "civicloop.privacy",
    "civicloop.notifications",
    "civicloop.events",
    "civicloop.router",
    "civicloop.matters",
    "civicloop.open311",
    "civicloop.hotspots",
    "civicloop.gridkit",
    "civicloop.parties",
    "civicloop.cases",
    "civicloop.leniency",
    "civicloop.documents",
    "civicloop.assessment",
    "civicloop.discretion",
    "civicloop.inspections",
    "civicloop.scoring",
    "civicloop.supervision",
    "civicloop.cockpit",
    "civicloop.site",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # One input layer: NUL characters and lone surrogates are refused with 400 here.
    "civicloop.core.middleware.RefuseUnusableText",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): whether this session passed the second factor.
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # A session idle longer than CIVICLOOP_SESSION_IDLE_MINUTES is signed out (core/signin.py).
    "civicloop.core.signin.SessionIdleTimeout",
    # CIVICLOOP_REQUIRE_2FA=all: a session without a verified second factor reaches only the
    # pages that set one up (core/twofactor.py).
    "civicloop.core.twofactor.RequireSecondFactor",
    # Content-Security-Policy header (CONTENT_SECURITY_POLICY below).
    "csp.middleware.CSPMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # A lost database connection answers 503 with Retry-After (core/middleware.py).
    "civicloop.core.middleware.DatabaseUnavailable",
    # Must be last: it inspects the response of failed sign-ins.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "civicloop.urls"
WSGI_APPLICATION = "civicloop.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    }
]

DATABASE_URL = os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'civicloop.sqlite3'}"
DATABASES = {
    "default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 0))
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL + a busy timeout let the worker and the web server share one SQLite file.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "org.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Password policy (stated in docs/security.md): at least 10 characters, three of
# the four character classes, not similar to the user's data, not a common password.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "civicloop.org.passwords.CharacterClassValidator", "OPTIONS": {"min_classes": 3}},
]
LOGIN_URL = "login"
# "home" sends each person to their landing page (leaders: the cockpit; others: the queue).
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Sign-in throttling (django-axes): lock an account+address pair after repeated failures.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("AXES_COOLOFF_MINUTES", 15) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_ENABLED = env_bool("AXES_ENABLED", True)
# The sign-in lockout counts by the same client address as the rate limits.
AXES_CLIENT_IP_CALLABLE = "civicloop.core.api.client_ip"
# Proxies in front of Civicloop whose X-Forwarded-For is trusted (nginx alone: 1). With 0 the
# connection's address is the client's and the header, which any client can set, is ignored.
CIVICLOOP_TRUSTED_PROXIES = env_int("CIVICLOOP_TRUSTED_PROXIES", 0)
# Hours an API token lasts; it also ends on a password change, a web sign-out and revocation.
CIVICLOOP_API_TOKEN_HOURS = env_int("CIVICLOOP_API_TOKEN_HOURS", 24 * 7)

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = env_str("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(VAR_DIR / "static")))
# Site-wide static files (vendored htmx and Pico CSS, civicloop.css/js) sit beside the apps.
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
# Media is never served directly: attachments go through a scoped view.
MEDIA_URL = "/media-not-public/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", False)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", False)
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 3600)
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
if env_bool("BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# A filter left empty reads "全部", not Django's "---------" (django-filter's empty choice).
FILTERS_EMPTY_CHOICE_LABEL = _("all")

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "civicloop.org.tokens.ExpiringTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "civicloop.core.api.exception_handler",
    # The public endpoints (report, track, rate) are throttled per client address.
    "DEFAULT_THROTTLE_RATES": {"public": env_str("API_PUBLIC_THROTTLE_RATE", "30/minute")},
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Civicloop API",
    "DESCRIPTION": "REST API of Civicloop: organisation, events and the closed event loop.",
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI from the installed drf-spectacular-sidecar, served as our static files — no
    # CDN (an intranet reaches none) and no unpinned script.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Choice sets whose field names repeat across models ("state", "kind") need names.
    "ENUM_NAME_OVERRIDES": {
        "EventStateEnum": "civicloop.events.choices.EventState",
        "AssignmentStateEnum": "civicloop.events.choices.AssignmentState",
        "AssignmentKindEnum": "civicloop.events.choices.AssignmentKind",
        "UnitKindEnum": "civicloop.org.choices.UnitKind",
        "EmpowermentKindEnum": "civicloop.matters.choices.GrantKind",
        "EmpowermentRequestStateEnum": "civicloop.matters.choices.RequestState",
        "AssessmentStateEnum": "civicloop.assessment.choices.AssessmentState",
        "AssessmentDimensionEnum": "civicloop.assessment.choices.Dimension",
        "RegionLevelEnum": "civicloop.org.choices.RegionLevel",
        "ToolkitItemKindEnum": "civicloop.gridkit.choices.ItemKind",
        "ToolkitCardBasisEnum": "civicloop.gridkit.choices.CardBasis",
        "ToolkitFormKindEnum": "civicloop.gridkit.choices.FormKind",
        "WarningStateEnum": "civicloop.hotspots.choices.WarningState",
        "HotspotDimensionEnum": "civicloop.hotspots.choices.Dimension",
        "CaseStateEnum": "civicloop.cases.choices.CaseState",
        "CaseOutcomeEnum": "civicloop.cases.choices.Outcome",
        "LegalReviewStateEnum": "civicloop.cases.choices.ReviewState",
        "ApprovalStateEnum": "civicloop.cases.choices.ApprovalState",
        "PartyKindEnum": "civicloop.parties.choices.PartyKind",
        "CaseSourceEnum": "civicloop.cases.choices.CaseSource",
        "CaseProcedureEnum": "civicloop.cases.choices.Procedure",
        "CasePartyRoleEnum": "civicloop.cases.choices.PartyRole",
        "PenaltyKindEnum": "civicloop.cases.choices.PenaltyKind",
        "EvidenceKindEnum": "civicloop.cases.choices.EvidenceKind",
        "ApprovalKindEnum": "civicloop.cases.choices.ApprovalKind",
        "DocumentKindEnum": "civicloop.documents.choices.DocumentKind",
        "DocumentFormatEnum": "civicloop.documents.choices.FileFormat",
        "CaseDeadlineKindEnum": "civicloop.cases.choices.DeadlineKind",
        "HearingOutcomeEnum": "civicloop.cases.choices.HearingOutcome",
        "ServiceMethodEnum": "civicloop.cases.choices.ServiceMethod",
        "ReviewModeEnum": "civicloop.cases.choices.ReviewMode",
        "ReviewOpinionEnum": "civicloop.cases.choices.Opinion",
        "ReviewReturnToEnum": "civicloop.cases.choices.ReturnTo",
        "NoPenaltyGroundEnum": "civicloop.cases.choices.NoPenaltyGround",
        "DeadlineCountingEnum": "civicloop.cases.choices.Counting",
        "LeniencyItemKindEnum": "civicloop.leniency.choices.ItemKind",
        "ButlerServiceKindEnum": "civicloop.leniency.choices.ServiceKind",
        "CommitmentStateEnum": "civicloop.leniency.choices.CommitmentState",
        "CreditRepairStateEnum": "civicloop.leniency.choices.RepairState",
        # Cases also have fields named "source" and "outcome": name the events' sets too.
        "EventSourceEnum": "civicloop.events.choices.Source",
        "FeedbackOutcomeEnum": "civicloop.events.choices.Outcome",
    },
}

# A cache shared by every gunicorn worker on the host (API throttling counts per
# client across workers). Several hosts: point CACHE_LOCATION at shared storage or
# use CACHE_BACKEND=django.core.cache.backends.db.DatabaseCache.
CACHES = {
    "default": {
        "BACKEND": env_str("CACHE_BACKEND", "django.core.cache.backends.filebased.FileBasedCache"),
        "LOCATION": env_str("CACHE_LOCATION", str(VAR_DIR / "cache")),
    }
}

TASKS = {
    "default": {
        "BACKEND": env_str("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
    "loggers": {"civicloop": {"level": env_str("CIVICLOOP_LOG_LEVEL", "INFO"), "propagate": True}},
}

# --- Civicloop domain settings -------------------------------------------------
# Working hours of a working day, used for deadlines counted in working hours.
CIVICLOOP_WORKING_HOURS = env_str("CIVICLOOP_WORKING_HOURS", "08:30-12:00,13:30-17:30")
# The county this deployment serves (6-digit division code).
CIVICLOOP_COUNTY_CODE = env_str("CIVICLOOP_COUNTY_CODE", "330424")
# Upload limits for event photos and attachments.
CIVICLOOP_MAX_UPLOAD_BYTES = env_int("CIVICLOOP_MAX_UPLOAD_MB", 10) * 1024 * 1024
CIVICLOOP_MAX_UPLOADS_PER_EVENT = env_int("CIVICLOOP_MAX_UPLOADS_PER_EVENT", 9)
# Pixels a photo may have (a 200-megapixel phone photo passes; a decompression bomb does not).
CIVICLOOP_MAX_IMAGE_PIXELS = env_int("CIVICLOOP_MAX_IMAGE_PIXELS", 200_000_000)
# After this many dissatisfied ratings the event no longer reopens by itself;
# the command room decides (close with a stated reason, or rework).
CIVICLOOP_MAX_DISSATISFIED_REWORKS = env_int("CIVICLOOP_MAX_DISSATISFIED_REWORKS", 2)
# How often `civicloop worker` sweeps deadlines (seconds).
CIVICLOOP_DEADLINE_SWEEP_SECONDS = env_int("CIVICLOOP_DEADLINE_SWEEP_SECONDS", 60)
CIVICLOOP_ROLLUP_SECONDS = env_int("CIVICLOOP_ROLLUP_SECONDS", 600)
# Days a reporter has to rate before the command room may close unrated.
CIVICLOOP_RATING_WINDOW_DAYS = env_int("CIVICLOOP_RATING_WINDOW_DAYS", 3)
# Open311 GeoReport v2 (docs/open311.md): a domain-style jurisdiction_id accepted besides
# the county code, the discovery contact, and whether the endpoint is production or test.
CIVICLOOP_OPEN311_JURISDICTION_ID = env_str("CIVICLOOP_OPEN311_JURISDICTION_ID", "")
CIVICLOOP_OPEN311_CONTACT = env_str("CIVICLOOP_OPEN311_CONTACT", "")
CIVICLOOP_OPEN311_ENDPOINT_TYPE = env_str("CIVICLOOP_OPEN311_ENDPOINT_TYPE", "production")
# Grid toolkit (docs/gridkit.md). The staff map works offline: no tile server unless this
# URL template is set (e.g. https://tiles.example.gov.cn/{z}/{x}/{y}.png); its tiles must be
# GCJ-02 like our points, or they will be offset by a few hundred metres.
CIVICLOOP_MAP_TILE_URL = env_str("CIVICLOOP_MAP_TILE_URL", "")
# Base map under the region maps (org/maps.py, docs/deployment.md "Maps"). Empty: no tiles,
# the areas are drawn on white (works offline). A 天地图 tile template carries "{tk}", filled
# from CIVICLOOP_BASEMAP_KEY. The datum is the tiles': 天地图 is CGCS2000 (= "wgs84" at map
# scale), Amap-style tiles are "gcj02"; our GCJ-02 areas are converted to match.
CIVICLOOP_BASEMAP_URL = env_str("CIVICLOOP_BASEMAP_URL", "")
CIVICLOOP_BASEMAP_KEY = env_str("CIVICLOOP_BASEMAP_KEY", "")
CIVICLOOP_BASEMAP_DATUM = env_str(
    "CIVICLOOP_BASEMAP_DATUM", "wgs84" if CIVICLOOP_BASEMAP_URL else "gcj02"
)
if CIVICLOOP_BASEMAP_DATUM not in {"wgs84", "gcj02"}:
    raise ImproperlyConfigured("CIVICLOOP_BASEMAP_DATUM must be wgs84 or gcj02")
CIVICLOOP_BASEMAP_ATTRIBUTION = env_str("CIVICLOOP_BASEMAP_ATTRIBUTION", "")
CIVICLOOP_BASEMAP_SUBDOMAINS = env_list("CIVICLOOP_BASEMAP_SUBDOMAINS", [])
# The address citizens use, printed on the cards before the report path (e.g.
# https://civicloop.haiyan.gov.cn); empty: the address of the request that made the page.
CIVICLOOP_PUBLIC_URL = env_str("CIVICLOOP_PUBLIC_URL", "")

# --- Penalty cases (docs/cases.md) ------------------------------------------------------
# Statutory limits that the Administrative Penalty Law fixes (Art. 51 on-the-spot limits,
# Art. 61 service, Art. 64 hearing, Art. 67 payment, Art. 72 surcharge) are constants in
# cases/rules.py; what a province or county sets is configured here.
# Art. 60: a decision within 90 days of filing (natural days), unless other rules say otherwise.
CIVICLOOP_CASE_DECISION_DAYS = env_int("CIVICLOOP_CASE_DECISION_DAYS", 90)
# 简案快办: the county's own target from filing to decision, in working days.
CIVICLOOP_CASE_FAST_TRACK_WORKING_DAYS = env_int("CIVICLOOP_CASE_FAST_TRACK_WORKING_DAYS", 10)
# 简案快办: the proposed fine may be at most this many yuan.
CIVICLOOP_CASE_FAST_TRACK_FINE_CEILING = env_int("CIVICLOOP_CASE_FAST_TRACK_FINE_CEILING", 5000)
# The party's statement and defence period after the prior notice (working days; Art. 85
# reads "三日" as working days).
CIVICLOOP_CASE_STATEMENT_WORKING_DAYS = env_int("CIVICLOOP_CASE_STATEMENT_WORKING_DAYS", 3)
# Art. 63 (1)(2): what a "larger amount" is for the hearing right, in yuan. Provinces set it;
# the defaults are the figures this deployment was given for Zhejiang — check them against
# the provincial rule in force and set them per deployment.
CIVICLOOP_CASE_HEARING_FINE_PERSON = env_int("CIVICLOOP_CASE_HEARING_FINE_PERSON", 10000)
CIVICLOOP_CASE_HEARING_FINE_ORGANISATION = env_int(
    "CIVICLOOP_CASE_HEARING_FINE_ORGANISATION", 100000
)
CIVICLOOP_CASE_HEARING_CONFISCATION_PERSON = env_int(
    "CIVICLOOP_CASE_HEARING_CONFISCATION_PERSON", 10000
)
CIVICLOOP_CASE_HEARING_CONFISCATION_ORGANISATION = env_int(
    "CIVICLOOP_CASE_HEARING_CONFISCATION_ORGANISATION", 100000
)
# An extension of the decision deadline (granted under a rule that provides for it, Art. 60)
# may add at most this many natural days per approval.
CIVICLOOP_CASE_MAX_EXTENSION_DAYS = env_int("CIVICLOOP_CASE_MAX_EXTENSION_DAYS", 30)
# Warn the handlers, their command room and the responsible leaders this many days before
# a deadline of the authority expires.
CIVICLOOP_CASE_DEADLINE_WARNING_DAYS = env_int("CIVICLOOP_CASE_DEADLINE_WARNING_DAYS", 3)
# Legal review (法制审核): the local rule that every case a town decides under delegated
# powers is reviewed; how the opinions of a joint review make its outcome ("unanimous" or
# "majority"; either way one approving reviewer must hold the legal professional qualification).
CIVICLOOP_REVIEW_ALL_EMPOWERED_CASES = env_bool("CIVICLOOP_REVIEW_ALL_EMPOWERED_CASES", True)
CIVICLOOP_JOINT_REVIEW_RULE = env_str("CIVICLOOP_JOINT_REVIEW_RULE", "unanimous")
if CIVICLOOP_JOINT_REVIEW_RULE not in {"unanimous", "majority"}:
    raise ImproperlyConfigured("CIVICLOOP_JOINT_REVIEW_RULE must be unanimous or majority")
# Art. 58 ¶2 asks the qualification of those who *first* review after the law took effect
# (2021-07-15). Reviewers whose review post started before this date may go on reviewing
# without it; empty: everybody who approves must hold the qualification.
CIVICLOOP_REVIEW_SERVING_BEFORE = env_str("CIVICLOOP_REVIEW_SERVING_BEFORE", "2021-07-15")

# --- Case documents (docs/cases.md, "Documents") --------------------------------------------
# Where decisions tell the party to seek redress: the reconsideration body (行政复议机关; since
# the 2023 Administrative Reconsideration Law, the county government for its departments and
# towns) and the court (empty: "the people's court" without a name). Set per deployment.
CIVICLOOP_DOCUMENT_RECONSIDERATION_BODY = env_str(
    "CIVICLOOP_DOCUMENT_RECONSIDERATION_BODY", "海盐县人民政府"
)
CIVICLOOP_DOCUMENT_COURT = env_str("CIVICLOOP_DOCUMENT_COURT", "")
# PDF copies are made by LibreOffice: empty looks for `soffice` or `libreoffice` on PATH; a
# path or command name uses that; "none" offers DOCX only.
CIVICLOOP_DOCUMENT_PDF_CONVERTER = env_str("CIVICLOOP_DOCUMENT_PDF_CONVERTER", "")

# --- Flexible enforcement (docs/leniency.md) --------------------------------------------------
# 轻微违法告知承诺: the follow-up check is this many natural days after the commitment is signed
# (and not before the day after the correction deadline), on a working day.
CIVICLOOP_COMMITMENT_FOLLOW_UP_DAYS = env_int("CIVICLOOP_COMMITMENT_FOLLOW_UP_DAYS", 30)
# 一免一减 "first violation": the first day Civicloop holds the county's cases. A look-back reaching
# before it is "not known" until the handlers record that the earlier records were checked.
# Empty: the records are complete.
CIVICLOOP_LENIENCY_RECORDS_SINCE = env_str("CIVICLOOP_LENIENCY_RECORDS_SINCE", "")
if CIVICLOOP_LENIENCY_RECORDS_SINCE:
    try:
        datetime.date.fromisoformat(CIVICLOOP_LENIENCY_RECORDS_SINCE)
    except ValueError as exc:
        raise ImproperlyConfigured(
            "CIVICLOOP_LENIENCY_RECORDS_SINCE must be a date like 2026-01-01"
        ) from exc
# 信用修复: minimum/maximum publication of a penalty, in months, per kind (leniency/credit.py).
# The defaults are the project's reading of the national rules — confirm them locally.
CIVICLOOP_CREDIT_REPAIR_PERIODS = env_str(
    "CIVICLOOP_CREDIT_REPAIR_PERIODS",
    "warning=3/12,circulated_criticism=3/12,fine=3/12,confiscation=3/12,suspend_licence=12/36,"
    "lower_qualification=12/36,revoke_licence=12/36,restrict_business=12/36,order_closure=12/36,"
    "restrict_practice=12/36",
)

# --- tasks: background work that finishes (docs/deployment.md "Worker: lease and retries") ---
# A RUNNING task whose worker has not beaten its heartbeat for this many seconds is taken as lost
# (the worker was killed) and run again; every worker beats every quarter of it.
CIVICLOOP_TASK_LEASE_SECONDS = env_int("CIVICLOOP_TASK_LEASE_SECONDS", 120)
if CIVICLOOP_TASK_LEASE_SECONDS < 2:
    raise ImproperlyConfigured("CIVICLOOP_TASK_LEASE_SECONDS must be at least 2")
# How many times a lost task is run again before it is left failed (each time a TaskRecovery row).
CIVICLOOP_TASK_MAX_RETRIES = env_int("CIVICLOOP_TASK_MAX_RETRIES", 3)
if CIVICLOOP_TASK_MAX_RETRIES < 0:
    raise ImproperlyConfigured("CIVICLOOP_TASK_MAX_RETRIES must be 0 or more")
# Delivery of notifications beyond the web inbox (SMS, 浙政钉): the dotted path of a callable
# `push(notification)`; empty: the web inbox only. See docs/deployment.md.
CIVICLOOP_NOTIFICATION_PUSH = env_str("CIVICLOOP_NOTIFICATION_PUSH", "")
# Text messages to reporters (event done, please rate): the dotted path of a sender class with
# `send(phone=, text=, key=)` (notifications/sms.py); the default only logs them. A message is
# tried again by the worker's sweep until it is sent or this many attempts failed.
CIVICLOOP_SMS_SENDER = env_str("CIVICLOOP_SMS_SENDER", "civicloop.notifications.sms.LoggingSender")
CIVICLOOP_SMS_MAX_ATTEMPTS = env_int("CIVICLOOP_SMS_MAX_ATTEMPTS", 5)

# --- idem: idempotent POST requests, API errors as problem details (docs/api.md) ---
# How long the first answer to a POST with an Idempotency-Key (or a page's submission token) is
# kept for retries; the worker purges older keys every hour.
CIVICLOOP_IDEMPOTENCY_KEY_HOURS = env_int("CIVICLOOP_IDEMPOTENCY_KEY_HOURS", 24)
if CIVICLOOP_IDEMPOTENCY_KEY_HOURS < 1:
    raise ImproperlyConfigured("CIVICLOOP_IDEMPOTENCY_KEY_HOURS must be at least 1")
# Every REST API POST with an Idempotency-Key runs once (core/idempotency.py); after the
# authentication middleware (it needs the session's user), before the database-outage answer.
MIDDLEWARE.insert(
    MIDDLEWARE.index("civicloop.core.middleware.DatabaseUnavailable"),
    "civicloop.core.idempotency.IdempotentRequests",
)
# The OpenAPI document declares the Idempotency-Key header on every POST operation.
SPECTACULAR_SETTINGS["POSTPROCESSING_HOOKS"] = [
    "drf_spectacular.hooks.postprocess_schema_enums",
    "civicloop.core.api.declare_idempotency_key",
]

# --- ops: backup and restore (docs/deployment.md, "Backup and restore") ---
# Folder of the PostgreSQL client programs (pg_dump, pg_restore) for `civicloop backup` and
# `civicloop restore`; empty: found on PATH. Their version must be at least the server's.
PG_BIN_DIR = env_str("PG_BIN_DIR", "")

# --- audit: the tamper-evident audit trail (docs/security.md, "Audit trail") ---------------
# Key of the history rows' MACs and hash chains: a random value of 32+ characters kept apart
# from the database (CIVICLOOP_AUDIT_KEY_FILE reads it from a file). Empty: derived from
# SECRET_KEY (`check --deploy` warns). Rotate with `civicloop audit rekey`.
CIVICLOOP_AUDIT_KEY = env_str("CIVICLOOP_AUDIT_KEY", "")
# Seconds between the worker's seals of newly committed history rows into the chains (0: off).
CIVICLOOP_AUDIT_SEAL_SECONDS = env_int("CIVICLOOP_AUDIT_SEAL_SECONDS", 60)

# --- secure: second factor, Content-Security-Policy, TLS, idle sessions (docs/security.md) ---
# Who must pass a second factor (TOTP, django-otp): "admin" — everyone who opens /admin/;
# "all" — every signed-in session (they set one up at /account/two-factor/ first); "none" —
# nobody must, but who has set one up is still asked for the code at sign-in.
CIVICLOOP_REQUIRE_2FA = env_str("CIVICLOOP_REQUIRE_2FA", "admin")
if CIVICLOOP_REQUIRE_2FA not in {"admin", "all", "none"}:
    raise ImproperlyConfigured("CIVICLOOP_REQUIRE_2FA must be admin, all or none")
# The name the authenticator app shows beside the account.
OTP_TOTP_ISSUER = env_str("CIVICLOOP_OTP_ISSUER", "Civicloop")
# Wrong codes: each one doubles the wait before the next try (1, 2, 4 … seconds).
OTP_TOTP_THROTTLE_FACTOR = 1
# A signed-in session without a request for this many minutes is signed out (0: never).
CIVICLOOP_SESSION_IDLE_MINUTES = env_int("CIVICLOOP_SESSION_IDLE_MINUTES", 30)

# TLS: nginx terminates it (docs/deployment.md, "TLS and nginx"); set all of these in production.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
# The load balancer's health check may stay on plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"


def _tile_sources(template: str, subdomains: list[str]) -> list[str]:
    """The origins a tile URL template (``https://t{s}.example/{z}/{x}/{y}.png``) loads from."""
    from urllib.parse import urlsplit

    if not template:
        return []
    parts = urlsplit(template)
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        raise ImproperlyConfigured(f"tile URL {template!r} must start with http:// or https://")
    hosts = [parts.netloc]
    if "{s}" in parts.netloc:
        hosts = [parts.netloc.replace("{s}", s) for s in (subdomains or ["a", "b", "c"])]
    return [f"{parts.scheme}://{host}" for host in hosts]


# Content-Security-Policy (django-csp 4): scripts only from our own static files — no inline
# script, no eval, no other origin; styles from our own files too (scripts may still set
# element.style); images also as data: URIs (the enrolment QR code, Leaflet) and from the
# configured map tile servers. Reports go to CIVICLOOP_CSP_REPORT_URI when set.
from csp.constants import NONE, SELF  # noqa: E402

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [
            SELF,
            "data:",
            *_tile_sources(CIVICLOOP_MAP_TILE_URL, []),
            *_tile_sources(CIVICLOOP_BASEMAP_URL, CIVICLOOP_BASEMAP_SUBDOMAINS),
        ],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
if env_str("CIVICLOOP_CSP_REPORT_URI", ""):
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["report-uri"] = env_str("CIVICLOOP_CSP_REPORT_URI")
# Swagger UI asks no outside validator (it would load an image from another origin).
SPECTACULAR_SETTINGS["SWAGGER_UI_SETTINGS"] = {"deepLinking": True, "validatorUrl": None}

# --- crypt: personal data encrypted at rest (docs/security.md "Personal data at rest") ---------
# Fernet keys (`civicloop encryption generate-key`), separated by commas, spaces or lines: the
# first encrypts, every one decrypts (rotation). Better from a file: CIVICLOOP_FIELD_KEYS_FILE.
# Empty: a key derived from SECRET_KEY (development; `check --deploy` warns, crypto.W001).
CIVICLOOP_FIELD_KEYS = env_str("CIVICLOOP_FIELD_KEYS", "")
# The key of the digests (blind index) that find a party by ID number, at least 32 characters
# (`civicloop encryption generate-key --index`); or CIVICLOOP_FIELD_INDEX_KEY_FILE.
CIVICLOOP_FIELD_INDEX_KEY = env_str("CIVICLOOP_FIELD_INDEX_KEY", "")
