"""Trigram search on the folded name, on PostgreSQL only.

pg_trgm lets ``name_normalized LIKE '%…%'`` use an index, so the admin's contains-search
stays fast as the registry grows. SQLite has neither the extension nor GIN indexes: both
steps are no-ops there, and the index is not in the model's Meta so makemigrations stays
clean on every database."""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

INDEX = "beneficiary_name_trgm"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON beneficiaries_beneficiary "
        "USING gin (name_normalized gin_trgm_ops)"
    )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("beneficiaries", "0001_initial")]

    operations = [
        # TrigramExtension does nothing on a database that is not PostgreSQL.
        TrigramExtension(),
        migrations.RunPython(create_index, drop_index, elidable=False),
    ]
