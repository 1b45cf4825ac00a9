"""The beneficiary's folded name copied onto each request, with a trigram index on
PostgreSQL: the back-office's name search reads that one index and sorts a few thousand
requests, instead of probing the requests of every matching person (issue #11).

Existing rows are filled by UPDATEs over slices of the key; SQLite has no GIN index, so that step is a
no-op there and the index is not in the model's Meta (makemigrations stays clean)."""

from django.db import migrations, models

INDEX = "request_beneficiary_name_trgm"


BATCH = 50_000


def fill(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        # In slices of the primary key, each committed on its own (the migration is not
        # atomic): a live table has each request locked for one slice's time, not for the
        # minutes a single UPDATE of a million rows takes.
        with schema_editor.connection.cursor() as cursor:
            cursor.execute("SELECT min(id), max(id) FROM requests_app_supportrequest")
            low, high = cursor.fetchone()
        update = (
            "UPDATE requests_app_supportrequest AS r "
            "SET beneficiary_name_normalized = b.name_normalized "
            "FROM beneficiaries_beneficiary AS b "
            "WHERE b.id = r.beneficiary_id AND b.name_normalized <> '' "
            "AND r.beneficiary_name_normalized = '' AND r.id >= %s AND r.id < %s"
        )
        for start in range(low or 0, (high or 0) + 1, BATCH):
            schema_editor.execute(update, (start, start + BATCH))
        # Requests the previous release stored while the slices ran (it does not fill the
        # column): one last pass over the ids past the first reading.
        schema_editor.execute(update, ((high or 0) + 1, 2**62))
        # A build cut short (a cancelled migrate) leaves an INVALID index that
        # CREATE … IF NOT EXISTS would keep: drop it first, then build.
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(
                "SELECT NOT i.indisvalid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
                "WHERE c.relname = %s",
                [INDEX],
            )
            row = cursor.fetchone()
        if row and row[0]:
            schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {INDEX}")
        schema_editor.execute(
            f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {INDEX} ON requests_app_supportrequest "
            "USING gin (beneficiary_name_normalized gin_trgm_ops)"
        )
        schema_editor.execute("ANALYZE requests_app_supportrequest")
    else:
        schema_editor.execute(
            "UPDATE requests_app_supportrequest SET beneficiary_name_normalized = ("
            "SELECT b.name_normalized FROM beneficiaries_beneficiary AS b "
            "WHERE b.id = requests_app_supportrequest.beneficiary_id)"
        )


def unfill(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    # Not one transaction: the fill commits slice by slice and the index is built
    # CONCURRENTLY, so applicants and officers keep writing while it runs.
    atomic = False

    dependencies = [
        ("beneficiaries", "0002_trigram_search"),  # pg_trgm
        ("requests_app", "0009_admin_search_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="supportrequest",
            name="beneficiary_name_normalized",
            field=models.CharField(
                blank=True,
                default="",
                db_default="",
                editable=False,
                max_length=401,
                verbose_name="beneficiary's normalised name",
            ),
        ),
        migrations.RunPython(fill, unfill, elidable=False),
    ]
