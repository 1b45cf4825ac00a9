"""The public portal's POST scenarios for the benchmark (config/bench.py).

``/apply/`` is a wizard: the figure is the confirming POST (the declaration step), which
stores a real application — a beneficiary, a request, its consents and, in the PDF
variant, a 200 KB document moved from the held upload into the record. The earlier steps
are prepared before the clock starts, through the same forms and services the views use
(``config.loadtest`` supplies what an applicant types), each with a fresh, valid national
ID nobody has used, so the duplicate check never refuses one. ``/track/`` POSTs a real
reference with its identity number.

The applications are made in this process, so an HTTP load can be fired at gunicorn with
only the confirming POSTs: each carries its application's signed cookie."""

from __future__ import annotations

import datetime
import random
import secrets
import time

from django.core.files.base import ContentFile
from django.http import HttpResponse
from django.utils import timezone

from config import loadtest

# Programs the benchmark applies to (opened for the run, closed afterwards): one needs no
# document, the other a national ID copy, sent as a 200 KB PDF.
PROGRAMS = {
    "bench-apply": ([], "برنامج قياس الأداء", "Benchmark program"),
    "bench-apply-pdf": (["national_id"], "برنامج قياس الأداء بمستند", "Benchmark program (PDF)"),
}
PDF_SIZE = 200 * 1024


def open_programs() -> dict[str, int]:
    from requests_app.models import Program

    ids = {}
    for code, (documents, name_ar, name_en) in PROGRAMS.items():
        program, _created = Program.objects.update_or_create(
            code=code,
            defaults={
                "name_ar": name_ar,
                "name_en": name_en,
                "is_open": True,
                "required_document_types": documents,
                "sort_order": 900,
            },
        )
        ids[code] = program.pk
    return ids


def close_programs() -> None:
    """The benchmark's programs must not stay open on the public /apply/ page, and the
    applications it prepared but did not send go (with any file they hold)."""
    from requests_app.models import PendingApplication, PendingDocument, Program

    Program.objects.filter(code__in=PROGRAMS).update(is_open=False)
    unsent = PendingApplication.objects.filter(
        program__code__in=PROGRAMS, submitted_request__isnull=True
    )
    documents = PendingDocument.objects.filter(application__in=unsent)
    storage = PendingDocument._meta.get_field("file").storage
    for name in documents.values_list("file", flat=True):
        storage.delete(name)
    documents.delete()
    unsent.delete()


def sample_pdf(size: int = PDF_SIZE) -> bytes:
    """A small valid PDF padded with a comment to ``size`` bytes (a scanned ID's size)."""
    head = (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
        b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 300 144]>>endobj\n"
    )
    tail = b"trailer<</Root 1 0 R>>\n%%EOF\n"
    padding = size - len(head) - len(tail) - 2
    return head + b"%" + b"x" * padding + b"\n" + tail


class Identities:
    """Fresh national IDs (valid check digit) that no beneficiary has: drawn from a
    random point of the range, checked against the registry a chunk at a time."""

    def __init__(self, seed: int | None = None):
        self.rng = random.Random(seed if seed is not None else time.time_ns())
        self.next = self.rng.randrange(10**8)
        self.taken: set[str] = set()

    def take(self, count: int) -> list[str]:
        from beneficiaries.models import Beneficiary
        from beneficiaries.validators import national_id_with_check_digit

        found: list[str] = []
        while len(found) < count:
            candidates = []
            for _ in range(max(count - len(found), 1) + 8):
                self.next = (self.next + 7_919) % 10**8
                number = national_id_with_check_digit(f"1{self.next:08d}")
                if number not in self.taken:
                    candidates.append(number)
            used = set(
                Beneficiary.objects.filter(id_number__in=candidates).values_list(
                    "id_number", flat=True
                )
            )
            for number in candidates:
                if number not in used and len(found) < count:
                    found.append(number)
                    self.taken.add(number)
        return found


def _cookie_value(token: str) -> str:
    """The signed cookie the /apply/ views set for an application, made by their helper."""
    from django.conf import settings

    from requests_app.portal import views

    response = HttpResponse()
    views._set_cookie(
        response,
        views.APPLY_COOKIE,
        token,
        max_age=settings.MUSTAFID_PENDING_APPLICATION_DAYS * 86400,
    )
    return response.cookies[views.APPLY_COOKIE].value


def prepare_applications(
    program_code: str, count: int, identities: Identities, *, with_pdf: bool = False
) -> list[dict]:
    """``count`` applications that reached the declaration step, as the steps' forms and
    services would leave them; each as ``{"cookies": …, "data": …}`` for the confirming
    POST."""
    from policies.models import PolicyDocument
    from requests_app.models import PendingApplication, Program
    from requests_app.portal import services, views
    from requests_app.portal.forms import HouseholdForm, IdentityForm

    program = Program.objects.get(code=program_code)
    privacy = services.policy_text(PolicyDocument.Kind.PRIVACY_NOTICE).version_label
    household = HouseholdForm(loadtest.HOUSEHOLD_DATA)
    if not household.is_valid():
        raise ValueError(household.errors.as_text())
    household_values = _typed(services, household.cleaned_data)
    rng = identities.rng
    applications = []
    now = timezone.now()
    for id_number in identities.take(count):
        identity = IdentityForm(loadtest.identity_data(rng, id_number))
        if not identity.is_valid():
            raise ValueError(identity.errors.as_text())
        applications.append(
            PendingApplication(
                token=secrets.token_urlsafe(32),
                program=program,
                step="declaration",
                language="ar",
                data={
                    "privacy": privacy,
                    "privacy_read_at": now.isoformat(),
                    "identity": _typed(services, identity.cleaned_data),
                    "household": household_values,
                    "documents": {"done": True},
                },
                expires_at=services._expiry(),
            )
        )
    applications = PendingApplication.objects.bulk_create(applications, batch_size=1000)
    if with_pdf:
        pdf = sample_pdf()
        expiry = timezone.localdate() + datetime.timedelta(days=365)
        for document_type in program.required_document_types:
            for application in applications:
                services.pending_document_hold(
                    application=application,
                    document_type=document_type,
                    file=ContentFile(pdf, name="national-id.pdf"),
                    expiry_date=expiry,
                )
    return [
        {
            "cookies": {views.APPLY_COOKIE: _cookie_value(application.token)},
            "data": dict(loadtest.DECLARATION_DATA),
        }
        for application in applications
    ]


def _typed(services, cleaned: dict) -> dict:
    # What pending_application_save_step keeps of a step's form.
    return {name: services._jsonable(value) for name, value in cleaned.items() if name != "website"}


def track_pairs(limit: int = 200) -> list[dict]:
    """Real (reference, identity number) pairs for /track/ POST."""
    from requests_app.models import SupportRequest

    rows = (
        SupportRequest.objects.filter(beneficiary__id_number__gt="")
        .order_by("-pk")
        .values_list("reference", "beneficiary__id_number")[:limit]
    )
    return [
        {"cookies": {}, "data": {"reference": reference, "id_number": id_number, "website": ""}}
        for reference, id_number in rows
    ]
