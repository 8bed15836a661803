"""Settings, read from the environment in this one place.

Every setting has a safe development default. With SIMPOC_ENV=production the process refuses to
start without the secrets it needs. The README's configuration table lists every variable here.
"""

import os
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, got {value!r}") from exc


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


ENVIRONMENT = env("SIMPOC_ENV", "development")
if ENVIRONMENT not in {"development", "production"}:
    raise ImproperlyConfigured("SIMPOC_ENV must be 'development' or 'production'")
PRODUCTION = ENVIRONMENT == "production"

DATA_DIR = Path(env("DATA_DIR", str(BASE_DIR / "data")))

DEBUG = env_bool("DEBUG", False)


def _development_secret_key() -> str:
    """A random key kept under data/ so sessions survive restarts; never committed."""
    key_file = DATA_DIR / ".secret_key"
    try:
        return key_file.read_text().strip()
    except FileNotFoundError:
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        key = secrets.token_urlsafe(50)
        key_file.write_text(key)
        key_file.chmod(0o600)
        return key


SECRET_KEY = env("SECRET_KEY")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
if PRODUCTION:
    if not SECRET_KEY or len(SECRET_KEY) < 50:
        raise ImproperlyConfigured("SECRET_KEY (at least 50 characters) is required in production")
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("ALLOWED_HOSTS is required in production")
    if DEBUG:
        raise ImproperlyConfigured("DEBUG must be off in production")
else:
    SECRET_KEY = SECRET_KEY or _development_secret_key()
    ALLOWED_HOSTS = ALLOWED_HOSTS or ["localhost", "127.0.0.1", "[::1]", "testserver"]

# The address the outside world reaches this site at (webhooks, upload links).
BASE_URL = env("BASE_URL", "http://127.0.0.1:8000").rstrip("/")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS") or (
    [BASE_URL] if BASE_URL.startswith("https://") else []
)

INSTALLED_APPS = [
    "backoffice.apps.BackOfficeAdminConfig",  # django.contrib.admin, its site being the back office's
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    # Before django_q: simpoc's qcluster command (graceful stop, simpoc/shutdown.py) replaces its own.
    "simpoc",
    "django_q",
    "ninja",  # Swagger UI's files come from its static folder (collected by whitenoise), not a CDN
    "csp",
    "gallery",
    "media_gen",
    "simulation",
    # The top: they compose the apps above and no app imports them.
    "portability",
    "backoffice",
    "webroot",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Serves /api/{images,videos}/{id}/{data,thumbnail} for API keys in one read (media_gen/fastpath.py).
    "media_gen.fastpath.MediaFastPathMiddleware",
    "csp.middleware.CSPMiddleware",
    "simpoc.middleware.ApiJsonErrorMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "webroot.urls"
WSGI_APPLICATION = "simpoc.wsgi.application"

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
            ],
        },
    },
]

# --- Database: SQLite (WAL, busy timeout) by default, PostgreSQL from DATABASE_URL ---------------
DATABASE_URL = env("DATABASE_URL")
# The hot paths' reads as prepared statements on PostgreSQL (simpoc/hotsql.py); off behind a
# transaction-pooling PgBouncer older than 1.21.
DATABASE_PREPARED_STATEMENTS = env_bool("DATABASE_PREPARED_STATEMENTS", True)
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)}
    if DATABASE_PREPARED_STATEMENTS:
        # Django turns psycopg's prepared statements off (None); its own cursors bind on the client
        # and never prepare, so this lets only hotsql's reads, which ask for it, be prepared.
        DATABASES["default"].setdefault("OPTIONS", {}).setdefault("prepare_threshold", 5)
else:
    DATABASE_PATH = Path(env("DATABASE_PATH", str(DATA_DIR / "simpoc.sqlite3")))
    DATABASE_PATH.parent.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": DATABASE_PATH,
            # Keep each thread's connection: opening the file and running the PRAGMAs below on
            # every request cost about a quarter of a small request's time (bench/README.md).
            "CONN_MAX_AGE": env_int("SQLITE_CONN_MAX_AGE", 600),
            "CONN_HEALTH_CHECKS": True,
            "OPTIONS": {
                # Seconds a writer waits for the lock instead of failing with "database is locked".
                "timeout": env_int("SQLITE_BUSY_TIMEOUT", 20),
                # IMMEDIATE takes the write lock at BEGIN, so two writers queue instead of deadlocking.
                "transaction_mode": "IMMEDIATE",
                "init_command": (
                    "PRAGMA journal_mode=WAL;"
                    "PRAGMA synchronous=NORMAL;"
                    "PRAGMA foreign_keys=ON;"
                    # Reads of big BLOBs come through the memory map (file pages the kernel
                    # shares and reclaims), so the per-connection page cache can stay small:
                    # every web thread has its own connection, and its cache is private memory.
                    f"PRAGMA mmap_size={env_int('SQLITE_MMAP_BYTES', 1024**3)};"
                    f"PRAGMA cache_size=-{env_int('SQLITE_CACHE_KIB', 8000)};"
                ),
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache (login throttling, catalogue cache) ----------------------------------------------------
REDIS_URL = env("REDIS_URL")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    # A file cache is shared by every web and worker process on the machine, with no server to run.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(DATA_DIR / "cache"),
        }
    }

# --- Task queue: django-q2 on the ORM broker by default, on Redis when REDIS_URL is set ----------
Q_CLUSTER = {
    "name": "simpoc",
    "workers": env_int("Q_WORKERS", 2),
    "recycle": 200,
    "timeout": env_int("Q_TIMEOUT", 900),
    "retry": env_int("Q_TIMEOUT", 900) + 60,
    "max_attempts": 3,
    "queue_limit": 50,
    "catch_up": False,
    "save_limit": 1000,
    "ack_failures": True,
    "poll": 0.5,
}
if REDIS_URL:
    Q_CLUSTER["redis"] = REDIS_URL
else:
    Q_CLUSTER["orm"] = "default"

# --- Auth -------------------------------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "/login"
LOGIN_THROTTLE_ATTEMPTS = env_int("LOGIN_THROTTLE_ATTEMPTS", 5)
LOGIN_THROTTLE_WINDOW_SECONDS = env_int("LOGIN_THROTTLE_WINDOW_SECONDS", 300)
API_KEY_MAX_PER_USER = env_int("API_KEY_MAX_PER_USER", 50)
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 14 * 24 * 3600)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

# --- Backups ----------------------------------------------------------------------------------------------
BACKUP_DIR = Path(env("BACKUP_DIR", str(DATA_DIR / "backups")))
BACKUP_KEEP_DAILY = env_int("BACKUP_KEEP_DAILY", 7)
BACKUP_KEEP_WEEKLY = env_int("BACKUP_KEEP_WEEKLY", 4)
BACKUP_HOUR_UTC = env_int("BACKUP_HOUR_UTC", 3)  # the daily schedule's hour; -1 turns the schedule off
BACKUP_SAMPLE_ASSETS = env_int("BACKUP_SAMPLE_ASSETS", 50)  # assets re-hashed when a backup is checked

# --- Internationalisation ----------------------------------------------------------------------------
LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- Static files: the built SPA (frontend/dist) served by whitenoise ------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
FRONTEND_DIST = BASE_DIR / "frontend" / "dist"
STATICFILES_DIRS = [FRONTEND_DIST] if FRONTEND_DIST.exists() else []
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# Vite already puts a content hash in every asset name under assets/.
WHITENOISE_IMMUTABLE_FILE_TEST = r"^.+/assets/.+-[0-9A-Za-z_-]{8,}\.\w+$"
WHITENOISE_USE_FINDERS = not PRODUCTION
# Outside production a rebuilt frontend is served without a restart (whitenoise looks files up per request).
WHITENOISE_AUTOREFRESH = not PRODUCTION

# --- Security ----------------------------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    # The platform's health check speaks plain HTTP inside the private network.
    SECURE_REDIRECT_EXEMPT = [r"^health$"]
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# --- Gallery: stored media ---------------------------------------------------------------------------
# "database" keeps bytes in BLOB columns; "s3" keeps them in S3-compatible object storage.
MEDIA_STORAGE = env("MEDIA_STORAGE", "database")
if MEDIA_STORAGE not in {"database", "s3"}:
    raise ImproperlyConfigured("MEDIA_STORAGE must be 'database' or 's3'")
AWS_STORAGE_BUCKET_NAME = env("S3_BUCKET", "simpoc-media")
AWS_S3_ENDPOINT_URL = env("S3_ENDPOINT_URL") or None
AWS_S3_REGION_NAME = env("S3_REGION", "us-east-1")
AWS_ACCESS_KEY_ID = env("S3_ACCESS_KEY_ID") or None
AWS_SECRET_ACCESS_KEY = env("S3_SECRET_ACCESS_KEY") or None
AWS_QUERYSTRING_EXPIRE = env_int("S3_SIGNED_URL_SECONDS", 300)
AWS_DEFAULT_ACL = None
if PRODUCTION and MEDIA_STORAGE == "s3" and not (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY):
    raise ImproperlyConfigured("S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY are required with MEDIA_STORAGE=s3")
MEDIA_MAX_BYTES = env_int("MEDIA_MAX_BYTES", 1024 * 1024 * 1024)
UPLOAD_MAX_BYTES = env_int("UPLOAD_MAX_BYTES", 10 * 1024 * 1024)
IMAGE_MAX_PIXELS = env_int("IMAGE_MAX_PIXELS", 80_000_000)
AUDIO_MAX_SECONDS = env_int("AUDIO_MAX_SECONDS", 1800)  # longest audio stored (uploads and outputs)
USER_QUOTA_BYTES = env_int("USER_QUOTA_BYTES", 0)  # 0 = unlimited
RETENTION_DAYS = env_int("RETENTION_DAYS", 0)  # 0 = keep forever
# Dotted paths of functions(cutoff=datetime) -> int that the retention job calls after it deleted
# expired assets; each app appends its own.
RETENTION_HOOKS: list[str] = []
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_MEMORY_SIZE", 5 * 1024 * 1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

# --- Media generation: Replicate -------------------------------------------------------------------
REPLICATE_API_TOKEN = env("REPLICATE_API_TOKEN")
# Empty means Replicate itself when a token is set, else the built-in emulator (demo mode).
REPLICATE_BASE_URL = env("REPLICATE_BASE_URL")
REPLICATE_WEBHOOK_SECRET = env("REPLICATE_WEBHOOK_SECRET")
REPLICATE_DEMO_MODE = not REPLICATE_API_TOKEN
GENERATION_MAX_IN_FLIGHT = env_int("GENERATION_MAX_IN_FLIGHT", 5)
GENERATION_POLL_SECONDS = env_int("GENERATION_POLL_SECONDS", 5)
DOWNLOAD_ALLOWED_HOSTS = env_list("DOWNLOAD_ALLOWED_HOSTS", "replicate.delivery,.replicate.delivery")
# The longest video joined from stored videos (POST /api/videos/combine), in seconds.
COMBINE_MAX_SECONDS = env_int("COMBINE_MAX_SECONDS", 600)
RETENTION_HOOKS.append("media_gen.services.generation_prune_before")

# --- Content-Security-Policy (simpoc/csp.py): 'self' only, plus object storage for redirected media
from simpoc.csp import object_storage_origins, policy, spa_extra  # noqa: E402

_CSP = policy(
    media_origins=object_storage_origins(
        endpoint_url=AWS_S3_ENDPOINT_URL, bucket=AWS_STORAGE_BUCKET_NAME, region=AWS_S3_REGION_NAME
    )
    if MEDIA_STORAGE == "s3"
    else []
)
# Report-only for rollouts: browsers report what the policy would block and block nothing. (No
# setting named CSP_*: django-csp 4 takes those for its old format and fails the system check.)
_csp_report_only = env_bool("CSP_REPORT_ONLY", False)
CONTENT_SECURITY_POLICY = None if _csp_report_only else _CSP
CONTENT_SECURITY_POLICY_REPORT_ONLY = _CSP if _csp_report_only else None
SPA_CONTENT_SECURITY_POLICY_EXTRA = spa_extra(demo_mode=REPLICATE_DEMO_MODE)

# --- Simulation ----------------------------------------------------------------------------------------
SCENE_PROVIDER = env("SCENE_PROVIDER", "local")  # "local" or "llm"
LLM_BASE_URL = env("LLM_BASE_URL")
LLM_API_KEY = env("LLM_API_KEY")
LLM_MODEL = env("LLM_MODEL", "gpt-4o-mini")
RENDER_MAX_OBJECTS = env_int("RENDER_MAX_OBJECTS", 500)
RENDER_MAX_DURATION = env_int("RENDER_MAX_DURATION", 30)
RENDER_MAX_FPS = env_int("RENDER_MAX_FPS", 60)
RENDER_MAX_WIDTH = env_int("RENDER_MAX_WIDTH", 1920)
RENDER_MAX_HEIGHT = env_int("RENDER_MAX_HEIGHT", 1080)
RENDER_MAX_IN_FLIGHT = env_int("RENDER_MAX_IN_FLIGHT", 2)
# Which renderer draws new renders (simulation.render.renderers.RENDERERS); "mujoco-cpu" needs no GPU.
RENDER_BACKEND = env("RENDER_BACKEND", "mujoco-cpu")
RETENTION_HOOKS.append("simulation.services.render_prune_before")
# The videos made from a render ("make it real") are media_gen's rows; the render record reads their
# ids through this top-level function, since simulation never imports media_gen.
RENDER_DERIVED_VIDEOS_HOOK = "webroot.makereal.render_derived_videos"
