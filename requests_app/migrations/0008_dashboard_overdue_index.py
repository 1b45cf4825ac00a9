"""The dashboard's live overdue list (issue 10): a partial index on the requests still
awaiting a decision with the clock running, so the list and its count read only them."""

from django.db import migrations, models

from config.migration_ops import AddIndexOnline


class Migration(migrations.Migration):
    # CREATE INDEX CONCURRENTLY on PostgreSQL: a live table keeps taking writes.
    atomic = False
    dependencies = [
        ("requests_app", "0007_committee_queue_index"),
    ]

    operations = [
        AddIndexOnline(
            model_name="supportrequest",
            index=models.Index(
                condition=models.Q(
                    ("clock_paused_at__isnull", True),
                    (
                        "status__in",
                        [
                            "submitted",
                            "verification",
                            "needs_info",
                            "referred_research",
                            "committee_review",
                        ],
                    ),
                ),
                fields=["decision_due_at", "id"],
                name="request_awaiting_due",
            ),
        ),
    ]
