"""Apply the retention periods (MUSTAFID_RETENTION): anonymise beneficiaries whose data
has outlived its period, delete old access-log entries and erase the text of old
messages, keeping every figure the reports count. Run it daily (cron, systemd timer)."""

from django.core.management.base import BaseCommand, CommandError

from beneficiaries import privacy

SHOWN = 50


class Command(BaseCommand):
    help = (
        "Anonymise and delete what has outlived its retention period (MUSTAFID_RETENTION). "
        "Beneficiaries with an open request or an open data-subject request are never "
        "anonymised. --dry-run lists what would change without changing it."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Only list what would change.")
        parser.add_argument(
            "--limit",
            type=int,
            default=5000,
            help="Anonymise at most this many beneficiaries of each kind per run (default "
            "5000); the rest follow on the next days.",
        )

    def handle(self, *args, **options):
        try:
            periods = privacy.retention_settings()
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        for key, value in periods.items():
            self.stdout.write(f"retention {key} = {value}")
        if options["dry_run"]:
            plan = privacy.retention_plan(limit=SHOWN)
            self._list(
                "would anonymise (requests finished)", plan.beneficiaries_closed, plan.closed_count
            )
            self._list(
                "would anonymise (never a request)",
                plan.beneficiaries_inactive,
                plan.inactive_count,
            )
            self.stdout.write(f"would delete {plan.access_log_count} access-log entries")
            self.stdout.write(f"would erase the text of {plan.notification_count} messages")
            self.stdout.write("dry run: nothing was changed")
            return
        if options["limit"] < 1:
            raise CommandError("--limit must be at least 1.")
        result = privacy.retention_apply(limit=options["limit"])
        self.stdout.write(f"anonymised {len(result.anonymised)} beneficiaries")
        for number in result.anonymised[:SHOWN]:
            self.stdout.write(f"  {number}")
        for number, reason in result.skipped:
            self.stderr.write(f"skipped {number}: {reason}")
        self.stdout.write(f"deleted {result.access_log_deleted} access-log entries")
        self.stdout.write(f"erased the text of {result.notifications_erased} messages")

    def _list(self, title: str, beneficiaries, total: int) -> None:
        self.stdout.write(f"{title}: {total}")
        for beneficiary in beneficiaries:
            self.stdout.write(f"  {beneficiary.file_number or beneficiary.pk}")
        if total > len(beneficiaries):
            self.stdout.write(f"  … and {total - len(beneficiaries)} more")
