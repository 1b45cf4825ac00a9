"""Seed a database of a given size and print the benchmark table (config/bench.py).

    python manage.py bench --beneficiaries 100000 --requests 100000
    DATABASE_URL=postgres://… python manage.py bench --beneficiaries 1000000 --requests 1000000

Use a database of its own: the command adds demo data to an empty one."""

import time
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connection

from config import bench, bench_portal


class Command(BaseCommand):
    help = "Measure the pages that matter, in-process and over HTTP, on a seeded database."

    def add_arguments(self, parser):
        parser.add_argument("--beneficiaries", type=int, default=100_000)
        parser.add_argument("--requests", type=int, default=100_000)
        parser.add_argument("--no-seed", action="store_true", help="Measure the database as it is.")
        parser.add_argument(
            "--seed-only", action="store_true", help="Seed (and analyse) the database, then stop."
        )
        parser.add_argument(
            "--processes",
            type=int,
            default=0,
            help="Processes that build the seed's rows on PostgreSQL (default: one a core).",
        )
        parser.add_argument(
            "--iterations", type=int, default=30, help="Timed requests per page in-process."
        )
        parser.add_argument(
            "--http-seconds", type=int, default=5, help="Seconds of load per page over HTTP."
        )
        parser.add_argument(
            "--connections", type=int, default=8, help="Concurrent HTTP connections."
        )
        parser.add_argument("--no-http", action="store_true", help="In-process figures only.")
        parser.add_argument("--only", default="", help="Only pages whose name contains this text.")
        parser.add_argument(
            "--json", default="", help="Where to write the JSON (default bench-results/)."
        )

    def handle(self, *args, **options):
        started = time.monotonic()
        call_command("createcachetable", verbosity=0)
        if not options["no_seed"]:
            self._seed(options)
        if options["seed_only"]:
            self.stdout.write(f"Total time: {time.monotonic() - started:.0f}s")
            return
        ctx = self._ctx()
        scenarios = [
            s
            for s in bench.scenarios()
            if options["only"].lower() in s.name.lower() or s.name == "hello-world"
        ]
        self.stdout.write(
            f"Measuring {len(scenarios)} pages in-process ({options['iterations']} requests each)…"
        )
        results = []
        for scenario in scenarios:
            result = bench.measure_in_process(scenario, ctx, options["iterations"])
            results.append(result)
            self.stdout.write(
                f"  {scenario.name}: p95 {bench._fmt(result.pct(95))} ms, {result.queries} queries {result.error}"
            )
        try:
            if not options["no_http"]:
                self._http(scenarios, results, options)
        finally:
            bench_portal.close_programs()
        baseline = results[0]
        vendor = connection.vendor
        self.stdout.write("")
        self.stdout.write(bench.table(results, baseline, vendor, ctx["rows"]))
        path = Path(
            options["json"]
            or Path(settings.BASE_DIR)
            / "bench-results"
            / f"bench-{vendor}-{time.strftime('%Y%m%d-%H%M%S')}.json"
        )
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(bench.to_json(results, vendor, ctx["rows"]), encoding="utf-8")
        self.stdout.write(f"\nJSON: {path}\nTotal time: {time.monotonic() - started:.0f}s")

    def _seed(self, options):
        from beneficiaries.models import Beneficiary

        if Beneficiary.objects.exists():
            self.stdout.write(
                f"Database already seeded ({Beneficiary.objects.count():,} beneficiaries); not adding more."
            )
            return
        seeded = time.monotonic()
        call_command(
            "seed_demo",
            beneficiaries=options["beneficiaries"],
            requests=options["requests"],
            notifications=0,
            processes=options["processes"],
            stdout=self.stdout,
        )
        self.stdout.write(f"Seeded in {time.monotonic() - seeded:.0f}s; analysing tables…")
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

    def _http(self, scenarios, results, options):
        use_wrk = bench.wrk_available()
        self.stdout.write(
            f"Measuring over HTTP with {'wrk' if use_wrk else 'a Python load generator'} "
            f"({options['connections']} connections, {options['http_seconds']}s a page)…"
        )
        cookies = {}
        seconds, connections = options["http_seconds"], options["connections"]
        python_hello = None
        with bench.Gunicorn() as server:
            for scenario, result in zip(scenarios, results, strict=True):
                if not scenario.http or result.error:
                    continue
                if scenario.user and scenario.user not in cookies:
                    cookies[scenario.user] = bench.session_cookie(scenario.user)
                cookie = cookies.get(scenario.user, "")
                try:
                    path = scenario.path(self._ctx())
                    rps, p99, errors = self._load(server, scenario, result, path, cookie, options)
                except Exception as exc:  # one scenario failing is reported, not fatal
                    result.error = f"HTTP load: {type(exc).__name__}: {exc}"[:120]
                    self.stdout.write(f"  {scenario.name}: {result.error}")
                    continue
                if use_wrk and scenario.method != "GET":
                    if python_hello is None:
                        python_hello, _p99, _errors = bench.load_python(
                            server.base, "/__hello__", seconds, connections
                        )
                        self.stdout.write(
                            f"  hello-world with the Python load generator: {python_hello:,.0f} req/s"
                        )
                    result.http_baseline_rps = python_hello
                result.http_rps, result.http_p95_ms, result.http_errors = rps, p99, errors
                self.stdout.write(f"  {scenario.name}: {rps:,.0f} req/s, {errors} errors")

    def _load(self, server, scenario, result, path, cookie, options):
        """One scenario's HTTP figures: requests/s, p99 (ms) and failures."""
        seconds, connections = options["http_seconds"], options["connections"]
        if bench.wrk_available() and scenario.method == "GET":
            return bench.load_wrk(server.base + path, seconds, connections, cookie)
        if scenario.prepare is None:
            return bench.load_python(server.base, path, seconds, connections, cookie)
        # Made before the clock starts, so only the measured POSTs reach the server: twice
        # what the in-process time says the workers can take (a run that uses them all
        # ends early, and its rate stands).
        p50 = result.pct(50) or 1
        count = min(seconds * 1500, max(50, int(2 * seconds * 2 * 1000 / p50)))
        if scenario.http_max:
            count = min(count, scenario.http_max)
        body = bench.form_bodies(
            scenario.prepare(self._ctx(), count),
            bench.csrf_pair(
                server.base, scenario.form_page(self._ctx()) if scenario.form_page else path
            ),
        )
        return bench.load_python(
            server.base, path, seconds, connections, method="POST", body=body,
            expect=scenario.expect,
        )  # fmt: skip

    def _ctx(self):
        if not hasattr(self, "_cached_ctx"):
            self._cached_ctx = bench.context()
        return self._cached_ctx
