"""Index migrations on the big tables build their indexes without blocking writes
(config/migration_ops.py), and the migrations in the repository match the models."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.operations import AddIndex

from config.migration_ops import AddIndexOnline

# Tables that reach a million rows at a large association: a plain CREATE INDEX on them
# stops every write for minutes.
BIG_TABLES = {
    ("beneficiaries", "beneficiary"),
    ("beneficiaries", "beneficiarydocument"),
    ("beneficiaries", "householdmember"),
    ("requests_app", "supportrequest"),
    ("requests_app", "statuschange"),
    ("requests_app", "committeevote"),
    ("requests_app", "decision"),
}
# Indexes written before the rule, created with their tables (on empty tables, where a
# plain build costs nothing): the first migration that made each table.
BEFORE_THE_RULE = {
    ("beneficiaries", "0001_initial"),
    ("requests_app", "0001_initial"),
    ("requests_app", "0002_request_list_order"),
    ("requests_app", "0003_dashboard"),
    ("requests_app", "0004_portal"),
    ("requests_app", "0005_committee"),
    ("requests_app", "0006_delivery"),
}


def test_new_indexes_on_big_tables_are_built_without_blocking_writes():
    loader = MigrationLoader(None, ignore_no_migrations=True)
    offenders = []
    for (app, name), migration in loader.disk_migrations.items():
        for operation in migration.operations:
            if not isinstance(operation, AddIndex) or (app, name) in BEFORE_THE_RULE:
                continue
            if (app, operation.model_name.lower()) not in BIG_TABLES:
                continue
            if not isinstance(operation, AddIndexOnline) or migration.atomic:
                offenders.append(f"{app}.{name}: {operation.index.name}")
    assert offenders == [], (
        "use config.migration_ops.AddIndexOnline in a migration with atomic = False: "
        + ", ".join(offenders)
    )


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_online_index_is_concurrent_on_postgresql_and_plain_elsewhere():
    out = StringIO()
    call_command("sqlmigrate", "requests_app", "0009_admin_search_index", stdout=out)
    sql = out.getvalue()
    assert "request_person_due" in sql
    if connection.vendor == "postgresql":
        assert "CREATE INDEX CONCURRENTLY" in sql
        assert "BEGIN" not in sql  # not inside a transaction
    else:
        assert "CREATE INDEX" in sql and "CONCURRENTLY" not in sql


@pytest.mark.django_db
def test_the_indexes_built_online_exist_after_migrate():
    with connection.cursor() as cursor:
        names = set(connection.introspection.get_constraints(cursor, "requests_app_supportrequest"))
    assert {"request_committee_queue", "request_awaiting_due", "request_person_due"} <= names
    if connection.vendor == "postgresql":
        assert "request_beneficiary_name_trgm" in names


@pytest.mark.django_db
def test_the_models_and_the_migrations_agree():
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)
