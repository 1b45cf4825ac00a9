"""Create the five role groups with their permissions (safe to run again)."""

from django.core.management.base import BaseCommand

from config.roles import setup_roles


class Command(BaseCommand):
    help = "Create or update the role groups (relations officer, social researcher, committee member, manager, auditor)."

    def handle(self, *args, **options):
        counts = setup_roles()
        if options["verbosity"]:
            for name, count in counts.items():
                self.stdout.write(f"{name}: {count} permissions")
            self.stdout.write(self.style.SUCCESS("Roles are up to date."))
