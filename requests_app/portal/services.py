"""Writes of the public portal: an application held server-side while it is filled in,
its submission through the same service as staff intake, and the applicant's own moves
on the tracking page (missing documents, withdrawal)."""

import datetime
import logging
import secrets
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from beneficiaries.models import Beneficiary, BeneficiaryDocument, Consent
from beneficiaries.services import (
    _display_name,
    beneficiary_create_in_transaction,
    consents_record_in_transaction,
    document_add,
    document_add_in_transaction,
    document_file_check,
)
from policies.models import PolicyDocument
from policies.rendering import render_markdown
from policies.selectors import version_in_force, versions_in_force
from policies.standard_texts import STANDARD_DOCUMENTS

from ..models import (
    ApplicantUpdate,
    PendingApplication,
    PendingDocument,
    Program,
    SupportRequest,
)
from ..services import (
    Declaration,
    support_request_answer_info,
    support_request_submit,
    support_request_withdraw,
)

logger = logging.getLogger(__name__)

# Fields of the record a returning applicant may type differently (ApplicantUpdate).
COMPARED_FIELDS = (
    "name_ar",
    "name_en",
    "gender",
    "birth_date",
    "mobile",
    "email",
    "region",
    "city",
    "marital_status",
    "household_size",
    "employment",
    "monthly_income",
)


# -- the texts the applicant accepts -----------------------------------------------------


@dataclass(frozen=True)
class PolicyText:
    """A text shown to the applicant, and the version label stored with their consent."""

    kind: str
    title: str
    html: str
    version_label: str
    version: object | None  # the PolicyVersion in force, None for the unapproved standard text


def policy_text(kind: str) -> PolicyText:
    """The version in force of ``kind``; before the board approves one, the standard text
    (recorded as such, so the consent says exactly what was shown)."""
    return _policy_text(kind, version_in_force(kind))


def policy_texts(*kinds: str) -> dict[str, PolicyText]:
    """``policy_text`` for several kinds, looked up in one query."""
    return {kind: _policy_text(kind, version) for kind, version in versions_in_force(kinds).items()}


def _policy_text(kind: str, version) -> PolicyText:
    if version is not None:
        return PolicyText(
            kind=kind,
            title=version.document.title,
            html=version.body_html,
            version_label=f"{version.document.slug} v{version.number}",
            version=version,
        )
    english = (get_language() or "ar").startswith("en")
    for slug, doc_kind, _pos, title_ar, title_en, body_ar, body_en in STANDARD_DOCUMENTS:
        if doc_kind == kind:
            return PolicyText(
                kind=kind,
                title=title_en if english else title_ar,
                html=render_markdown(body_en if english else body_ar),
                version_label=f"{slug} standard",
                version=None,
            )
    raise ValueError(kind)  # pragma: no cover - every kind used here has a standard text


def open_programs() -> list[Program]:
    return [p for p in Program.objects.filter(is_open=True) if p.accepts_applications()]


# -- the application in progress ---------------------------------------------------------


def _expiry() -> datetime.datetime:
    days = int(getattr(settings, "MUSTAFID_PENDING_APPLICATION_DAYS", 7))
    return timezone.now() + datetime.timedelta(days=days)


def pending_application_start(*, program: Program, privacy_label: str) -> PendingApplication:
    """Open an application for ``program`` after the privacy notice was shown and read."""
    return PendingApplication.objects.create(
        token=secrets.token_urlsafe(32),
        program=program,
        step="identity",
        language=(get_language() or "ar")[:5],
        data={"privacy": privacy_label, "privacy_read_at": timezone.now().isoformat()},
        expires_at=_expiry(),
    )


def _jsonable(value):
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def pending_application_save_step(
    *, application: PendingApplication, step: str, values: dict, next_step: str
) -> PendingApplication:
    """Keep what the applicant typed on one step (normalised) and move the step marker on."""
    data = dict(application.data)
    data[step] = {name: _jsonable(value) for name, value in values.items() if name != "website"}
    application.data = data
    application.step = next_step
    application.expires_at = _expiry()
    application.save(update_fields=["data", "step", "expires_at", "updated_at"])
    return application


def pending_application_change_program(
    *, application: PendingApplication, program: Program, privacy_label: str
) -> PendingApplication:
    application.program = program
    application.data = {
        **application.data,
        "privacy": privacy_label,
        "privacy_read_at": timezone.now().isoformat(),
    }
    application.save(update_fields=["program", "data", "updated_at"])
    return application


@transaction.atomic
def pending_document_hold(
    *,
    application: PendingApplication,
    document_type: str,
    file=None,
    expiry_date: datetime.date | None = None,
) -> PendingDocument | None:
    """Hold an uploaded document for the application (replacing one of the same type), or
    only change the expiry date of the one held. The file is checked by its content."""
    held = PendingDocument.objects.filter(
        application=application, document_type=document_type
    ).first()
    if file is None:
        if held is not None and held.expiry_date != expiry_date:
            held.expiry_date = expiry_date
            held.save(update_fields=["expiry_date"])
        return held
    content_type = document_file_check(file)
    old_file = held.file.name if held else None
    document = held or PendingDocument(application=application, document_type=document_type)
    document.original_name = _display_name(getattr(file, "name", "") or "document")
    document.content_type = content_type
    document.size = file.size
    document.expiry_date = expiry_date
    document.uploaded_at = timezone.now()
    document.file.save(file.name, file, save=False)
    document.save()
    if old_file:
        storage = document.file.storage
        transaction.on_commit(lambda: storage.delete(old_file))
    return document


# -- submission --------------------------------------------------------------------------


def _website_channel():
    from channels_app.models import Channel

    return Channel.objects.filter(code="website").first()


def _typed_values(application: PendingApplication) -> dict:
    identity = application.data.get("identity", {})
    household = application.data.get("household", {})
    return {
        "id_type": identity.get("id_type", ""),
        "id_number": identity.get("id_number", ""),
        "name_ar": identity.get("name_ar", ""),
        "name_en": identity.get("name_en", ""),
        "gender": identity.get("gender", ""),
        "birth_date": datetime.date.fromisoformat(identity["birth_date"])
        if identity.get("birth_date")
        else None,
        "mobile": identity.get("mobile", ""),
        "email": identity.get("email", ""),
        "region": identity.get("region", ""),
        "city": identity.get("city", ""),
        "marital_status": household.get("marital_status", ""),
        "household_size": household.get("household_size"),
        "employment": household.get("employment", ""),
        "monthly_income": Decimal(household["monthly_income"])
        if household.get("monthly_income") not in (None, "")
        else None,
    }


def _returning_beneficiary(id_type: str, id_number: str) -> Beneficiary | None:
    found = (
        Beneficiary.objects.select_for_update()
        .filter(id_type=id_type, id_number=id_number)
        .exclude(status=Beneficiary.Status.ANONYMISED)
        .first()
    )
    while found is not None and found.merged_into_id:
        found = Beneficiary.objects.select_for_update().get(pk=found.merged_into_id)
    return found


def _as_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return f"{value.normalize():f}"
    return str(value).strip()


def _differences(beneficiary: Beneficiary, typed: dict) -> list[tuple[str, str, str]]:
    changes = []
    for field in COMPARED_FIELDS:
        recorded, new = _as_text(getattr(beneficiary, field)), _as_text(typed.get(field))
        if new and new != recorded:
            changes.append((field, recorded, new))
    return changes


class ApplicationIncomplete(Exception):
    """The application lacks a step (an old tab, a tampered form): go back to ``step``."""

    def __init__(self, step: str):
        super().__init__(step)
        self.step = step


def missing_step(application: PendingApplication, documents=None) -> str | None:
    """The first step the application lacks, or None. ``documents``: its held documents,
    when the caller has them already."""
    if application.program_id is None:
        return "start"
    for step in ("identity", "household"):
        if not application.data.get(step):
            return step
    required = set(application.program.required_document_types or [])
    if not required:
        return None
    if documents is not None:
        held = {document.document_type for document in documents}
    else:
        held = set(application.documents.values_list("document_type", flat=True))
    if required - held:
        return "documents"
    return None


def portal_application_submit(
    *, application: PendingApplication, declaration_name: str, ip: str | None = None
) -> SupportRequest:
    """Submit an application: the beneficiary (new, or the registered one with the same
    identity, whose record is left as verified), the request through
    ``support_request_submit``, the documents, and the consents with the versions shown.

    Idempotent: a second submission of the same application returns the same request.
    All or nothing: a refusal (``WorkflowError``/``ValidationError``) stores nothing."""
    # Storage has no rollback: the copies of the held files written into documents' storage
    # are removed again if the submission fails, up to and including its commit (the
    # transaction drops their rows; the files would stay).
    stored: list = []
    try:
        return _submit(
            application=application, declaration_name=declaration_name, ip=ip, stored=stored
        )
    except BaseException:
        _remove_files(stored)
        raise


@transaction.atomic
def _submit(
    *, application: PendingApplication, declaration_name: str, ip: str | None, stored: list
) -> SupportRequest:
    # Lock the row only (PostgreSQL refuses FOR UPDATE across the nullable program join);
    # whether it holds documents comes with it, so most applications (no document) skip
    # reading them.
    application = (
        PendingApplication.objects.select_for_update(of=("self",))
        .select_related("program")
        .annotate(
            holds_documents=Exists(PendingDocument.objects.filter(application=OuterRef("pk")))
        )
        .get(pk=application.pk)
    )
    if application.submitted_request_id:
        return SupportRequest.objects.get(pk=application.submitted_request_id)
    # Everything below runs in this one transaction, which rolls back whole on any error:
    # the services it calls take no savepoint of their own.
    documents = list(application.documents.all()) if application.holds_documents else []
    step = missing_step(application, documents)
    if step:
        raise ApplicationIncomplete(step)
    program = application.program
    typed = _typed_values(application)
    household = application.data["household"]
    channel = _website_channel()
    privacy = application.data.get("privacy", "")
    texts = policy_texts(PolicyDocument.Kind.CONSENT, PolicyDocument.Kind.DECLARATION)
    rules = texts[PolicyDocument.Kind.CONSENT]
    declaration_text = texts[PolicyDocument.Kind.DECLARATION]

    beneficiary = _returning_beneficiary(typed["id_type"], typed["id_number"])
    changes: list[tuple[str, str, str]] = []
    new_beneficiary = beneficiary is None
    if new_beneficiary:
        beneficiary = beneficiary_create_in_transaction(
            kind=Beneficiary.Kind.DIRECT,
            preferred_channel=channel,
            preferred_language=application.language
            if application.language in ("ar", "en")
            else "ar",
            # Just read above: not checked again.
            trusted=["preferred_channel"] if channel is not None else [],
            # _returning_beneficiary found no record with this identity, under lock.
            identity_looked_up=True,
            **{key: value for key, value in typed.items() if value is not None},
        )
    else:
        changes = _differences(beneficiary, typed)

    support_request = support_request_submit(
        beneficiary=beneficiary,
        program=program,
        channel=channel,
        need=household.get("need", ""),
        support_kind=household.get("support_kind") or "cash",
        amount_requested=Decimal(household["amount_requested"])
        if household.get("amount_requested")
        else None,
        declaration=Declaration(
            signed_name=declaration_name,
            accepted_rules=True,
            ip=ip,
            declaration_version=declaration_text.version,
            rules_version=rules.version,
        ),
        actor=None,
        new_beneficiary=new_beneficiary,
        savepoint=False,
    )
    for pending in documents:
        document = BeneficiaryDocument()
        try:
            with pending.file.open("rb") as handle:
                document_add_in_transaction(
                    beneficiary=beneficiary,
                    document_type=pending.document_type,
                    file=File(handle, name=pending.original_name),
                    expiry_date=pending.expiry_date,
                    document=document,
                )
        finally:
            # Noted even when the save itself fails after writing the file.
            if document.file.name and document.file._committed:
                stored.append(document.file)
    consents_record_in_transaction(
        beneficiary=beneficiary,
        consents=[
            (purpose, label[:40], text)
            for purpose, label, text in (
                (Consent.Purpose.DATA_PROCESSING, privacy, ""),
                (Consent.Purpose.PROGRAM_RULES, rules.version_label, str(rules.html)),
                (
                    Consent.Purpose.DECLARATION,
                    declaration_text.version_label,
                    str(declaration_text.html),
                ),
            )
        ],
        channel=channel,
    )
    if changes:
        ApplicantUpdate.objects.bulk_create(
            ApplicantUpdate(
                beneficiary=beneficiary,
                support_request=support_request,
                field=field,
                recorded_value=recorded,
                typed_value=new,
            )
            for field, recorded, new in changes
        )
    _forget_pending(application, support_request, documents)
    return support_request


def _remove_files(files) -> None:
    for stored_file in files:
        try:
            stored_file.storage.delete(stored_file.name)
        except Exception:  # the submission's own error is the one to raise
            logger.warning("could not remove %s after a failed submission", stored_file.name)


def _forget_pending(
    application: PendingApplication, support_request: SupportRequest, documents: list
) -> None:
    """After submission the application keeps only the link to its request (a replayed
    form finds it); the typed data and held files go. ``documents``: the held documents,
    read under the application's lock."""
    names = [document.file.name for document in documents]
    if documents:
        application.documents.all().delete()
    application.submitted_request = support_request
    application.data = {}
    application.step = "done"
    application.save(update_fields=["submitted_request", "data", "step", "updated_at"])
    storage = PendingDocument._meta.get_field("file").storage
    transaction.on_commit(lambda: [storage.delete(name) for name in names])


def pending_application_purge(*, now: datetime.datetime | None = None) -> int:
    """Delete applications past their expiry (abandoned, or submitted long ago), with
    their held files. Returns how many applications went."""
    now = now or timezone.now()
    expired = PendingApplication.objects.filter(expires_at__lt=now)
    storage = PendingDocument._meta.get_field("file").storage
    names = list(
        PendingDocument.objects.filter(application__in=expired).values_list("file", flat=True)
    )
    _total, per_model = expired.delete()
    for name in names:
        try:
            storage.delete(name)
        except OSError:  # pragma: no cover - a file already gone is fine
            logger.warning("could not delete held file %s", name)
    return per_model.get(PendingApplication._meta.label, 0)


# -- the applicant's moves on the tracking page -------------------------------------------


@transaction.atomic
def portal_missing_documents_submit(
    *, support_request: SupportRequest, files: dict, expiry_dates: dict, note: str = ""
) -> None:
    """The applicant sends what was asked for: the documents go on their record and the
    request returns to verification (the clock restarts)."""
    for document_type, upload in files.items():
        document_add(
            beneficiary=support_request.beneficiary,
            document_type=document_type,
            file=upload,
            expiry_date=expiry_dates.get(document_type),
        )
    support_request_answer_info(
        support_request=support_request,
        note=note or _("The applicant sent the missing information."),
    )


def portal_request_withdraw(*, support_request: SupportRequest, reason: str) -> None:
    support_request_withdraw(support_request=support_request, note=reason)


# -- the officer's review of what a returning applicant typed -----------------------------


@transaction.atomic
def applicant_update_review(*, update: ApplicantUpdate, actor, apply: bool) -> ApplicantUpdate:
    """The officer decides on one changed value: apply it to the record (through
    ``beneficiary_update``, so it is validated and leaves history) or dismiss it."""
    from django.core.exceptions import PermissionDenied

    from beneficiaries.models import Beneficiary as BeneficiaryModel
    from beneficiaries.services import beneficiary_update

    if not actor.has_perm("requests_app.change_applicantupdate"):
        raise PermissionDenied(_("Your role may not review changes typed by applicants."))
    if update.field in BeneficiaryModel.SENSITIVE_FIELDS and not actor.has_perm(
        "beneficiaries.view_sensitive_data"
    ):
        raise PermissionDenied(_("This value is sensitive: your role may not review it."))
    update = ApplicantUpdate.objects.select_for_update().get(pk=update.pk)
    if update.status != ApplicantUpdate.Status.PENDING:
        return update
    if apply:
        beneficiary = BeneficiaryModel.objects.select_for_update().get(pk=update.beneficiary_id)
        field = BeneficiaryModel._meta.get_field(update.field)
        beneficiary_update(
            beneficiary=beneficiary,
            actor=actor,
            **{update.field: field.to_python(update.typed_value)},
        )
    update.status = ApplicantUpdate.Status.APPLIED if apply else ApplicantUpdate.Status.DISMISSED
    update.reviewed_by = actor
    update.reviewed_at = timezone.now()
    update.save(update_fields=["status", "reviewed_by", "reviewed_at"])
    return update


@transaction.atomic
def portal_stop_messages(*, beneficiary) -> None:
    """Withdraw the consent to be contacted, as the applicant asked on /track/. With no
    contact consent on record, one is recorded as given and withdrawn at once, so the
    withdrawal itself is on record with its time."""
    from beneficiaries.models import Consent
    from beneficiaries.services import consent_record, consent_withdraw

    note = "withdrawn by the applicant on /track/"
    active = list(
        Consent.objects.select_for_update().filter(
            beneficiary=beneficiary, purpose=Consent.Purpose.CONTACT, withdrawn_at__isnull=True
        )
    )
    if not active:
        active = [
            consent_record(
                beneficiary=beneficiary, purpose=Consent.Purpose.CONTACT, text_version="track"
            )
        ]
    for consent in active:
        consent_withdraw(consent=consent, note=note)
