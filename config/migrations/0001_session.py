"""The session table that keeps whose session it is (config/sessions.py).

The sessions open at the upgrade are moved over from Django's table, so nobody is signed
out by it: without the member's id beside them (it is written at their next save), they
are read Django's way, a query more, until they end. Django's table is not emptied: a
server still on the previous release (a rolling upgrade, or the minutes between
``migrate`` and the restart) keeps reading its sessions there, and a rollback of the
code finds them; ``clearsessions`` removes them as they expire (config.sessions)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
from django.utils import timezone

BATCH = 2000


def _copy(source, target, using):
    batch = []
    rows = source.objects.using(using).filter(expire_date__gt=timezone.now())
    for row in rows.iterator(chunk_size=BATCH):
        batch.append(
            target(
                session_key=row.session_key,
                session_data=row.session_data,
                expire_date=row.expire_date,
            )
        )
        if len(batch) == BATCH:
            target.objects.using(using).bulk_create(batch, ignore_conflicts=True)
            batch = []
    target.objects.using(using).bulk_create(batch, ignore_conflicts=True)


def move_sessions(apps, schema_editor):
    _copy(
        apps.get_model("sessions", "Session"),
        apps.get_model("core", "Session"),
        schema_editor.connection.alias,
    )


def move_sessions_back(apps, schema_editor):
    _copy(
        apps.get_model("core", "Session"),
        apps.get_model("sessions", "Session"),
        schema_editor.connection.alias,
    )


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("sessions", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name='Session',
            fields=[
                ('session_key', models.CharField(max_length=40, primary_key=True, serialize=False, verbose_name='session key')),
                ('session_data', models.TextField(verbose_name='session data')),
                ('expire_date', models.DateTimeField(db_index=True, verbose_name='expire date')),
                ('user', models.ForeignKey(blank=True, db_constraint=False, db_index=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'session',
                'verbose_name_plural': 'sessions',
                'db_table': 'mustafid_session',
                'abstract': False,
            },
        ),
        migrations.RunPython(move_sessions, move_sessions_back, elidable=True),
    ]
