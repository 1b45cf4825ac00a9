"""The partial index of the members' open votes (CommitteeVote.open, 0011), built without
blocking writes to the votes table (config.migration_ops)."""

from django.db import migrations, models

from config.migration_ops import AddIndexOnline


class Migration(migrations.Migration):
    # CREATE INDEX CONCURRENTLY on PostgreSQL: a live table keeps taking writes.
    atomic = False

    dependencies = [
        ("requests_app", "0011_committee_vote_open"),
    ]

    operations = [
        AddIndexOnline(
            model_name="committeevote",
            index=models.Index(
                condition=models.Q(("open", True)),
                fields=["member", "support_request"],
                name="vote_member_open",
            ),
        ),
    ]
