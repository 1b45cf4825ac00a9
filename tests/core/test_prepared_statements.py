"""PostgreSQL prepared statements (issue 11): off unless DATABASE_PREPARE_THRESHOLD is set,
then psycopg's server-side binding with Django's own options (config/settings/env.py)."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection

from config.settings.env import database_from_env

PG_URL = "postgres://u:p@127.0.0.1:5432/mustafid"


@pytest.fixture
def pg_url(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", PG_URL)
    monkeypatch.delenv("DATABASE_PREPARE_THRESHOLD", raising=False)
    monkeypatch.delenv("DATABASE_PLAN_CACHE_MODE", raising=False)
    return monkeypatch


def test_off_unless_asked(pg_url, tmp_path):
    options = database_from_env(tmp_path / "unused").get("OPTIONS", {})
    assert "server_side_binding" not in options and "prepare_threshold" not in options
    pg_url.setenv("DATABASE_PREPARE_THRESHOLD", "off")
    assert "server_side_binding" not in database_from_env(tmp_path / "unused")["OPTIONS"]


def test_a_threshold_turns_on_server_side_binding_and_preparing(pg_url, tmp_path):
    pg_url.setenv("DATABASE_PREPARE_THRESHOLD", "5")
    options = database_from_env(tmp_path / "unused")["OPTIONS"]
    assert options == {"server_side_binding": True, "prepare_threshold": 5}
    pg_url.setenv("DATABASE_PLAN_CACHE_MODE", "force_custom_plan")
    options = database_from_env(tmp_path / "unused")["OPTIONS"]
    assert options["options"] == "-c plan_cache_mode=force_custom_plan"


@pytest.mark.parametrize(
    "name, value",
    [
        ("DATABASE_PREPARE_THRESHOLD", "often"),
        # 0 would prepare Django's multi-command migration statements, which PostgreSQL
        # refuses: migrate would fail.
        ("DATABASE_PREPARE_THRESHOLD", "0"),
        ("DATABASE_PLAN_CACHE_MODE", "fast"),
    ],
)
def test_a_bad_value_is_one_clear_line(pg_url, tmp_path, name, value):
    pg_url.setenv("DATABASE_PREPARE_THRESHOLD", "5")
    pg_url.setenv(name, value)
    with pytest.raises(ImproperlyConfigured, match=name):
        database_from_env(tmp_path / "unused")


def test_sqlite_is_left_alone(monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", "")
    monkeypatch.setenv("DATABASE_PREPARE_THRESHOLD", "5")
    assert "server_side_binding" not in database_from_env(tmp_path / "db.sqlite3")["OPTIONS"]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)  # a second connection sees the member's rows
def test_the_raw_queries_of_every_page_run_prepared(officer, prepared):
    """The permissions query (config/auth.py) and the paginator's estimate (EXPLAIN with
    parameters, config/pagination.py) run through a prepared-statements connection, past
    the threshold, with the same answers."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    from beneficiaries.models import Beneficiary
    from config.auth import DEVICE, _sql

    user_model = type(officer)
    sql = _sql(prepared, user_model, superuser=False, device=True)
    query = Beneficiary.objects.filter(region="riyadh").query
    explain, explain_params = query.sql_with_params()
    answers = []
    for _ in range(3):
        with prepared.cursor() as cursor:
            cursor.execute(sql, [officer.pk, officer.pk, 0, officer.pk, True])
            answers.append(sorted(cursor.fetchall()))
            cursor.execute(f"EXPLAIN (FORMAT JSON) {explain}", explain_params)
            assert cursor.fetchone()[0][0]["Plan"]["Plan Rows"] >= 0
    assert answers[0] == answers[1] == answers[2]
    assert answers[0] and all(source != DEVICE for _, source in answers[0])
    assert prepared.connection._prepared._names  # psycopg did prepare them
