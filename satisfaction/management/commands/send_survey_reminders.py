"""Send the one reminder to survey invitations still unanswered after some days (cron,
daily). Safe to run twice: an invitation is reminded once."""

from django.core.management.base import BaseCommand

from satisfaction.services import REMINDER_AFTER_DAYS, survey_reminders_send


class Command(BaseCommand):
    help = "Remind once the beneficiaries who have not answered their satisfaction survey."

    def add_arguments(self, parser):
        parser.add_argument(
            "--after-days",
            type=int,
            default=REMINDER_AFTER_DAYS,
            help=f"Days after the invitation (default {REMINDER_AFTER_DAYS}).",
        )

    def handle(self, *args, after_days, **options):
        count = survey_reminders_send(after_days=after_days)
        self.stdout.write(f"Survey reminders sent: {count}")
