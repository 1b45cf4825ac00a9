"""``manage.py backup [--output DIR]``: the database and the private documents, with a
manifest of row counts (config/backup.py). Run it daily; keep copies off the machine."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from config.backup import BackupError, backup_create, default_destination


class Command(BaseCommand):
    help = "Back up the database and the private documents into a dated folder."

    def add_arguments(self, parser):
        parser.add_argument("--output", type=Path, default=None, help="Folder for backups.")

    def handle(self, *args, output=None, **options):
        try:
            folder = backup_create(destination=output or default_destination())
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(str(folder))
