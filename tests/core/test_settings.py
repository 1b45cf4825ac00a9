"""Each environment's settings load, and a wrong setting gives one clear line."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.settings.env import database_from_env

ROOT = Path(__file__).resolve().parents[2]
GOOD_SECRET = "x" * 50


def run_check(settings_module: str, **env_vars) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
    env.update({"DJANGO_SETTINGS_MODULE": settings_module, **env_vars})
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize("module", ["config.settings.dev", "config.settings.test"])
def test_laptop_and_test_settings_load_without_any_variable(module):
    result = run_check(module)
    assert result.returncode == 0, result.stderr


def test_production_settings_load_with_secret_and_hosts():
    result = run_check(
        "config.settings.production",
        DJANGO_SECRET_KEY=GOOD_SECRET,
        DJANGO_ALLOWED_HOSTS="example.org",
    )
    assert result.returncode == 0, result.stderr


def test_production_refuses_to_start_without_a_secret_in_one_line():
    result = run_check("config.settings.production", DJANGO_ALLOWED_HOSTS="example.org")
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0
    assert "DJANGO_SECRET_KEY must be set in production" in result.stderr
    assert "Traceback" not in result.stderr


def test_production_refuses_to_start_without_allowed_hosts():
    result = run_check("config.settings.production", DJANGO_SECRET_KEY=GOOD_SECRET)
    assert result.returncode == 2
    assert "DJANGO_ALLOWED_HOSTS must be set" in result.stderr


def test_production_has_debug_off_even_when_the_environment_says_on():
    code = "from django.conf import settings; print(settings.DEBUG)"
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        DJANGO_SECRET_KEY=GOOD_SECRET,
        DJANGO_ALLOWED_HOSTS="example.org",
        DJANGO_DEBUG="true",
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.stdout.strip() == "False", result.stderr


def test_malformed_database_url_is_one_clear_line():
    result = run_check("config.settings.dev", DATABASE_URL="postgress//nobody@")
    assert result.returncode == 2
    assert "DATABASE_URL is not a database URL" in result.stderr
    assert "Traceback" not in result.stderr


def test_unknown_language_code_is_one_clear_line():
    result = run_check("config.settings.dev", DJANGO_LANGUAGE_CODE="xx")
    assert result.returncode == 2
    assert "DJANGO_LANGUAGE_CODE='xx' is not a language" in result.stderr


def test_empty_database_url_means_the_sqlite_file_in_wal_mode(monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", "")
    config = database_from_env(tmp_path / "db.sqlite3")
    assert config["ENGINE"] == "django.db.backends.sqlite3"
    assert "journal_mode=WAL" in config["OPTIONS"]["init_command"]


def test_postgres_url_keeps_connections_open(monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", "postgres://u:p@127.0.0.1:5432/mustafid")
    config = database_from_env(tmp_path / "unused")
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert config["CONN_MAX_AGE"] > 0
    assert config["CONN_HEALTH_CHECKS"] is True


def test_database_url_without_a_name_is_refused(monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", "postgres://u:p@127.0.0.1:5432/")
    with pytest.raises(ImproperlyConfigured, match="names no PostgreSQL database"):
        database_from_env(tmp_path / "unused")


def test_env_example_lists_every_variable_the_settings_read():
    import re

    names = set()
    for path in (ROOT / "config/settings").glob("*.py"):
        names |= set(re.findall(r'env\.\w+\(\s*"([A-Z_]+)"', path.read_text()))
        names |= set(re.findall(r'_required\("([A-Z_]+)"\)', path.read_text()))
    example = (ROOT / ".env.example").read_text()
    missing = sorted(name for name in names if f"{name}=" not in example)
    assert not missing, f".env.example does not list {missing}"


def test_a_retention_setting_that_is_not_json_is_one_clear_line():
    result = run_check("config.settings.dev", MUSTAFID_RETENTION="{bad")
    assert result.returncode != 0
    assert "MUSTAFID_RETENTION is not JSON" in result.stderr
    assert "Traceback" not in result.stderr
