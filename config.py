"""Configuration classes. Values here are defaults; the environment overrides every one of them.

`forum.create_app` picks a class (argument, or the FORUM_CONFIG environment variable: `default`,
`production`, `test` or a dotted path), then reads `instance/forum.cfg`, then the environment:
the plain names in `ENVIRONMENT_NAMES` (the ones deployment tools set by convention) and any
setting at all as `FORUM_<NAME>` (values parsed as JSON where they parse, so
`FORUM_RATELIMIT_ENABLED=false` is a boolean). Nothing here reads the environment at import time.
"""

from datetime import timedelta

# Settings that may be given without the FORUM_ prefix, because hosting platforms and
# operators conventionally name them so.
ENVIRONMENT_NAMES = (
    "SECRET_KEY",
    "DATABASE_URL",
    "REDIS_URL",
    "RATELIMIT_STORAGE_URI",
    "SEARCH_BACKEND",
    "MAIL_SERVER",
    "MAIL_PORT",
    "MAIL_USERNAME",
    "MAIL_PASSWORD",
    "MAIL_USE_TLS",
    "MAIL_DEFAULT_SENDER",
    "SERVER_NAME",
    "PREFERRED_URL_SCHEME",
)


class Config:
    """Embedded defaults: SQLite and files in instance/, nothing else to run."""

    SITE_NAME = "Common Ground"
    # What reaches stderr (gunicorn's log) when nothing else has set up logging.
    LOG_LEVEL = "INFO"
    # The public address, for links in e-mails sent by commands (digests) outside a request.
    BASE_URL = "http://127.0.0.1:5000"
    # A fixed development key keeps `make run` sessions alive across restarts; production
    # refuses to start with it (see ProductionConfig.check).
    SECRET_KEY = "dev-only-insecure-key-change-me"

    # None means "SQLite file in the instance folder", resolved by create_app.
    DATABASE_URL = None
    SQLALCHEMY_ENGINE_OPTIONS = {}
    # PostgreSQL: seconds to wait for a connection, so that an outage is a quick 503 page
    # rather than a worker hung for minutes (added to DATABASE_URL unless it says otherwise).
    DATABASE_CONNECT_TIMEOUT = 3
    SQLITE_BUSY_TIMEOUT_MS = 5000

    # Sessions and cookies.
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_DURATION = timedelta(days=30)
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = False
    # A session row unused for this long is treated as signed out.
    SESSION_IDLE_DAYS = 30

    # Forms: the CSRF token lives as long as the session, so a resident who spends an hour
    # writing a post does not lose it to an expired token.
    WTF_CSRF_ENABLED = True
    WTF_CSRF_TIME_LIMIT = None
    MAX_CONTENT_LENGTH = 2 * 1024 * 1024

    # Passwords: scrypt is memory-hard; werkzeug's defaults (n=2**15, r=8, p=1) use 32 MiB.
    PASSWORD_HASH_METHOD = "scrypt"
    PASSWORD_MIN_LENGTH = 10

    # Tokens e-mailed to people.
    EMAIL_VERIFY_MAX_AGE = timedelta(days=3)
    PASSWORD_RESET_MAX_AGE = timedelta(hours=1)

    # Redis, for rate limits shared by every server, background jobs and the page cache.
    # None: everything stays in this process (the embedded default).
    REDIS_URL = None
    # Every key this app writes to Redis starts with this, so one Redis can serve several sites.
    REDIS_KEY_PREFIX = "cg"

    # Background jobs (forum/core/jobs.py): "inline" runs them at once; "rq" queues them in
    # Redis for `flask jobs worker`, falling back to inline when Redis is unreachable.
    JOBS = "inline"

    # How many reverse proxies stand in front of the app and set X-Forwarded-For/-Proto/-Host.
    # 0 trusts none of those headers; rate limits then key on the proxy's address.
    PROXY_HOPS = 0

    # Rate limits (Flask-Limiter). Memory storage in one process; Redis when REDIS_URL is set.
    # If Redis stops answering, limits carry on in memory (a warning in the log says so) and
    # go back to Redis when it returns.
    RATELIMIT_ENABLED = True
    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_STORAGE_OPTIONS = {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    RATELIMIT_HEADERS_ENABLED = True
    # The open read API, per caller's address.
    RATELIMIT_API = "120 per minute;2000 per hour"
    RATELIMIT_SIGNIN = "10 per minute;50 per hour"
    RATELIMIT_SIGNIN_PER_ACCOUNT = "20 per hour"
    RATELIMIT_SIGNUP = "5 per minute;20 per hour"
    RATELIMIT_RESET = "5 per minute;20 per hour"

    # E-mail: SMTP when MAIL_SERVER is set, otherwise .eml files in instance/outbox/.
    MAIL_SERVER = None
    MAIL_PORT = 587
    MAIL_USERNAME = None
    MAIL_PASSWORD = None
    MAIL_USE_TLS = True
    MAIL_DEFAULT_SENDER = "Common Ground <no-reply@commonground.invalid>"
    MAIL_OUTBOX = None  # None means instance/outbox

    # Security headers.
    HSTS_SECONDS = 0
    CONTENT_SECURITY_POLICY = (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "font-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'self'; "
        "object-src 'none'; frame-ancestors 'none'"
    )

    # Whole pages for visitors who are not signed in, checked against the database on every
    # request (see forum/core/cache.py). Size 0 turns the cache off.
    PAGE_CACHE_SIZE = 2000
    PAGE_CACHE_SECONDS = 60

    # Moderation. Flags weigh 1 for a newcomer and up to 2 for a reporter whose reports are
    # usually upheld; content is hidden pending review at this total weight.
    FLAG_HIDE_WEIGHT = 3.0
    # Detector score bands; None keeps the detector's defaults (nudge 0.4, hold 0.7, block 0.9).
    MODERATION_THRESHOLDS = None
    # Each warning or mute in the last six months moves a person one rung up this ladder.
    SANCTION_LADDER = ["warn", "warn", "mute:3", "mute:7", "suspend:30"]

    # The youngest age at which someone may join.
    MINIMUM_AGE = 13
    TIMEZONE = "Europe/London"

    # Skills swap and mentoring. A guardian's consent link for an under-16 works this long;
    # the link to withdraw consent, sent once it is given, works this long.
    GUARDIAN_CONSENT_MAX_AGE = timedelta(days=14)
    GUARDIAN_WITHDRAW_MAX_AGE = timedelta(days=800)
    # Safeguarding concerns are also e-mailed here when set (the council's safeguarding lead).
    SAFEGUARDING_EMAIL = None
    # Staff may import calendars from public addresses only; tests serving one on 127.0.0.1
    # turn this on.
    IMPORT_ALLOW_PRIVATE_ADDRESSES = False

    # Search (forum/search). "whoosh" keeps the index in files in instance/ (one machine);
    # "postgres" keeps it in the database, with full-text indexes, for several app servers.
    SEARCH_BACKEND = "whoosh"
    # The index folder; None means instance/search-index. ":memory:" keeps it in RAM, per app.
    SEARCH_INDEX_PATH = None
    # When the queue of pending index work (written with the content, in one transaction) is
    # applied: "thread" — by one background thread per process, just after commit, so requests
    # never wait for the index; "job" — by a background job (JOBS), one at a time for all
    # servers; "inline" — before commit() returns (tests); "off" — only by `flask search drain`.
    SEARCH_DRAIN = "thread"
    # How long one drain waits for another process's index write lock before leaving its work
    # queued for later (seconds).
    SEARCH_LOCK_TIMEOUT = 2.0

    @classmethod
    def check(cls, settings):
        """Refuse settings that would be unsafe for this kind of deployment."""


class ProductionConfig(Config):
    """Several app servers behind a reverse proxy: PostgreSQL, Redis, secure cookies, and
    nothing kept on the app server's own disk (search lives in PostgreSQL, e-mail goes by
    SMTP, rate limits and jobs live in Redis)."""

    SECRET_KEY = None
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    PREFERRED_URL_SCHEME = "https"
    HSTS_SECONDS = 63072000
    PROXY_HOPS = 1
    JOBS = "rq"
    SEARCH_BACKEND = "postgres"
    SEARCH_DRAIN = "job"
    # pre_ping: a connection that died with a database restart is replaced, not handed out.
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True, "pool_size": 5, "max_overflow": 5,
                                 "pool_timeout": 5}

    @classmethod
    def check(cls, settings):
        missing = []
        secret = settings.get("SECRET_KEY")
        if not secret or secret == Config.SECRET_KEY:
            missing.append("SECRET_KEY (a long random string; e.g. python -c "
                           "'import secrets; print(secrets.token_urlsafe(48))')")
        database = str(settings.get("DATABASE_URL") or "")
        if not database:
            missing.append("DATABASE_URL (PostgreSQL, e.g. postgresql://user:password@host/db)")
        elif settings.get("SEARCH_BACKEND") == "postgres" \
                and not database.startswith(("postgres://", "postgresql")):
            missing.append("a PostgreSQL DATABASE_URL (SEARCH_BACKEND=postgres keeps the "
                           "search index in it)")
        if settings.get("JOBS") == "rq" and not settings.get("REDIS_URL"):
            missing.append("REDIS_URL (e.g. redis://host:6379/0), for rate limits and jobs")
        if not settings.get("MAIL_SERVER") and not settings.get("MAIL_OUTBOX"):
            missing.append("MAIL_SERVER (an SMTP server; MAIL_OUTBOX=<folder> writes e-mail "
                           "to files instead, for a trial on one machine)")
        if missing:
            raise RuntimeError(
                "Common Ground will not start in production mode without: "
                + "; ".join(missing)
                + ". Set them as environment variables."
            )


class TestConfig(Config):
    """Fast, isolated settings for the test suite; tests re-enable what they check."""

    TESTING = True
    SECRET_KEY = "test-secret-key"
    WTF_CSRF_ENABLED = False
    RATELIMIT_ENABLED = False
    # Hashing cost is not what the tests are about; test_passwords checks the real default.
    PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"
    SERVER_NAME = "localhost"
    # A fresh index in RAM for every app, written before commit() returns, so tests can
    # search straight after posting; tests about the index files set a folder.
    SEARCH_INDEX_PATH = ":memory:"
    SEARCH_DRAIN = "inline"
