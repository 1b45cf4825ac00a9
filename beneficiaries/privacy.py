"""Privacy under the Saudi PDPL (POL-7.4): the data subject's rights as features.

- **Data-subject requests** (access, correction, deletion) with the 30-day clock, one
  extension with a reason, and identity verification before any answer.
- **Export** of everything held about a beneficiary, assembled from a registry of
  sections so every app can add its own with one call::

      from beneficiaries.privacy import register_subject_data_section
      register_subject_data_section("complaints", lambda beneficiary: [...])

- **Anonymisation** (``beneficiary_anonymise``): identifying values go — from the record,
  its household, documents (files deleted), free text and the simple-history rows —
  while what the association's figures need stays (region, gender, birth year, kind,
  programs, statuses and dates). Other apps add what they hold with
  ``register_anonymiser(callable)``.
- **Retention** periods per record type (``MUSTAFID_RETENTION``) applied daily by
  ``manage.py apply_retention``.
- **Record of processing activities** (``PROCESSING_ACTIVITIES``), shown in the back-office.
"""

import dataclasses
import datetime
import logging
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import models, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from .models import (
    AccessLog,
    Beneficiary,
    BeneficiaryDocument,
    Consent,
    DataSubjectRequest,
    HouseholdMember,
)

logger = logging.getLogger(__name__)

# --- settings ---------------------------------------------------------------------------

# PDPL: a data-subject request is answered within 30 days; the answer may be put off once.
DSR_ANSWER_DAYS = 30
DSR_EXTENSION_DAYS = 30

# How long each kind of record keeps identifying data. Deployers override any key in
# settings.MUSTAFID_RETENTION; the privacy notice and the ROPA page show these values.
RETENTION_DEFAULTS: dict[str, int] = {
    # A beneficiary whose requests are all finished, counted from the last activity.
    "closed_request_beneficiary_years": 5,
    # A registration that never became a request (abandoned application, indirect
    # beneficiary), counted from the last change.
    "inactive_beneficiary_years": 2,
    # Who opened which file.
    "access_log_years": 2,
    # The text and address of messages sent (the row and its status stay for figures).
    "notification_days": 365,
}

RETENTION_LABELS = {
    "closed_request_beneficiary_years": _(
        "Beneficiaries whose requests are all finished: identifying data is anonymised after"
    ),
    "inactive_beneficiary_years": _(
        "Registrations that never became a request (abandoned applications, indirect "
        "beneficiaries): anonymised after"
    ),
    "access_log_years": _("Access log entries (who opened which file): deleted after"),
    "notification_days": _("Text and address of messages sent: erased after (the count remains)"),
}


def answer_days() -> int:
    return int(getattr(settings, "MUSTAFID_DSR_ANSWER_DAYS", DSR_ANSWER_DAYS))


def extension_days() -> int:
    return int(getattr(settings, "MUSTAFID_DSR_EXTENSION_DAYS", DSR_EXTENSION_DAYS))


def retention_settings() -> dict[str, int]:
    """The retention periods in force: the defaults with the deployment's overrides."""
    configured = getattr(settings, "MUSTAFID_RETENTION", None) or {}
    unknown = set(configured) - set(RETENTION_DEFAULTS)
    if unknown:
        raise ValueError(f"Unknown MUSTAFID_RETENTION keys: {sorted(unknown)}")
    merged = {**RETENTION_DEFAULTS, **configured}
    for key, value in merged.items():
        if int(value) < 1:
            raise ValueError(f"MUSTAFID_RETENTION[{key!r}] must be at least 1.")
    return {key: int(value) for key, value in merged.items()}


def retention_period_text(key: str, value: int) -> str:
    if key.endswith("_days"):
        return ngettext("%(count)d day", "%(count)d days", value) % {"count": value}
    return ngettext("%(count)d year", "%(count)d years", value) % {"count": value}


def retention_periods() -> list[dict[str, str]]:
    """For the privacy notice and the ROPA page: what is kept how long, in words."""
    return [
        {"key": key, "label": str(RETENTION_LABELS[key]), "period": retention_period_text(key, v)}
        for key, v in retention_settings().items()
    ]


def _years_ago(now: datetime.datetime, years: int) -> datetime.datetime:
    return now - datetime.timedelta(days=round(365.25 * years))


# --- the export registry ----------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class SubjectDataSection:
    name: str
    label: Any
    rows: Callable[[Beneficiary], list[dict] | dict]
    labels: dict[str, Any]


_SECTIONS: dict[str, SubjectDataSection] = {}


def register_subject_data_section(
    name: str,
    rows: Callable[[Beneficiary], list[dict] | dict],
    *,
    label: Any = None,
    labels: dict[str, Any] | None = None,
) -> None:
    """Add a section to the beneficiary's data export. ``rows(beneficiary)`` returns a
    list of dicts (one per record) or one dict; keys are the JSON keys, ``labels`` maps
    them to the readable column headings of the HTML export. Registering a name again
    replaces the section (safe across reloads)."""
    _SECTIONS[name] = SubjectDataSection(name, label or name, rows, dict(labels or {}))


def subject_data_sections() -> list[SubjectDataSection]:
    return list(_SECTIONS.values())


def _value(obj: models.Model, name: str):
    field = obj._meta.get_field(name)
    if field.choices:
        return getattr(obj, f"get_{name}_display")() if getattr(obj, name) not in ("", None) else ""
    if field.is_relation:
        related = getattr(obj, name)
        return str(related) if related is not None else ""
    return getattr(obj, name)


def model_rows(objects, fields: list[str]) -> list[dict]:
    """Rows of field values (choices as their labels, relations as text)."""
    return [{name: _value(obj, name) for name in fields} for obj in objects]


def field_labels(model, fields: list[str]) -> dict[str, Any]:
    return {name: model._meta.get_field(name).verbose_name for name in fields}


_BENEFICIARY_FIELDS = [
    "file_number",
    "kind",
    "status",
    "name_ar",
    "name_en",
    "id_type",
    "id_number",
    "nationality",
    "gender",
    "birth_date",
    "mobile",
    "email",
    "region",
    "city",
    "short_address",
    "marital_status",
    "household_size",
    "employment",
    "monthly_income",
    "iban",
    "has_disability",
    "health_notes",
    "case_notes",
    "preferred_channel",
    "preferred_language",
    "reached_via",
    "reached_content",
    "created_at",
]
_HOUSEHOLD_FIELDS = [
    "name",
    "relation",
    "id_type",
    "id_number",
    "birth_date",
    "gender",
    "monthly_income",
    "has_disability",
    "disability_notes",
]
_DOCUMENT_FIELDS = [
    "document_type",
    "number",
    "issue_date",
    "expiry_date",
    "original_name",
    "status",
    "verified_at",
    "verification_note",
    "uploaded_at",
]
_CONSENT_FIELDS = [
    "purpose",
    "text_version",
    "text",
    "channel",
    "given_at",
    "withdrawn_at",
    "withdrawal_note",
]
_ACCESS_FIELDS = ["at", "action", "user", "detail"]
_DSR_FIELDS = ["kind", "status", "details", "received_at", "due_at", "closed_at", "outcome"]


def _register_builtin_sections() -> None:
    register_subject_data_section(
        "beneficiary",
        lambda b: model_rows([b], _BENEFICIARY_FIELDS)[0],
        label=_("Beneficiary record"),
        labels=field_labels(Beneficiary, _BENEFICIARY_FIELDS),
    )
    register_subject_data_section(
        "household",
        lambda b: model_rows(b.household.order_by("id"), _HOUSEHOLD_FIELDS),
        label=_("Household"),
        labels=field_labels(HouseholdMember, _HOUSEHOLD_FIELDS),
    )
    register_subject_data_section(
        "documents",
        lambda b: model_rows(b.documents.order_by("uploaded_at", "id"), _DOCUMENT_FIELDS),
        label=_("Documents"),
        labels=field_labels(BeneficiaryDocument, _DOCUMENT_FIELDS),
    )
    register_subject_data_section(
        "consents",
        lambda b: model_rows(
            b.consents.select_related("channel").order_by("given_at", "id"), _CONSENT_FIELDS
        ),
        label=_("Consents"),
        labels=field_labels(Consent, _CONSENT_FIELDS),
    )
    register_subject_data_section(
        "support_requests",
        _support_request_rows,
        label=_("Support requests"),
        labels={
            "reference": _("reference"),
            "program": _("program"),
            "status": _("status"),
            "need": _("the need, in the applicant's words"),
            "submitted_at": _("submitted"),
            "decided_at": _("decided"),
            "closed_at": _("closed"),
        },
    )
    register_subject_data_section(
        "request_status_history",
        _status_history_rows,
        label=_("Status history of the requests"),
        labels={
            "reference": _("reference"),
            "from_status": _("from"),
            "to_status": _("to"),
            "note": _("note"),
            "at": _("when"),
        },
    )
    register_subject_data_section(
        "notifications",
        _notification_rows,
        label=_("Messages sent"),
        labels={
            "created_at": _("created"),
            "event": _("event"),
            "transport": _("sent by"),
            "to": _("to"),
            "status": _("status"),
            "subject": _("subject"),
            "body": _("text"),
        },
    )
    register_subject_data_section(
        "access_log",
        lambda b: model_rows(
            b.access_logs.select_related("user").order_by("at", "id"), _ACCESS_FIELDS
        ),
        label=_("Access log"),
        labels=field_labels(AccessLog, _ACCESS_FIELDS),
    )
    register_subject_data_section(
        "data_subject_requests",
        lambda b: model_rows(b.data_subject_requests.order_by("received_at", "id"), _DSR_FIELDS),
        label=_("Data-subject requests"),
        labels=field_labels(DataSubjectRequest, _DSR_FIELDS),
    )


def _support_request_rows(beneficiary: Beneficiary) -> list[dict]:
    from requests_app.models import SupportRequest

    return [
        {
            "reference": r.display_reference,
            "program": r.program.name,
            "status": r.get_status_display(),
            "need": r.need,
            "submitted_at": r.submitted_at,
            "decided_at": r.decided_at,
            "closed_at": r.closed_at,
        }
        for r in SupportRequest.objects.filter(beneficiary=beneficiary)
        .select_related("program")
        .order_by("submitted_at", "id")
    ]


def _status_history_rows(beneficiary: Beneficiary) -> list[dict]:
    from requests_app.models import StatusChange

    return [
        {
            "reference": change.support_request.display_reference,
            "from_status": change.get_from_status_display(),
            "to_status": change.get_to_status_display(),
            "note": change.note,
            "at": change.created_at,
        }
        for change in StatusChange.objects.filter(support_request__beneficiary=beneficiary)
        .select_related("support_request")
        .order_by("created_at", "id")
    ]


def _request_notifications(beneficiary: Beneficiary):
    from django.contrib.contenttypes.models import ContentType

    from channels_app.models import Notification
    from requests_app.models import SupportRequest

    return Notification.objects.filter(
        related_type=ContentType.objects.get_for_model(SupportRequest),
        related_id__in=SupportRequest.objects.filter(beneficiary=beneficiary).values("pk"),
    )


def _notification_rows(beneficiary: Beneficiary) -> list[dict]:
    return [
        {
            "created_at": n.created_at,
            "event": n.get_event_display(),
            "transport": n.get_transport_display(),
            "to": n.to,
            "status": n.get_status_display(),
            "subject": n.subject,
            "body": n.body,
        }
        for n in _request_notifications(beneficiary).order_by("created_at", "id")
    ]


_register_builtin_sections()


def subject_data_export(beneficiary: Beneficiary) -> list[dict]:
    """Everything held about ``beneficiary``, section by section: [{name, label, labels,
    rows}] where ``rows`` is a list of dicts (or one dict for a single record)."""
    export = []
    for section in subject_data_sections():
        export.append(
            {
                "name": section.name,
                "label": section.label,
                "labels": section.labels,
                "rows": section.rows(beneficiary),
            }
        )
    return export


def subject_data_json(beneficiary: Beneficiary) -> dict:
    """The export as a JSON-ready mapping: section name → rows."""
    return {
        "generated_at": timezone.now(),
        "file_number": beneficiary.file_number,
        "sections": {item["name"]: item["rows"] for item in subject_data_export(beneficiary)},
    }


# --- data-subject requests --------------------------------------------------------------


def _user(actor):
    return actor if getattr(actor, "pk", None) else None


@transaction.atomic
def data_subject_request_open(
    *,
    beneficiary: Beneficiary,
    kind: str,
    details: str = "",
    channel=None,
    received_at: datetime.datetime | None = None,
    actor=None,
    dsr: DataSubjectRequest | None = None,
) -> DataSubjectRequest:
    """Record a request from a beneficiary; the answer is due 30 days after receipt."""
    dsr = dsr or DataSubjectRequest()
    dsr.beneficiary = beneficiary
    dsr.kind = kind
    dsr.details = details.strip()
    dsr.channel = channel
    dsr.received_at = received_at or dsr.received_at or timezone.now()
    if dsr.received_at > timezone.now():
        raise ValidationError(
            {"received_at": _("The date received cannot be in the future.")}, code="future"
        )
    dsr.due_at = dsr.received_at + datetime.timedelta(days=answer_days())
    dsr.status = DataSubjectRequest.Status.OPEN
    dsr.created_by = _user(actor)
    dsr._history_user = _user(actor)
    dsr.full_clean()
    dsr.save()
    return dsr


def _lock_open(dsr: DataSubjectRequest) -> DataSubjectRequest:
    locked = DataSubjectRequest.objects.select_for_update().get(pk=dsr.pk)
    if not locked.is_open:
        raise ValidationError(
            _("This request was already answered (%(status)s).")
            % {"status": locked.get_status_display()},
            code="closed",
        )
    return locked


@transaction.atomic
def data_subject_request_extend(
    *, dsr: DataSubjectRequest, reason: str, actor
) -> DataSubjectRequest:
    """Put the answer off once, by 30 more days, saying why (PDPL)."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(
            {"extension_reason": _("Say why the answer needs more time.")}, code="reason_required"
        )
    locked = _lock_open(dsr)
    if locked.was_extended:
        raise ValidationError(
            _("The answer was already extended once; it cannot be extended again."),
            code="already_extended",
        )
    locked.extended_at = timezone.now()
    locked.extension_reason = reason
    locked.due_at = locked.due_at + datetime.timedelta(days=extension_days())
    locked._history_user = _user(actor)
    locked._change_reason = "extended"
    locked.save()
    return locked


@transaction.atomic
def data_subject_request_verify_identity(
    *, dsr: DataSubjectRequest, method: str, actor, note: str = ""
) -> DataSubjectRequest:
    """Record who verified the person's identity, how and when."""
    if method not in DataSubjectRequest.VerificationMethod.values:
        raise ValidationError(
            {"verification_method": _("Choose how the identity was verified.")}, code="method"
        )
    note = (note or "").strip()
    if method == DataSubjectRequest.VerificationMethod.OTHER and not note:
        raise ValidationError(
            {"verification_note": _("Describe how the identity was verified.")},
            code="note_required",
        )
    if not _user(actor):
        raise ValidationError(_("Only a staff member can verify an identity."), code="actor")
    locked = _lock_open(dsr)
    locked.verified_at = timezone.now()
    locked.verified_by = actor
    locked.verification_method = method
    locked.verification_note = note[:300]
    locked._history_user = actor
    locked._change_reason = "identity verified"
    locked.save()
    return locked


@transaction.atomic
def data_subject_request_complete(
    *, dsr: DataSubjectRequest, actor, outcome: str = ""
) -> DataSubjectRequest:
    """Answer the request. The identity must have been verified first. A deletion
    request anonymises the beneficiary (refused while a request of theirs is open:
    ``beneficiary_anonymise`` raises and nothing changes)."""
    locked = _lock_open(dsr)
    if not locked.is_verified:
        raise ValidationError(
            _("Verify the person's identity before answering the request."),
            code="not_verified",
        )
    outcome = (outcome or "").strip()
    if locked.kind == DataSubjectRequest.Kind.CORRECTION and not outcome:
        raise ValidationError({"outcome": _("Say what was corrected.")}, code="outcome_required")
    if locked.kind == DataSubjectRequest.Kind.DELETION:
        if not (actor and actor.has_perm("beneficiaries.anonymise_beneficiary")):
            raise ValidationError(
                _("Only a manager may answer a deletion request (it anonymises the record)."),
                code="permission",
            )
        beneficiary_anonymise(beneficiary=locked.beneficiary, actor=actor)
        locked.refresh_from_db()
        outcome = outcome or gettext("The beneficiary's personal data was anonymised.")
    locked.status = DataSubjectRequest.Status.COMPLETED
    locked.closed_at = timezone.now()
    locked.closed_by = _user(actor)
    locked.outcome = outcome
    locked._history_user = _user(actor)
    locked._change_reason = "completed"
    locked.save()
    return locked


@transaction.atomic
def data_subject_request_refuse(
    *, dsr: DataSubjectRequest, reason: str, actor
) -> DataSubjectRequest:
    """Refuse the request with the reason the person will be told (identity not proven,
    the law or an open case requires keeping the record…)."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"outcome": _("Say why the request is refused.")}, code="reason")
    locked = _lock_open(dsr)
    locked.status = DataSubjectRequest.Status.REFUSED
    locked.closed_at = timezone.now()
    locked.closed_by = _user(actor)
    locked.outcome = reason
    locked._history_user = _user(actor)
    locked._change_reason = "refused"
    locked.save()
    return locked


# --- anonymisation ----------------------------------------------------------------------

ANONYMISED_NAME = "مستفيد مجهّل"

_anonymisers: dict[str, Callable[[Beneficiary], None]] = {}


def register_anonymiser(name: str, func: Callable[[Beneficiary], None]) -> None:
    """Another app's part of anonymising a beneficiary: ``func(beneficiary)`` erases the
    identifying values (and free text) that app holds about them, history included,
    keeping what the figures need. Runs inside the anonymisation's transaction."""
    _anonymisers[name] = func


def open_support_requests(beneficiary: Beneficiary):
    from requests_app.models import SupportRequest
    from requests_app.workflow import OPEN_STATUSES

    return SupportRequest.objects.filter(beneficiary=beneficiary, status__in=OPEN_STATUSES)


def _beneficiary_scrub(beneficiary: Beneficiary) -> dict[str, Any]:
    birth = beneficiary.birth_date
    return {
        "name_ar": ANONYMISED_NAME,
        "name_en": "",
        "id_type": "",
        "id_number": "",
        "nationality": "",
        # The year stays for age figures; the day and month go.
        "birth_date": datetime.date(birth.year, 1, 1) if birth else None,
        "mobile": "",
        "email": "",
        "city": "",
        "short_address": "",
        "marital_status": "",
        "household_size": None,
        "employment": "",
        "monthly_income": None,
        "iban": "",
        "has_disability": False,
        "health_notes": "",
        "case_notes": "",
        "reached_content": "",
    }


def _history_model(model):
    return model.history.model


def _scrub_history(model, lookup: dict, values: dict) -> int:
    historical = _history_model(model)
    names = {f.name for f in historical._meta.concrete_fields}
    return historical.objects.filter(**lookup).update(
        **{key: value for key, value in values.items() if key in names}
    )


@transaction.atomic
def beneficiary_anonymise(*, beneficiary: Beneficiary, actor=None) -> Beneficiary:
    """Erase what identifies a beneficiary and keep the non-identifying figures.

    Refused (ValidationError, nothing changed) while one of their support requests is
    open: the case needs the record. Names, identity, contact, address, free text and
    household details go, from the record and from its history; document files are
    deleted from storage. Region, gender, birth year, kind, and the requests with their
    programs, statuses and dates stay; status becomes "anonymised"."""
    beneficiary = Beneficiary.objects.select_for_update().get(pk=beneficiary.pk)
    open_requests = list(open_support_requests(beneficiary).values_list("reference", flat=True))
    if open_requests:
        from requests_app import reference as references

        raise ValidationError(
            _(
                "This beneficiary has an open support request (%(references)s): the record "
                "must be kept until it is closed. Refuse the deletion with this reason, or "
                "answer it after the request is closed."
            )
            % {"references": ", ".join(references.display(r) for r in open_requests)},
            code="open_case",
        )
    # Records merged into this one still hold the person's old values.
    for duplicate in beneficiary.merged_records.exclude(status=Beneficiary.Status.ANONYMISED):
        beneficiary_anonymise(beneficiary=duplicate, actor=actor)

    scrub = _beneficiary_scrub(beneficiary)
    for name, value in scrub.items():
        setattr(beneficiary, name, value)
    beneficiary.name_normalized = ""
    beneficiary.status = Beneficiary.Status.ANONYMISED
    beneficiary._history_user = _user(actor)
    beneficiary._change_reason = "anonymised"
    beneficiary.save()
    _scrub_history(Beneficiary, {"id": beneficiary.pk}, scrub)

    # The household: who they are is the identifying part; only the size stayed, and
    # it went above. Deleting writes history rows with the values: remove those too.
    for member in beneficiary.household.all():
        member.delete()
    _history_model(HouseholdMember).objects.filter(beneficiary_id=beneficiary.pk).delete()

    # Documents: the files go; the rows keep type, validity dates and verification.
    document_scrub = {"number": "", "original_name": "", "file": "", "verification_note": ""}
    paths = set(beneficiary.documents.exclude(file="").values_list("file", flat=True)) | set(
        _history_model(BeneficiaryDocument)
        .objects.filter(beneficiary_id=beneficiary.pk)
        .exclude(file="")
        .values_list("file", flat=True)
    )
    beneficiary.documents.update(**document_scrub)
    _scrub_history(BeneficiaryDocument, {"beneficiary_id": beneficiary.pk}, document_scrub)
    transaction.on_commit(lambda: _delete_files(paths))

    # Consents stay as proof of what was agreed; an anonymised person is contacted no more.
    now = timezone.now()
    beneficiary.consents.filter(withdrawn_at__isnull=True).update(withdrawn_at=now)
    beneficiary.consents.update(withdrawal_note="")
    _scrub_history(Consent, {"beneficiary_id": beneficiary.pk}, {"withdrawal_note": ""})

    dsr_scrub = {"details": "", "verification_note": ""}
    beneficiary.data_subject_requests.update(**dsr_scrub)
    _scrub_history(DataSubjectRequest, {"beneficiary_id": beneficiary.pk}, dsr_scrub)

    for func in _anonymisers.values():
        func(beneficiary)
    return beneficiary


def _delete_files(paths: set[str]) -> None:
    for path in paths:
        try:
            default_storage.delete(path)
        except OSError:  # pragma: no cover - logged, the data rows are already clean
            logger.exception("Could not delete document file %s", path)


def _anonymise_requests(beneficiary: Beneficiary) -> None:
    """requests_app's part: free text and the signature go; programs, statuses, amounts
    and dates stay."""
    from requests_app.models import (
        DocumentCheck,
        Referral,
        ResearchReport,
        StatusChange,
        SupportRequest,
    )

    request_scrub = {"need": "", "declaration_name": "", "declaration_ip": None}
    SupportRequest.objects.filter(beneficiary=beneficiary).update(**request_scrub)
    _scrub_history(SupportRequest, {"beneficiary_id": beneficiary.pk}, request_scrub)
    of_beneficiary = {"support_request__beneficiary": beneficiary}
    StatusChange.objects.filter(**of_beneficiary).update(note="")
    DocumentCheck.objects.filter(**of_beneficiary).update(note="")
    report_scrub = {"findings": "", "recommendation": ""}
    ResearchReport.objects.filter(**of_beneficiary).update(**report_scrub)
    referral_scrub = {"reason": "", "outcome": ""}
    Referral.objects.filter(**of_beneficiary).update(**referral_scrub)
    request_ids = list(
        SupportRequest.objects.filter(beneficiary=beneficiary).values_list("pk", flat=True)
    )
    _scrub_history(ResearchReport, {"support_request_id__in": request_ids}, report_scrub)
    _scrub_history(Referral, {"support_request_id__in": request_ids}, referral_scrub)
    _request_notifications(beneficiary).update(**NOTIFICATION_SCRUB)


NOTIFICATION_SCRUB = {
    "recipient_name": "",
    "to": "",
    "subject": "",
    "body": "",
    "context": {},
    "error": "",
}

register_anonymiser("requests_app", _anonymise_requests)


# --- retention --------------------------------------------------------------------------


@dataclasses.dataclass
class RetentionPlan:
    """What ``apply_retention`` would do now."""

    beneficiaries_closed: list[Beneficiary]
    beneficiaries_inactive: list[Beneficiary]
    # All that have expired; the lists above hold at most ``limit`` of them.
    closed_count: int
    inactive_count: int
    access_log_count: int
    notification_count: int
    cutoffs: dict[str, datetime.datetime]

    @property
    def beneficiaries(self) -> list[Beneficiary]:
        return self.beneficiaries_closed + self.beneficiaries_inactive

    @property
    def is_empty(self) -> bool:
        return not (
            self.closed_count
            or self.inactive_count
            or self.access_log_count
            or self.notification_count
        )


def _retainable_beneficiaries():
    """Not yet anonymised, not a merged duplicate (it follows its record), and with no
    data-subject request still open."""
    return Beneficiary.objects.filter(merged_into__isnull=True).exclude(
        Q(status=Beneficiary.Status.ANONYMISED)
        | Q(
            Exists(
                DataSubjectRequest.objects.filter(
                    beneficiary=OuterRef("pk"), status=DataSubjectRequest.Status.OPEN
                )
            )
        )
    )


def retention_plan(
    *, now: datetime.datetime | None = None, limit: int | None = None
) -> RetentionPlan:
    """What has expired now; at most ``limit`` beneficiaries of each kind are listed
    (a first run on an old database does the rest over the following days)."""
    from channels_app.models import Notification
    from requests_app.models import SupportRequest
    from requests_app.workflow import OPEN_STATUSES

    now = now or timezone.now()
    periods = retention_settings()
    cutoffs = {
        "closed_request_beneficiary_years": _years_ago(
            now, periods["closed_request_beneficiary_years"]
        ),
        "inactive_beneficiary_years": _years_ago(now, periods["inactive_beneficiary_years"]),
        "access_log_years": _years_ago(now, periods["access_log_years"]),
        "notification_days": now - datetime.timedelta(days=periods["notification_days"]),
    }
    closed_cutoff = cutoffs["closed_request_beneficiary_years"]
    requests = SupportRequest.objects.filter(beneficiary=OuterRef("pk"))
    recent = requests.filter(
        Q(status__in=OPEN_STATUSES)
        | Q(submitted_at__gte=closed_cutoff)
        | Q(closed_at__gte=closed_cutoff)
        | Q(updated_at__gte=closed_cutoff)
    )
    closed = (
        _retainable_beneficiaries()
        .filter(Exists(requests), updated_at__lt=closed_cutoff)
        .exclude(Exists(recent))
        .order_by("id")
    )
    inactive_cutoff = cutoffs["inactive_beneficiary_years"]
    inactive = (
        _retainable_beneficiaries()
        .filter(created_at__lt=inactive_cutoff, updated_at__lt=inactive_cutoff)
        .exclude(Exists(requests))
        .order_by("id")
    )
    return RetentionPlan(
        beneficiaries_closed=list(closed[:limit]),
        beneficiaries_inactive=list(inactive[:limit]),
        closed_count=closed.count(),
        inactive_count=inactive.count(),
        access_log_count=AccessLog.objects.filter(at__lt=cutoffs["access_log_years"]).count(),
        notification_count=_expired_notifications(Notification, cutoffs).count(),
        cutoffs=cutoffs,
    )


def _expired_notifications(notification_model, cutoffs):
    status = notification_model.Status
    return notification_model.objects.filter(created_at__lt=cutoffs["notification_days"]).exclude(
        Q(status__in=[status.QUEUED, status.SENDING])
        | Q(recipient_name="", to="", subject="", body="")
    )


@dataclasses.dataclass
class RetentionResult:
    anonymised: list[str]
    skipped: list[tuple[str, str]]
    access_log_deleted: int
    notifications_erased: int


def retention_apply(
    *, now: datetime.datetime | None = None, actor=None, limit: int | None = None
) -> RetentionResult:
    """Anonymise and delete what has outlived its retention period. Each beneficiary is
    its own transaction: one that cannot be anonymised (a request opened meanwhile) is
    skipped and reported, the rest go on."""
    from channels_app.models import Notification

    plan = retention_plan(now=now, limit=limit)
    anonymised, skipped = [], []
    for beneficiary in plan.beneficiaries:
        try:
            beneficiary_anonymise(beneficiary=beneficiary, actor=actor)
        except ValidationError as exc:
            skipped.append((beneficiary.file_number or str(beneficiary.pk), " ".join(exc.messages)))
        else:
            anonymised.append(beneficiary.file_number or str(beneficiary.pk))
    with transaction.atomic():
        deleted, _detail = AccessLog.objects.filter(
            at__lt=plan.cutoffs["access_log_years"]
        ).delete()
        erased = _expired_notifications(Notification, plan.cutoffs).update(**NOTIFICATION_SCRUB)
    return RetentionResult(anonymised, skipped, deleted, erased)


# --- record of processing activities ----------------------------------------------------

# Each value is {"ar": …, "en": …}; lists are lists in both. "retention" names keys of
# MUSTAFID_RETENTION, so the page always shows the periods in force. A deployment may
# replace the whole structure with settings.MUSTAFID_PROCESSING_ACTIVITIES.
PROCESSING_ACTIVITIES: list[dict[str, Any]] = [
    {
        "name": {
            "ar": "تسجيل المستفيدين ودراسة طلبات الدعم",
            "en": "Registering beneficiaries and handling support requests",
        },
        "purposes": {
            "ar": [
                "التحقق من أهلية المستفيد للبرامج وفق سياسة كل برنامج",
                "دراسة الطلب في لجنة البحث وإبلاغ القرار",
                "تقديم الخدمة وتوثيقها",
            ],
            "en": [
                "Checking the beneficiary's eligibility under each program's policy",
                "Study of the request by the research committee and telling the decision",
                "Delivering the service and recording it",
            ],
        },
        "legal_basis": {
            "ar": "موافقة صاحب البيانات، وتنفيذ طلبه، ومصلحة مشروعة للجمعية (نظام حماية البيانات الشخصية)",
            "en": "The data subject's consent, acting on their request, and the association's "
            "legitimate interest (Personal Data Protection Law)",
        },
        "data_subjects": {
            "ar": ["المستفيدون المباشرون", "أفراد أسرهم", "المتقدمون بطلبات"],
            "en": ["Direct beneficiaries", "Their household members", "Applicants"],
        },
        "data_categories": {
            "ar": [
                "الاسم والهوية الوطنية أو الإقامة وتاريخ الميلاد",
                "بيانات التواصل والعنوان الوطني",
                "الحالة الاجتماعية والأسرة والعمل والدخل والآيبان",
                "الصحة والإعاقة (بيانات حساسة)",
                "الوثائق المرفقة وتقارير البحث الاجتماعي",
            ],
            "en": [
                "Name, national ID or iqama, birth date",
                "Contact details and national short address",
                "Marital status, household, work, income and IBAN",
                "Health and disability (sensitive data)",
                "Uploaded documents and social-research reports",
            ],
        },
        "recipients": {
            "ar": [
                "موظفو علاقات المستفيدين والباحثون الاجتماعيون ولجنة البحث داخل الجمعية",
                "جمعية أخرى عند الإحالة، بعلم المستفيد",
            ],
            "en": [
                "Relations officers, social researchers and the research committee in the "
                "association",
                "Another association when the request is referred, with the beneficiary told",
            ],
        },
        "retention": ["closed_request_beneficiary_years", "inactive_beneficiary_years"],
        "safeguards": {
            "ar": [
                "صلاحيات حسب الدور، والبيانات الحساسة تحتاج صلاحية صريحة",
                "سجل لكل فتح لملف المستفيد",
                "الوثائق مخزنة خارج المسارات العامة وتُنزَّل عبر صلاحية فقط",
                "النسخ الاحتياطي، وإخفاء الهوية عند انتهاء مدة الاحتفاظ",
            ],
            "en": [
                "Role-based permissions; sensitive data needs an explicit permission",
                "Every opening of a beneficiary's file is logged",
                "Documents stored outside public paths, downloaded only with permission",
                "Backups; anonymisation when the retention period ends",
            ],
        },
    },
    {
        "name": {
            "ar": "إبلاغ المتقدمين بحالة طلباتهم",
            "en": "Telling applicants about their requests",
        },
        "purposes": {
            "ar": ["إرسال رسائل نصية وبريد إلكتروني عن حالة الطلب والاستبيانات"],
            "en": ["Sending SMS and e-mail about the request's status and surveys"],
        },
        "legal_basis": {
            "ar": "موافقة صاحب البيانات على التواصل، ويمكنه سحبها في أي وقت",
            "en": "The data subject's consent to be contacted, which they may withdraw at any time",
        },
        "data_subjects": {"ar": ["المتقدمون والمستفيدون"], "en": ["Applicants and beneficiaries"]},
        "data_categories": {
            "ar": ["الاسم ورقم الجوال والبريد الإلكتروني", "رقم الطلب وحالته"],
            "en": ["Name, mobile number and e-mail", "Request reference and status"],
        },
        "recipients": {
            "ar": ["مزود خدمة الرسائل النصية", "مزود البريد الإلكتروني"],
            "en": ["The SMS gateway provider", "The e-mail provider"],
        },
        "retention": ["notification_days"],
        "safeguards": {
            "ar": ["لا رسائل لمن سحب موافقته", "اتصال مشفر بمزودي الخدمة"],
            "en": [
                "No messages to anyone who withdrew consent",
                "Encrypted connection to providers",
            ],
        },
    },
    {
        "name": {
            "ar": "حماية السجلات ومراقبة الوصول",
            "en": "Protecting the records and monitoring access",
        },
        "purposes": {
            "ar": ["معرفة من اطلع على ملف أي مستفيد ومتى"],
            "en": ["Knowing who opened which beneficiary's file, and when"],
        },
        "legal_basis": {
            "ar": "التزام نظامي بحماية البيانات الشخصية",
            "en": "The legal duty to protect personal data",
        },
        "data_subjects": {
            "ar": ["موظفو الجمعية", "المستفيدون"],
            "en": ["The association's staff", "Beneficiaries"],
        },
        "data_categories": {
            "ar": ["اسم المستخدم وعنوان IP والمتصفح ووقت الاطلاع"],
            "en": ["Username, IP address, browser and time of access"],
        },
        "recipients": {
            "ar": ["مدير الجمعية والمراجع الداخلي"],
            "en": ["The association's manager and internal auditor"],
        },
        "retention": ["access_log_years"],
        "safeguards": {
            "ar": ["السجل للقراءة فقط ولا يُعدَّل"],
            "en": ["The log is read-only and cannot be edited"],
        },
    },
]

ROPA_FIELDS = [
    ("purposes", _("Purposes")),
    ("legal_basis", _("Legal basis")),
    ("data_subjects", _("Data subjects")),
    ("data_categories", _("Data categories")),
    ("recipients", _("Recipients")),
    ("retention", _("Retention")),
    ("safeguards", _("Safeguards")),
]


def processing_record(language: str) -> list[dict[str, Any]]:
    """The record of processing activities in ``language`` ("ar" or "en"), each field
    a list of lines; retention comes from the periods in force. Call it with the
    language active so the retention lines are translated too."""
    language = "en" if language == "en" else "ar"
    activities = getattr(settings, "MUSTAFID_PROCESSING_ACTIVITIES", None) or PROCESSING_ACTIVITIES
    periods = retention_settings()
    record = []
    for activity in activities:
        entry = {"name": activity["name"][language], "fields": []}
        for key, label in ROPA_FIELDS:
            if key == "retention":
                lines = [
                    f"{RETENTION_LABELS[name]} {retention_period_text(name, periods[name])}"
                    for name in activity.get("retention", [])
                ]
            else:
                value = activity.get(key, {}).get(language, [])
                lines = [value] if isinstance(value, str) else list(value)
            entry["fields"].append({"key": key, "label": label, "lines": lines})
        record.append(entry)
    return record
