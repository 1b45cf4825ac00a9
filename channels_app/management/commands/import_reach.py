"""Import a CSV of reach figures exported from a platform (POL-3.2).

    manage.py import_reach figures.csv [--dry-run] [--user USERNAME]

Every bad row is listed and nothing is imported until the file is correct; a file
already imported for the same content and period is refused row by row."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from channels_app.services import reach_import_apply, reach_import_max_bytes, reach_import_preview


class Command(BaseCommand):
    help = "Import reach figures (views, reach, engagements, downloads) from a CSV file."

    def add_arguments(self, parser):
        parser.add_argument("path", help="The CSV file.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Check the file and import nothing."
        )
        parser.add_argument("--user", help="Record the import as done by this username.")

    def handle(self, *args, path, dry_run=False, user=None, **options):
        file = Path(path)
        if not file.is_file():
            raise CommandError(f"No such file: {path}")
        if file.stat().st_size > reach_import_max_bytes():
            raise CommandError(
                f"{path} is {file.stat().st_size / 1024 / 1024:.1f} MB; the largest accepted is "
                f"{reach_import_max_bytes() // 1024 // 1024} MB (MUSTAFID_REACH_IMPORT_MAX_MB)."
            )
        actor = None
        if user:
            actor = get_user_model().objects.filter(username=user).first()
            if actor is None:
                raise CommandError(f"No user named {user}.")
        try:
            reach_import = reach_import_preview(
                file_name=file.name, data=file.read_bytes(), actor=actor
            )
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        if reach_import.errors:
            for error in reach_import.errors:
                self.stderr.write(error)
            raise CommandError(
                f"{len(reach_import.errors)} problem(s) in {file.name}: nothing was imported."
            )
        if dry_run:
            reach_import.delete()
            self.stdout.write(f"{reach_import.rows} rows are correct; nothing imported (dry run).")
            return
        count = reach_import_apply(reach_import=reach_import, actor=actor)
        self.stdout.write(self.style.SUCCESS(f"{count} rows imported from {file.name}."))
