"""``manage.py loadtest_apply``: N concurrent applicants submit /apply/ against gunicorn
on 127.0.0.1 for at most S seconds (README: Load test). Fails unless every confirmation
page has its request in the database, no other request appeared, and nothing was a 5xx."""

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from config import loadtest
from config.bench import Gunicorn


class Command(BaseCommand):
    help = "Bounded load test of /apply/: nothing lost, no server error."

    def add_arguments(self, parser):
        parser.add_argument("--applicants", type=int, default=50)
        parser.add_argument("--seconds", type=float, default=30)
        parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")

    def handle(self, *args, applicants, seconds, workers, **options):
        from requests_app.models import Program, SupportRequest

        seconds = min(seconds, 60)
        program, _ = Program.objects.update_or_create(
            code="load-test",
            defaults={
                "name_ar": "برنامج اختبار الحمل",
                "name_en": "Load-test program",
                "is_open": True,
                "required_document_types": [],
            },
        )
        before = set(SupportRequest.objects.filter(program=program).values_list("pk", flat=True))
        self.stdout.write(
            f"{applicants} applicants for {seconds:.0f} s against gunicorn ({workers} workers) "
            f"on {connection.vendor}…"
        )
        started = time.monotonic()
        try:
            with Gunicorn(workers=workers) as server:
                tally = loadtest.run(
                    base=server.base, program_id=program.pk, applicants=applicants, seconds=seconds
                )
        finally:
            # The test program must not stay open on the public /apply/ page.
            Program.objects.filter(pk=program.pk).update(is_open=False)
        elapsed = time.monotonic() - started
        created = SupportRequest.objects.filter(program=program).exclude(pk__in=before)
        stored = set(created.values_list("reference", flat=True))
        confirmed = set(tally.confirmations)
        latencies = sorted(tally.latencies_ms)
        p95 = latencies[int(len(latencies) * 0.95) - 1] if latencies else 0
        lines = [
            f"applications started      {tally.started}",
            f"confirmation pages        {len(tally.confirmations)}",
            f"requests in the database  {len(stored)}",
            f"5xx responses             {tally.server_errors}",
            f"other failures            {tally.other_failures}",
            f"HTTP requests             {len(latencies)} ({len(latencies) / elapsed:.0f}/s, p95 {p95:.0f} ms)",
            f"elapsed                   {elapsed:.1f} s",
        ]
        lines += [f"  {count} × {reason}" for reason, count in tally.failure_reasons.items()]
        self.stdout.write("\n".join(lines))
        problems = []
        if tally.server_errors:
            problems.append(f"{tally.server_errors} server errors")
        if stored != confirmed or len(confirmed) != len(tally.confirmations):
            problems.append(
                f"confirmations and stored requests differ: {len(confirmed - stored)} confirmed "
                f"but missing, {len(stored - confirmed)} stored without a confirmation"
            )
        if not tally.confirmations:
            problems.append("no application went through")
        if problems:
            raise CommandError("; ".join(problems))
        self.stdout.write(self.style.SUCCESS("Nothing lost."))
