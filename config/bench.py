"""The benchmark behind ``make bench`` (``manage.py bench``): in-process latency and
queries per request for every page that matters, and throughput over HTTP against
gunicorn on 127.0.0.1, each figure also given as a ratio to a hello-world view measured
in the same run. Performance is checked here, by figures, never by timed assertions in
tests (README: Performance)."""

from __future__ import annotations

import http.client
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse

from config import bench_portal
from config.admin_lists import deep_page_query  # deep pages as their links reach them


@dataclass
class Scenario:
    """One page to measure. ``path`` and ``data`` are callables of the run's context so a
    scenario can pick real rows (a request id, an Arabic name) from the seeded database."""

    name: str
    path: Callable[[dict], str]
    user: str | None = None  # username to log in as
    method: str = "GET"
    data: Callable[[dict, int], dict] | None = None
    http: bool = True
    target_ms: float | None = None  # the in-process p95 target, for the table
    expect: tuple[int, ...] = (200,)
    # POSTs that need state made first (an application walked to its last step): called
    # before the clock starts with (context, count), it returns one {"cookies", "data"}
    # per request to send. In-process one is made per request; over HTTP all up front.
    prepare: Callable[[dict, int], list[dict]] | None = None
    http_max: int | None = None  # at most this many prepared requests over HTTP
    form_page: Callable[[dict], str] | None = None  # a GET that gives a CSRF token


@dataclass
class Result:
    name: str
    samples_ms: list[float] = field(default_factory=list)
    queries: int | None = None
    status: int | None = None
    error: str = ""
    http_rps: float | None = None
    http_p95_ms: float | None = None
    http_errors: int = 0
    target_ms: float | None = None
    # hello-world's req/s measured by the same load generator (wrk for GETs, the Python
    # generator for POSTs), so "% hello" compares like with like.
    http_baseline_rps: float | None = None

    def pct(self, q: float) -> float | None:
        if not self.samples_ms:
            return None
        ordered = sorted(self.samples_ms)
        index = min(len(ordered) - 1, max(0, round(q / 100 * len(ordered)) - 1))
        return ordered[index]


def _reverse_or_none(name: str, *args) -> str | None:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


APPLY_POST = "/apply/ POST, no file"
# The target for the public form: confirmed applications per second over HTTP.
APPLY_POST_TARGET_SHARE = 0.35


BARE = "bare indexed page (50 rows)"


def scenarios() -> list[Scenario]:
    """Every page the issue names that exists in this build; pages that later issues add
    register here with a line."""
    items = [
        Scenario("hello-world", lambda c: "/__hello__"),
        Scenario(BARE, lambda c: "/__bare__"),
        Scenario("healthz", lambda c: "/healthz"),
        Scenario("home", lambda c: "/"),
        Scenario("policies", lambda c: "/policies/"),
        Scenario(
            "admin: beneficiaries, first page",
            lambda c: "/admin/beneficiaries/beneficiary/",
            user="officer",
            target_ms=25,
        ),
        Scenario(
            "admin: beneficiaries, region filter",
            lambda c: "/admin/beneficiaries/beneficiary/?region=riyadh",
            user="officer",
            target_ms=25,
        ),
        Scenario(
            "admin: beneficiaries, deep page",
            lambda c: (
                "/admin/beneficiaries/beneficiary/?"
                + deep_page_query("beneficiaries.Beneficiary", c["deep_page"])
            ),
            user="officer",
            target_ms=25,
        ),
        Scenario(
            "admin: beneficiaries, Arabic name search",
            lambda c: (
                "/admin/beneficiaries/beneficiary/?"
                + urllib.parse.urlencode({"q": c["name_query"]})
            ),
            user="officer",
            target_ms=50,
        ),
        Scenario(
            "admin: beneficiary page",
            lambda c: f"/admin/beneficiaries/beneficiary/{c['beneficiary_id']}/change/",
            user="officer",
            target_ms=40,
        ),
        Scenario(
            "admin: requests, first page",
            lambda c: "/admin/requests_app/supportrequest/",
            user="officer",
            target_ms=25,
        ),
        Scenario(
            "admin: requests, overdue filter",
            lambda c: "/admin/requests_app/supportrequest/?due=overdue",
            user="officer",
            target_ms=25,
        ),
        Scenario(
            "admin: requests, deep page",
            lambda c: (
                "/admin/requests_app/supportrequest/?"
                + deep_page_query("requests_app.SupportRequest", c["deep_page"], state="all")
            ),
            user="officer",
            target_ms=25,
        ),
        Scenario(
            "admin: requests, Arabic name search",
            lambda c: (
                "/admin/requests_app/supportrequest/?"
                + urllib.parse.urlencode({"q": c["name_query"], "state": "all"})
            ),
            user="officer",
            target_ms=50,
        ),
        Scenario(
            "admin: request page",
            lambda c: f"/admin/requests_app/supportrequest/{c['request_id']}/change/",
            user="officer",
            target_ms=40,
        ),
    ]
    if _reverse_or_none("apply"):
        items.append(Scenario("/apply/ GET", lambda c: reverse("apply")))
    if _reverse_or_none("apply-step", "declaration"):
        items += [
            Scenario(
                APPLY_POST,
                lambda c: reverse("apply-step", args=["declaration"]),
                method="POST",
                form_page=lambda c: reverse("apply"),
                prepare=lambda c, n: bench_portal.prepare_applications(
                    "bench-apply", n, c["identities"]
                ),
                expect=(302,),
            ),
            Scenario(
                "/apply/ POST, 200 KB PDF",
                lambda c: reverse("apply-step", args=["declaration"]),
                method="POST",
                form_page=lambda c: reverse("apply"),
                prepare=lambda c, n: bench_portal.prepare_applications(
                    "bench-apply-pdf", n, c["identities"], with_pdf=True
                ),
                expect=(302,),
                http_max=300,  # each holds its own 200 KB file until it is confirmed
            ),
        ]
    if _reverse_or_none("track"):
        items.append(Scenario("/track/ GET", lambda c: reverse("track")))
        items.append(
            Scenario(
                "/track/ POST",
                lambda c: reverse("track"),
                method="POST",
                prepare=lambda c, n: [
                    c["track_pairs"][i % len(c["track_pairs"])] for i in range(n)
                ],
                expect=(302,),
            )
        )
    if _reverse_or_none("committee:queue"):
        items += [
            Scenario(
                "/committee/ first page",
                lambda c: reverse("committee:queue"),
                user="committee1",
                target_ms=25,
            ),
            Scenario(
                "/committee/ deep page",
                lambda c: reverse("committee:queue") + _committee_middle(),
                user="committee1",
                target_ms=25,
            ),
            Scenario(
                "/committee/ filtered page",
                lambda c: reverse("committee:queue") + "?region=riyadh&voted=no",
                user="committee1",
                target_ms=25,
            ),
        ]
    if _reverse_or_none("committee:case", 1):
        items.append(
            Scenario(
                "/committee/ case file",
                lambda c: reverse("committee:case", args=[c["committee_case_id"]]),
                user="committee1",
                target_ms=40,
                expect=(200, 404),
            )
        )
    if _reverse_or_none("dashboard:index"):
        items.append(
            Scenario(
                "/dashboard/", lambda c: reverse("dashboard:index"), user="manager", target_ms=150
            )
        )
    return items


def _committee_middle() -> str:
    """The keyset page half-way down the review queue (its pages carry a cursor, not a number)."""
    from requests_app.committee import QUEUE_ORDER, queue_cursor
    from requests_app.models import SupportRequest

    queue = SupportRequest.objects.filter(status="committee_review").order_by(*QUEUE_ORDER)
    half = queue.count() // 2
    row = next(iter(queue.values_list(*QUEUE_ORDER)[half : half + 1]), None)
    return f"?after={queue_cursor(*row)}" if row else ""


def context() -> dict:
    """Real rows to aim the scenarios at, picked once per run."""
    from beneficiaries.models import Beneficiary
    from requests_app.models import SupportRequest

    beneficiary = Beneficiary.objects.filter(kind="direct").order_by("-pk").first()
    support_request = SupportRequest.objects.order_by("-pk").first()
    case = SupportRequest.objects.filter(status="committee_review").order_by("-pk").first()
    total = Beneficiary.objects.count()
    # A common Arabic first name, typed with a hamza variant the search must fold.
    name_query = "احمد"
    programs = bench_portal.open_programs() if _reverse_or_none("apply") else {}
    return {
        "programs": programs,
        "identities": bench_portal.Identities(),
        "track_pairs": bench_portal.track_pairs() if support_request else [],
        "beneficiary_id": beneficiary.pk if beneficiary else 0,
        "request_id": support_request.pk if support_request else 0,
        "committee_case_id": case.pk if case else 0,
        "name_query": name_query,
        "deep_page": max(1, total // 100 // 2),
        "rows": total,
    }


def _why(response) -> str:
    """The first error message a page showed (a form refused), so an unexpected status in
    the table says what went wrong, not only its number."""
    import re

    text = response.content.decode(errors="replace") if hasattr(response, "content") else ""
    found = re.search(r'class="(?:errorlist|error-summary)[^"]*".*?<li[^>]*>(.*?)</li>', text, re.S)
    if not found:
        return ""
    return ": " + " ".join(re.sub(r"<[^>]+>", "", found.group(1)).split())[:120]


def measure_in_process(scenario: Scenario, ctx: dict, iterations: int, warmup: int = 3) -> Result:
    from django.contrib.auth import get_user_model

    result = Result(scenario.name, target_ms=scenario.target_ms)
    client = Client()
    if scenario.user:
        user = get_user_model().objects.filter(username=scenario.user).first()
        if user is None:
            result.error = f"no user {scenario.user}"
            return result
        client.force_login(user)
    try:
        path = scenario.path(ctx)
    except Exception as exc:  # a page that cannot be aimed is reported, not fatal
        result.error = f"{type(exc).__name__}: {exc}"
        return result

    def ready(i: int) -> dict | None:
        """Untimed: what the request needs made first (an application to confirm)."""
        if scenario.prepare is None:
            return None
        prepared = scenario.prepare(ctx, 1)
        if not prepared:
            raise RuntimeError("nothing to send")
        for name, value in prepared[0]["cookies"].items():
            client.cookies[name] = value
        return prepared[0]["data"]

    def send(i: int, data: dict | None):
        if scenario.method == "POST":
            if data is None:
                data = scenario.data(ctx, i) if scenario.data else {}
            return client.post(path, data)
        return client.get(path)

    try:
        for i in range(warmup):
            send(i, ready(i))
        data = ready(warmup)
        with CaptureQueriesContext(connection) as captured:
            response = send(warmup, data)
        result.queries = len(captured.captured_queries)
        result.status = response.status_code
        if response.status_code not in scenario.expect:
            result.error = f"HTTP {response.status_code}{_why(response)}"
            return result
        for i in range(iterations):
            data = ready(warmup + 1 + i)
            started = time.perf_counter()
            response = send(warmup + 1 + i, data)
            result.samples_ms.append((time.perf_counter() - started) * 1000)
            if response.status_code not in scenario.expect:
                result.error = f"HTTP {response.status_code} (iteration {i + 1}){_why(response)}"
                return result
    except Exception as exc:  # a page that fails is reported, not fatal
        result.error = f"{type(exc).__name__}: {exc}"
    return result


# -- over HTTP ----------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Gunicorn:
    """gunicorn with two sync workers on a loopback port, for the run's HTTP figures."""

    def __init__(self, workers: int = 2):
        self.port = _free_port()
        self.workers = workers
        self.process: subprocess.Popen | None = None

    def __enter__(self):
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.bench"}
        gunicorn = shutil.which("gunicorn", path=os.path.dirname(sys.executable)) or "gunicorn"
        self.process = subprocess.Popen(
            [
                gunicorn,
                "config.wsgi",
                "--workers",
                str(self.workers),
                "--bind",
                f"127.0.0.1:{self.port}",
                "--log-level",
                "warning",
            ],
            env=env,
            cwd=settings.BASE_DIR,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                conn.request("GET", "/__hello__")
                if conn.getresponse().status == 200:
                    return self
            except OSError:
                time.sleep(0.2)
        self.__exit__()
        raise RuntimeError("gunicorn did not start on 127.0.0.1")

    def __exit__(self, *exc):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"


def session_cookie(username: str) -> str:
    """A logged-in session for the load generator, made in this process's database."""
    from django.contrib.auth import get_user_model

    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def wrk_available() -> bool:
    return shutil.which("wrk") is not None


def load_wrk(
    url: str, seconds: int, connections: int, cookie: str = ""
) -> tuple[float, float | None, int]:
    """Requests per second, p95 latency (ms) and non-2xx/3xx count from wrk."""
    command = [
        "wrk",
        "-t2",
        f"-c{connections}",
        f"-d{seconds}s",
        "--latency",
        "--timeout",
        "10s",
        url,
    ]
    if cookie:
        command[1:1] = ["-H", f"Cookie: {cookie}"]
    out = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 30).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    errors = int(m.group(1)) if (m := re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)) else 0
    p = re.search(r"99%\s+([\d.]+)(us|ms|s)", out)
    p95 = None
    # wrk prints 50/75/90/99: report its 99th (closest it gives to the 95th, and stricter).
    if p:
        value, unit = float(p.group(1)), p.group(2)
        p95 = value / 1000 if unit == "us" else value * 1000 if unit == "s" else value
    return rps, p95, errors


def load_python(
    base: str,
    path: str,
    seconds: int,
    connections: int,
    cookie: str = "",
    method: str = "GET",
    body: Callable[[int], tuple[bytes, dict] | None] | None = None,
    expect: tuple[int, ...] | None = None,
) -> tuple[float, float | None, int]:
    """A bounded keep-alive load from threads: for POSTs (fresh data each time), or where
    wrk is not installed. ``body(i)`` gives the i-th request's payload and headers, or
    None when there is nothing left to send (the run then ends early). A response is a
    failure unless its status is in ``expect`` (default: below 400). Returns requests/s,
    p95 ms and failures."""
    parsed = urllib.parse.urlsplit(base)
    stop = time.monotonic() + seconds
    latencies: list[float] = []
    failures = [0]
    counter = iter(range(10**9))
    lock = threading.Lock()

    def worker():
        conn = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=10)
        while time.monotonic() < stop:
            with lock:
                i = next(counter)
            headers = {"Cookie": cookie} if cookie else {}
            payload = None
            if body:
                prepared = body(i)
                if prepared is None:
                    break
                payload, extra = prepared
                headers.update(extra)
            started = time.perf_counter()
            try:
                conn.request(method, path, body=payload, headers=headers)
                response = conn.getresponse()
                response.read()
                ok = response.status in expect if expect else response.status < 400
            except OSError:
                ok = False
                conn.close()
                conn = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=10)
            elapsed = (time.perf_counter() - started) * 1000
            with lock:
                latencies.append(elapsed)
                if not ok:
                    failures[0] += 1
        conn.close()

    threads = [threading.Thread(target=worker) for _ in range(connections)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = max(time.monotonic() - started, 1e-6)
    p95 = sorted(latencies)[int(len(latencies) * 0.95) - 1] if latencies else None
    return len(latencies) / elapsed, p95, failures[0]


def csrf_pair(base: str, path: str) -> tuple[str, str]:
    """A CSRF cookie and the form token that goes with it, from a GET of ``path``."""
    parsed = urllib.parse.urlsplit(base)
    conn = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=10)
    conn.request("GET", path)
    response = conn.getresponse()
    page = response.read().decode("utf-8", "replace")
    conn.close()
    name = settings.CSRF_COOKIE_NAME
    cookie = next(
        (
            part.split("=", 1)[1]
            for header in response.headers.get_all("Set-Cookie") or []
            for part in [header.split(";", 1)[0]]
            if part.startswith(name + "=")
        ),
        "",
    )
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    if not cookie or not token:
        raise RuntimeError(f"no CSRF cookie and token from GET {path}")
    return f"{name}={cookie}", token.group(1)


def form_bodies(prepared: list[dict], csrf: tuple[str, str]) -> Callable[[int], tuple | None]:
    """``load_python`` bodies for prepared form POSTs: each once, then None (stop)."""
    csrf_cookie, csrf_token = csrf
    encoded = []
    for item in prepared:
        cookie = "; ".join([csrf_cookie, *(f"{k}={v}" for k, v in item["cookies"].items())])
        payload = urllib.parse.urlencode({**item["data"], "csrfmiddlewaretoken": csrf_token})
        encoded.append(
            (
                payload.encode(),
                {"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"},
            )
        )

    def body(i: int):
        return encoded[i] if i < len(encoded) else None

    return body


# -- the report --------------------------------------------------------------------------


def _fmt(value, digits=1) -> str:
    return "—" if value is None else f"{value:,.{digits}f}"


def table(results: list[Result], baseline: Result, vendor: str, rows: int) -> str:
    base_p95 = baseline.pct(95) or 1
    base_rps = baseline.http_rps
    bare = next((r for r in results if r.name == BARE and not r.error), None)
    bare_p95 = bare.pct(95) if bare else None
    lines = [
        f"Mustafid benchmark · {vendor} · {rows:,} beneficiaries · in-process ms (p50/p95/p99), "
        f"queries per request, ratio of p95 to hello-world and to the bare indexed page; "
        f"HTTP req/s with gunicorn (2 sync workers).",
        "",
        f"| {'page':<44} | {'p50':>7} | {'p95':>7} | {'p99':>7} | {'q':>3} | {'×hello':>7} | {'×bare':>6} | {'target':>7} | {'req/s':>8} | {'% hello':>7} |",
        f"|{'-' * 46}|{'-' * 9}|{'-' * 9}|{'-' * 9}|{'-' * 5}|{'-' * 9}|{'-' * 8}|{'-' * 9}|{'-' * 10}|{'-' * 9}|",
    ]
    for r in results:
        if r.error:
            lines.append(f"| {r.name:<44} | {'error: ' + r.error:<60} |")
            continue
        p95 = r.pct(95)
        verdict = ""
        if r.target_ms is not None and p95 is not None:
            verdict = f"{'✔' if p95 <= r.target_ms else '✘'}≤{r.target_ms:g}"
        baseline_rps = r.http_baseline_rps or base_rps
        share = f"{100 * r.http_rps / baseline_rps:.0f}%" if r.http_rps and baseline_rps else "—"
        lines.append(
            f"| {r.name:<44} | {_fmt(r.pct(50)):>7} | {_fmt(p95):>7} | {_fmt(r.pct(99)):>7} | "
            f"{r.queries if r.queries is not None else '—':>3} | {_fmt(p95 / base_p95 if p95 else None):>7} | "
            f"{_fmt(p95 / bare_p95 if p95 and bare_p95 else None):>6} | "
            f"{verdict:>7} | {_fmt(r.http_rps, 0):>8} | {share:>7} |"
        )
    apply = next((r for r in results if r.name == APPLY_POST and r.http_rps), None)
    baseline_rps = apply and (apply.http_baseline_rps or base_rps)
    if apply and baseline_rps:
        share = apply.http_rps / baseline_rps
        lines += [
            "",
            f"{APPLY_POST} over HTTP: {apply.http_rps:,.0f} confirmed applications/s = "
            f"{100 * share:.0f}% of hello-world's {baseline_rps:,.0f} req/s with the same "
            f"load generator (target ≥ {100 * APPLY_POST_TARGET_SHARE:.0f}%: "
            f"{'✔' if share >= APPLY_POST_TARGET_SHARE else '✘'}).",
        ]
    return "\n".join(lines)


def to_json(results: list[Result], vendor: str, rows: int) -> str:
    return json.dumps(
        {
            "vendor": vendor,
            "beneficiaries": rows,
            "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            "results": [
                {
                    "name": r.name,
                    "p50_ms": r.pct(50),
                    "p95_ms": r.pct(95),
                    "p99_ms": r.pct(99),
                    "queries": r.queries,
                    "target_p95_ms": r.target_ms,
                    "http_rps": r.http_rps,
                    "http_p99_ms": r.http_p95_ms,
                    "http_errors": r.http_errors,
                    "http_baseline_rps": r.http_baseline_rps,
                    "error": r.error,
                    "samples": len(r.samples_ms),
                    "mean_ms": statistics.fmean(r.samples_ms) if r.samples_ms else None,
                }
                for r in results
            ],
        },
        indent=2,
        ensure_ascii=False,
    )
