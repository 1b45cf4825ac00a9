"""CommitteeVote.open (issue 11): the queue's "My vote: voted" filter reads a member's
votes on undecided requests from the small partial index vote_member_open (0012, built
online: the votes table holds a million and a half rows at 1M requests).

The existing votes are added closed (a constant default: no table rewrite on PostgreSQL),
then the few on requests without a decision are opened, and new votes default to open —
in the database too (db_default), so votes the previous release writes during a deploy
(without naming the column) are stored, open."""

from django.conf import settings
from django.db import migrations, models


def open_undecided_votes(apps, schema_editor):
    CommitteeVote = apps.get_model("requests_app", "CommitteeVote")
    Decision = apps.get_model("requests_app", "Decision")
    decided = Decision.objects.filter(support_request_id=models.OuterRef("support_request_id"))
    CommitteeVote.objects.filter(~models.Exists(decided)).update(open=True)


class Migration(migrations.Migration):
    dependencies = [
        ("requests_app", "0010_request_beneficiary_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="committeevote",
            name="open",
            field=models.BooleanField(
                default=False, db_default=False, editable=False, verbose_name="request not decided yet"
            ),
        ),
        migrations.RunPython(open_undecided_votes, migrations.RunPython.noop, elidable=True),
        migrations.AlterField(
            model_name="committeevote",
            name="open",
            field=models.BooleanField(
                default=True, db_default=True, editable=False, verbose_name="request not decided yet"
            ),
        ),
    ]
