"""Reading the environment with errors a person can act on.

django-environ raises bare ``KeyError``/``ValueError`` on a malformed value; a deployment
that sets ``DATABASE_URL=postgress://…`` deserves one line saying which variable is wrong
and what a good value looks like, not a traceback wall (manage.py prints the line)."""

from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
# A .env file beside manage.py is read when present; real environment variables win.
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

SUPPORTED_DB_SCHEMES = ("sqlite", "postgres", "postgresql", "pgsql", "psql")


def database_from_env(default_sqlite_path: Path) -> dict:
    """Return Django's DATABASES["default"] from ``DATABASE_URL``.

    An empty variable means the embedded SQLite file, so a laptop needs no server."""
    url = env.str("DATABASE_URL", default="").strip()
    if not url:
        url = f"sqlite:///{default_sqlite_path}"
    scheme = url.split("://", 1)[0] if "://" in url else ""
    if scheme not in SUPPORTED_DB_SCHEMES:
        raise ImproperlyConfigured(
            f"DATABASE_URL is not a database URL Mustafid understands ({url[:40]!r}). "
            "Use sqlite:////absolute/path/db.sqlite3 or postgres://user:password@host:5432/name."
        )
    try:
        config = environ.Env.db_url_config(url)
    except Exception as exc:  # django-environ raises several types for a broken URL
        raise ImproperlyConfigured(f"DATABASE_URL could not be read: {exc}") from exc
    if config["ENGINE"] == "django.db.backends.sqlite3":
        if not config.get("NAME"):
            raise ImproperlyConfigured("DATABASE_URL names no SQLite file.")
        config["OPTIONS"] = {
            # WAL lets the dev server read while a command writes; IMMEDIATE takes the
            # write lock at BEGIN so two writers queue instead of failing with "locked".
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
    else:
        if not config.get("NAME"):
            raise ImproperlyConfigured("DATABASE_URL names no PostgreSQL database.")
        # Persistent connections: opening one costs 2–3 ms per request (issue #11).
        config["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
        config["CONN_HEALTH_CHECKS"] = True
        config.setdefault("OPTIONS", {}).update(_prepared_statements_from_env())
    config["ATOMIC_REQUESTS"] = False
    return config


def _prepared_statements_from_env() -> dict:
    """PostgreSQL prepared statements, off unless ``DATABASE_PREPARE_THRESHOLD`` is a number.

    With a number N, psycopg binds parameters on the server and prepares a query the N-th
    time a connection runs it; later runs skip the planner, which is most of a short
    query's cost (the requests list plans in ~1.6 ms and runs in ~1 ms). Off by default,
    because (1) a transaction-pooling pgbouncer older than 1.21 cannot carry prepared
    statements, and (2) after five runs PostgreSQL may switch a prepared query to one
    "generic" plan for every parameter value: measured on 1M rows, the generic plan of
    the Arabic name search takes 9.7 s instead of 31 ms (no trigram index for ``LIKE
    $1``) and the overdue filter 3.7 s instead of 17 ms. ``plan_cache_mode`` chooses
    by cost, which keeps the custom plans for these while the searches look alike, but
    can pick the generic one after a run of unusual values; ``DATABASE_PLAN_CACHE_MODE=
    force_custom_plan`` rules that out and keeps only the parse-time saving."""
    threshold = env.str("DATABASE_PREPARE_THRESHOLD", default="").strip().lower()
    if threshold in ("", "off", "none"):
        return {}
    # At least 1: with 0 every statement is prepared on its first run, and PostgreSQL
    # refuses to prepare the several commands some of Django's migrations send at once
    # ("UPDATE …; SET CONSTRAINTS ALL IMMEDIATE"): migrate would fail (review finding).
    if not threshold.isdigit() or int(threshold) < 1:
        raise ImproperlyConfigured(
            f"DATABASE_PREPARE_THRESHOLD={threshold!r} is not a number of runs of 1 or "
            "more; leave it empty (no prepared statements) or use e.g. 5."
        )
    options = {"server_side_binding": True, "prepare_threshold": int(threshold)}
    mode = env.str("DATABASE_PLAN_CACHE_MODE", default="").strip()
    if mode:
        if mode not in ("auto", "force_custom_plan", "force_generic_plan"):
            raise ImproperlyConfigured(
                f"DATABASE_PLAN_CACHE_MODE={mode!r} is not auto, force_custom_plan or "
                "force_generic_plan."
            )
        options["options"] = f"-c plan_cache_mode={mode}"
    return options


def language_from_env(languages) -> str:
    code = env.str("DJANGO_LANGUAGE_CODE", default="ar").strip()
    known = [lang for lang, _ in languages]
    if code not in known:
        raise ImproperlyConfigured(
            f"DJANGO_LANGUAGE_CODE={code!r} is not a language Mustafid speaks; use one of {', '.join(known)}."
        )
    return code


def mailers_from_env(default_backend: str) -> dict:
    """Django's MAILERS from ``DJANGO_EMAIL_*``: the console on a laptop, SMTP in production."""
    backend = env.str("DJANGO_EMAIL_BACKEND", default="").strip() or default_backend
    options = {}
    if backend.endswith("smtp.EmailBackend"):
        options = {
            "host": env.str("DJANGO_EMAIL_HOST", default="localhost"),
            "port": env.int("DJANGO_EMAIL_PORT", default=25),
            "username": env.str("DJANGO_EMAIL_HOST_USER", default=""),
            "password": env.str("DJANGO_EMAIL_HOST_PASSWORD", default=""),
            "use_tls": env.bool("DJANGO_EMAIL_USE_TLS", default=False),
            "timeout": 15,
        }
    return {"default": {"BACKEND": backend, "OPTIONS": options}}
