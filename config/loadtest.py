"""A bounded load test of the public portal (issue #12, "nothing lost under load"):
N concurrent applicants walk every step of /apply/ against gunicorn on loopback for at
most S seconds. Afterwards the database must hold exactly one request per confirmation
page returned, and no response may be a 5xx."""

import http.cookiejar
import random
import re
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
REFERENCE = re.compile(r'data-reference="([^"]+)"')


@dataclass
class Tally:
    confirmations: list[str] = field(default_factory=list)
    server_errors: int = 0
    other_failures: int = 0
    failure_reasons: dict = field(default_factory=dict)
    started: int = 0
    latencies_ms: list[float] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # follow redirects ourselves, counting
        return None


def _national_id(rng: random.Random) -> str:
    from beneficiaries.validators import national_id_with_check_digit

    return national_id_with_check_digit("1" + "".join(rng.choice("0123456789") for _ in range(8)))


# What an applicant types at each step (shared with the benchmark, config/bench_portal.py).
APPLICANT_NAME = "مستفيد اختبار الحمل"


def start_data(program_id: int) -> dict:
    return {"program": program_id, "privacy_read": "on", "website": ""}


def identity_data(rng: random.Random, id_number: str) -> dict:
    return {
        "id_type": "national_id",
        "id_number": id_number,
        "name_ar": APPLICANT_NAME,
        "gender": rng.choice(["male", "female"]),
        "birth_date": "1985-03-14",
        # 05 then a digit libphonenumber knows as a Saudi mobile range (not 7).
        "mobile": "05"
        + rng.choice("0345689")
        + "".join(rng.choice("0123456789") for _ in range(7)),
        "region": "riyadh",
        "city": "الرياض",
        "website": "",
    }


HOUSEHOLD_DATA = {
    "marital_status": "married",
    "household_size": "4",
    "employment": "unemployed",
    "monthly_income": "1200",
    "support_kind": "cash",
    "need": "نحتاج إلى مساعدة في الإيجار",
    "website": "",
}
DECLARATION_DATA = {
    "accept_rules": "on",
    "declare": "on",
    "declaration_name": APPLICANT_NAME,
    "website": "",
}


class Applicant:
    def __init__(self, base: str, program_id: int, tally: Tally, rng: random.Random):
        self.base = base
        self.program_id = program_id
        self.tally = tally
        self.rng = rng
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), NoRedirect()
        )

    def _open(self, path: str, data: dict | None = None) -> tuple[int, str, str]:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(self.base + path, data=body)
        if body is not None:
            request.add_header("Referer", self.base + path)
        started = time.perf_counter()
        try:
            response = self.opener.open(request, timeout=30)
            status, text, location = response.status, response.read().decode(), ""
        except urllib.error.HTTPError as exc:
            status, text = exc.code, exc.read().decode("utf-8", "replace")
            location = exc.headers.get("Location", "")
        with self.tally.lock:
            self.tally.latencies_ms.append((time.perf_counter() - started) * 1000)
            if status >= 500:
                self.tally.server_errors += 1
        return status, text, location

    def _step(self, path: str, data: dict) -> str:
        status, page, _ = self._open(path)
        token = CSRF.search(page)
        if status != 200 or not token:
            raise RuntimeError(f"GET {path}: {status}")
        status, page, location = self._open(path, {**data, "csrfmiddlewaretoken": token.group(1)})
        if status != 302:
            raise RuntimeError(f"POST {path}: {status}")
        return urllib.parse.urlsplit(location).path

    def apply(self) -> str | None:
        self._step("/apply/", start_data(self.program_id))
        self._step("/apply/identity/", identity_data(self.rng, _national_id(self.rng)))
        self._step("/apply/household/", HOUSEHOLD_DATA)
        self._step("/apply/documents/", {"website": ""})
        done = self._step("/apply/declaration/", DECLARATION_DATA)
        status, page, _ = self._open(done)
        match = REFERENCE.search(page)
        return match.group(1) if status == 200 and match else None


def run(
    *, base: str, program_id: int, applicants: int, seconds: float, seed: int | None = None
) -> Tally:
    tally = Tally()
    seed = seed if seed is not None else time.time_ns()  # new identities each run
    stop_at = time.monotonic() + seconds

    def worker(n: int):
        rng = random.Random(seed * 1000 + n)
        while time.monotonic() < stop_at:
            with tally.lock:
                tally.started += 1
            reason = ""
            try:
                reference = Applicant(base, program_id, tally, rng).apply()
            except Exception as exc:  # noqa: BLE001 - every failure is counted, none kills a worker
                reference, reason = None, str(exc)[:80]
            with tally.lock:
                if reason:
                    tally.failure_reasons[reason] = tally.failure_reasons.get(reason, 0) + 1
            with tally.lock:
                if reference:
                    tally.confirmations.append(reference)
                else:
                    tally.other_failures += 1

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(applicants)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return tally
