"""``manage.py restore FOLDER``: put a backup made by ``manage.py backup`` back, then
check every table holds the rows the backup's manifest lists."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from config.backup import BackupError, backup_restore


class Command(BaseCommand):
    help = "Restore a backup folder over the current database and documents."

    def add_arguments(self, parser):
        parser.add_argument("folder", type=Path)
        parser.add_argument(
            "--yes", action="store_true", help="Do not ask: the current data is replaced."
        )

    def handle(self, *args, folder, yes=False, **options):
        if not yes and options.get("interactive", True):
            answer = input(f"Replace the current data with {folder}? Type yes: ")
            if answer.strip().lower() != "yes":
                raise CommandError("Nothing was restored.")
        try:
            missing = backup_restore(folder=folder)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        if missing:
            lines = [f"{t}: backup {a}, now {b}" for t, (a, b) in missing.items()]
            raise CommandError("Restored, but row counts differ:\n" + "\n".join(lines))
        self.stdout.write(self.style.SUCCESS(f"Restored {folder}; every table's rows are there."))
