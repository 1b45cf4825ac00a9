"""Send failed notifications again (run it from cron, or by hand after fixing a gateway
or a template)."""

import datetime

from django.core.management.base import BaseCommand, CommandError

from channels_app.models import Notification
from channels_app.selectors import notifications_stuck, notifications_to_retry
from channels_app.services import notification_release_stuck, notification_retry


class Command(BaseCommand):
    help = (
        "Send failed notifications again, oldest first, skipping those already tried "
        "--max-attempts times; also free messages stuck in queued/sending."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--max-attempts",
            type=int,
            default=5,
            help="Leave alone a message already tried this many times (default 5).",
        )
        parser.add_argument(
            "--stuck-minutes",
            type=int,
            default=30,
            help="A message still queued or sending after this many minutes is stuck "
            "and is sent again (default 30; 0 turns this off).",
        )
        parser.add_argument("--limit", type=int, default=500, help="At most this many messages.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Only list what would be retried."
        )

    def handle(self, *args, **options):
        max_attempts = options["max_attempts"]
        if max_attempts < 1:
            raise CommandError("--max-attempts must be 1 or more.")
        if options["limit"] < 1:
            raise CommandError("--limit must be 1 or more.")
        dry_run = options["dry_run"]
        prefix = "[dry run] " if dry_run else ""

        stuck = []
        if options["stuck_minutes"] > 0:
            older_than = datetime.timedelta(minutes=options["stuck_minutes"])
            stuck = list(
                notifications_stuck(older_than=older_than).select_related("channel")[
                    : options["limit"]
                ]
            )
        for notification in stuck:
            self.stdout.write(f"{prefix}stuck   {self._describe(notification)}")
            if not dry_run:
                notification_release_stuck(notification=notification)

        candidates = list(
            notifications_to_retry(max_attempts=max_attempts).select_related("channel")[
                : options["limit"]
            ]
        )
        counts = {"sent": 0, "failed": 0, "queued": 0}
        for notification in candidates:
            if dry_run:
                self.stdout.write(f"{prefix}retry   {self._describe(notification)}")
                continue
            notification_retry(notification=notification)
            notification.refresh_from_db()
            outcome = {
                Notification.Status.SENT: "sent",
                Notification.Status.FAILED: "failed",
            }.get(notification.status, "queued")
            counts[outcome] += 1
            line = f"{outcome:<7} {self._describe(notification)}"
            if outcome == "failed":
                line += f" — {notification.error.splitlines()[0] if notification.error else ''}"
            self.stdout.write(line)

        given_up = Notification.objects.filter(
            status=Notification.Status.FAILED, attempts__gte=max_attempts
        ).count()
        if dry_run:
            summary = (
                f"{prefix}{len(candidates)} failed message(s) would be retried, "
                f"{len(stuck)} stuck; {given_up} left alone after {max_attempts} attempts."
            )
        else:
            summary = (
                f"Retried {len(candidates)}: {counts['sent']} sent, {counts['failed']} failed "
                f"again, {counts['queued']} queued for the worker; {len(stuck)} stuck freed; "
                f"{given_up} left alone after {max_attempts} attempts."
            )
        self.stdout.write(self.style.SUCCESS(summary))

    @staticmethod
    def _describe(notification: Notification) -> str:
        return (
            f"#{notification.pk} {notification.event} {notification.transport or '-'} "
            f"to {notification.to or '-'} (attempts: {notification.attempts})"
        )
