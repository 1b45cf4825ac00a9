"""``manage.py loadtest_apply``: N concurrent applicants submit /apply/ against gunicorn
on 127.0.0.1 for at most S seconds (README: Load test). Fails unless every confirmation
page has its request in the database, no other request appeared, and nothing was a 5xx.

With production's task queue (django-tasks-db, as the benchmark's settings have it) a
``db_worker`` runs beside gunicorn, as in production; afterwards the queue is drained and
every stored request must have its "request received" message sent: nothing lost there
either."""

import contextlib
import os
import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.tasks import task_backends

from config import loadtest
from config.bench import Gunicorn


class Worker:
    """``manage.py db_worker`` in its own process for the length of the load."""

    def __enter__(self):
        self.process = subprocess.Popen(
            [sys.executable, "manage.py", "db_worker", "--no-reload", "--interval", "0.2"],
            env=dict(os.environ),
            cwd=settings.BASE_DIR,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        return self

    def __exit__(self, *exc):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)  # finishes the task it is running
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()


def _database_queue() -> bool:
    from django_tasks_db.backend import DatabaseBackend

    return isinstance(task_backends["default"], DatabaseBackend)


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
        queue = _database_queue()
        started = time.monotonic()
        try:
            with (
                Gunicorn(workers=workers) as server,
                Worker() if queue else contextlib.nullcontext(),
            ):
                tally = loadtest.run(
                    base=server.base,
                    program_id=program.pk,
                    applicants=applicants,
                    seconds=seconds,
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
        if queue:
            problems += self._messages(created)
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

    def _messages(self, created) -> list[str]:
        """Drain the task queue, then: one sent "request received" message per request."""
        from django.contrib.contenttypes.models import ContentType

        from channels_app.models import Notification
        from requests_app.models import SupportRequest

        waiting = self._ready_tasks()
        drained = time.monotonic()
        call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)
        drained = time.monotonic() - drained
        messages = Notification.objects.filter(
            event="request_received",
            related_type=ContentType.objects.get_for_model(SupportRequest),
            related_id__in=created.values("pk"),
        )
        sent = messages.filter(status=Notification.Status.SENT).count()
        requests = created.count()
        self.stdout.write(
            f"messages sent             {sent} of {requests} (a worker ran beside gunicorn; "
            f"{waiting} tasks, earlier runs' too, waited after the load: {drained:.1f} s to drain)"
        )
        if sent != requests:
            return [f"{requests - sent} requests without their message sent"]
        return []

    def _ready_tasks(self) -> int:
        from django_tasks_db.models import DBTaskResult

        return DBTaskResult.objects.ready().count()
