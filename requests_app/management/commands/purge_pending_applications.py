"""Delete applications started on the public site and never submitted, with the
documents held for them, once they expire (MUSTAFID_PENDING_APPLICATION_DAYS after the
last step saved). Run it daily from cron or a scheduler; it is safe to run twice."""

from django.core.management.base import BaseCommand

from requests_app.portal.services import pending_application_purge


class Command(BaseCommand):
    help = "Delete expired applications in progress and their uploaded files."

    def handle(self, *args, **options):
        count = pending_application_purge()
        if options["verbosity"]:
            self.stdout.write(f"{count} expired application(s) in progress deleted.")
