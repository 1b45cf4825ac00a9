"""Writes with rules for the beneficiary registry.

Everything that registers, changes, merges or logs a beneficiary goes through these
functions — the admin, staff intake, the public application form and the demo loader
alike — so identifiers are normalised, ``name_normalized`` is kept in step, uploads are
checked by content and every change leaves history."""

import contextlib
import datetime
import io
import os
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import models, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import AccessLog, Beneficiary, BeneficiaryDocument, Consent, HouseholdMember
from .search import normalize_arabic
from .validators import normalize_mobile

# File types a document may be, recognised by their first bytes, with the extensions a
# file of that type may carry.
_SIGNATURES = [
    (b"%PDF-", "application/pdf", (".pdf",)),
    (b"\xff\xd8\xff", "image/jpeg", (".jpg", ".jpeg")),
    (b"\x89PNG\r\n\x1a\n", "image/png", (".png",)),
]
ALLOWED_EXTENSIONS = tuple(ext for _sig, _type, exts in _SIGNATURES for ext in exts)


def sniff_content_type(head: bytes) -> str | None:
    """The content type a file's first bytes announce (PDF, JPEG, PNG), else None."""
    for signature, content_type, _extensions in _SIGNATURES:
        if head.startswith(signature):
            return content_type
    return None


def max_upload_bytes() -> int:
    return int(getattr(settings, "MUSTAFID_MAX_UPLOAD_MB", 10)) * 1024 * 1024


def document_file_check(file) -> str:
    """Check an uploaded document by its size, extension and content; returns the
    content type. Raises ValidationError with a message for the person who uploaded it."""
    limit_mb = int(getattr(settings, "MUSTAFID_MAX_UPLOAD_MB", 10))
    size = getattr(file, "size", None)
    if size is None:
        raise ValidationError(_("The file could not be read. Please upload it again."))
    if size == 0:
        raise ValidationError(_("The file is empty."), code="empty")
    if size > max_upload_bytes():
        raise ValidationError(
            _("The file is too large: the limit is %(limit)d MB.") % {"limit": limit_mb},
            code="too_large",
        )
    name = os.path.basename(getattr(file, "name", "") or "")
    extension = os.path.splitext(name)[1].lower()
    file.seek(0)
    head = file.read(16)
    file.seek(0)
    content_type = sniff_content_type(head)
    allowed = {ct: exts for _sig, ct, exts in _SIGNATURES}
    if content_type is None or extension not in allowed[content_type]:
        raise ValidationError(
            _("Only PDF, JPEG and PNG files can be uploaded, and the file must really be one."),
            code="file_type",
        )
    return content_type


def sanitize_upload(file, content_type: str):
    """An uploaded photo or scan re-encoded by Pillow: what is stored is the picture only,
    without its EXIF block (GPS position, phone model, time taken) or anything hidden
    after the image data. PDFs are kept as sent. Raises ValidationError for an image
    Pillow cannot read, or one so large it would take the server down when decoded."""
    if content_type not in ("image/jpeg", "image/png"):
        return file
    from PIL import Image, ImageOps

    file.seek(0)
    try:
        with Image.open(file) as image:
            if image.width * image.height > 60_000_000:
                raise ValidationError(_("The picture is too large: scan it at a lower resolution."))
            image = ImageOps.exif_transpose(image)  # keep it the right way up
            output = io.BytesIO()
            if content_type == "image/jpeg":
                image.convert("RGB").save(output, format="JPEG", quality=90, optimize=True)
            else:
                keep = (
                    image
                    if image.mode in ("1", "L", "LA", "P", "RGB", "RGBA")
                    else image.convert("RGBA")
                )
                keep.save(output, format="PNG", optimize=True)
    except ValidationError:
        raise
    except Exception as exc:  # Pillow raises many types for a broken or hostile file
        raise ValidationError(
            _("The picture could not be read. Please photograph or scan the document again."),
            code="unreadable_image",
        ) from exc
    finally:
        file.seek(0)
    return ContentFile(output.getvalue(), name=getattr(file, "name", "") or "scan")


# The check constraints whose condition is evaluated here, on the instance, by the services
# that validate inside a caller's transaction: Django asks the database for each one (a
# savepoint and a SELECT). A constraint not named here is still asked of the database.
BENEFICIARY_CHECKS = {
    "beneficiary_income_not_negative": lambda b: b.monthly_income is None or b.monthly_income >= 0,
    "beneficiary_identity_has_type": lambda b: b.id_number == "" or b.id_type != "",
}
DOCUMENT_CHECKS = {
    "document_expires_after_issue": lambda d: (
        d.issue_date is None or d.expiry_date is None or d.expiry_date >= d.issue_date
    ),
}


def validate_constraints_here(
    instance, checks: dict, *, looked_up: Iterable[str] = (), exclude: Iterable[str] = ()
) -> None:
    """``Model.validate_constraints`` with the conditions in ``checks`` evaluated in Python
    and the unique constraints in ``looked_up`` left to the caller, who has just searched
    for a clash under lock (the database's unique index still guards a race). Raises the
    ValidationError Django would."""
    errors: dict[str, list] = {}
    skipped = set(looked_up)
    for constraint in instance._meta.constraints:
        if constraint.name in skipped:
            continue
        try:
            check = checks.get(constraint.name)
            if check is None:
                constraint.validate(type(instance), instance, exclude=set(exclude))
            elif not check(instance):
                raise ValidationError(
                    constraint.get_violation_error_message(),
                    code=constraint.violation_error_code,
                )
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
    if errors:
        raise ValidationError(errors)


def _prepare(
    beneficiary: Beneficiary, trusted: Iterable[str] = (), *, identity_looked_up: bool = False
) -> None:
    # ``trusted``: foreign keys whose value the caller has just read from the database, so
    # their existence need not be checked again (one query each).
    beneficiary.compact_typed_identifiers()
    exclude = ["name_normalized", *trusted]
    if identity_looked_up:
        beneficiary.full_clean(exclude=exclude, validate_constraints=False)
        validate_constraints_here(
            beneficiary,
            BENEFICIARY_CHECKS,
            looked_up={"beneficiary_identity_unique"},
            exclude=exclude,
        )
    else:
        beneficiary.full_clean(exclude=exclude)
    beneficiary.name_normalized = " ".join(
        part
        for part in (normalize_arabic(beneficiary.name_ar), normalize_arabic(beneficiary.name_en))
        if part
    )


def file_number_for(pk: int) -> str:
    """File numbers follow the record: M0000123."""
    return f"M{pk:07d}"


@transaction.atomic
def beneficiary_create(
    *, actor=None, beneficiary: Beneficiary | None = None, **fields: Any
) -> Beneficiary:
    """Register a beneficiary from field values (or an unsaved instance a form built).
    Normalises and validates everything (ValidationError per field), gives a file number."""
    return beneficiary_create_in_transaction(actor=actor, beneficiary=beneficiary, **fields)


def beneficiary_create_in_transaction(
    *,
    actor=None,
    beneficiary: Beneficiary | None = None,
    trusted: Iterable[str] = (),
    identity_looked_up: bool = False,
    **fields: Any,
) -> Beneficiary:
    """``beneficiary_create`` for a caller whose own transaction rolls back whole on any
    error (no savepoint of its own). ``trusted`` names foreign keys just read from the
    database, whose existence is not checked again. ``identity_looked_up``: the caller
    has just searched this identity under lock and found no record, so the unique
    identity is not asked of the database again (the unique index still guards)."""
    if not transaction.get_connection().in_atomic_block:
        raise transaction.TransactionManagementError(
            "beneficiary_create_in_transaction needs the caller's transaction."
        )
    if beneficiary is None:
        beneficiary = Beneficiary(**fields)
    else:
        for name, value in fields.items():
            setattr(beneficiary, name, value)
    if actor is not None and getattr(actor, "pk", None):
        beneficiary.created_by = actor
        beneficiary._history_user = actor
    _prepare(beneficiary, trusted, identity_looked_up=identity_looked_up)
    # The number follows the row's id, so it is given just after the INSERT; the history
    # row is written once the number is known (the same row save() would write, user from
    # the actor or the request) rather than written without it and corrected.
    beneficiary.skip_history_when_saving = True
    try:
        beneficiary.save()
    finally:
        del beneficiary.skip_history_when_saving
    beneficiary.file_number = file_number_for(beneficiary.pk)
    Beneficiary.objects.filter(pk=beneficiary.pk).update(file_number=beneficiary.file_number)
    Beneficiary.history.bulk_history_create([beneficiary], default_change_reason=None)
    return beneficiary


@transaction.atomic
def beneficiary_update(*, beneficiary: Beneficiary, actor=None, **fields: Any) -> Beneficiary:
    """Change a beneficiary's data (fields given, or already set on the instance)."""
    for name, value in fields.items():
        setattr(beneficiary, name, value)
    if actor is not None and getattr(actor, "pk", None):
        beneficiary._history_user = actor
    _prepare(beneficiary)
    beneficiary.save()
    return beneficiary


def beneficiary_find_duplicates(
    *,
    mobile: str = "",
    name: str = "",
    birth_date: datetime.date | None = None,
    id_type: str = "",
    id_number: str = "",
    exclude_pk: int | None = None,
) -> QuerySet[Beneficiary]:
    """Registered beneficiaries who may be the same person: same identity, same mobile,
    or same folded name and birth date. Merged and anonymised records are left out."""
    condition = Q()
    if mobile:
        with contextlib.suppress(ValidationError):
            condition |= Q(mobile=normalize_mobile(mobile))
    if id_type and id_number:
        condition |= Q(id_type=id_type, id_number=id_number)
    folded = normalize_arabic(name)
    if folded and birth_date:
        condition |= Q(name_normalized__startswith=folded, birth_date=birth_date)
    if not condition:
        return Beneficiary.objects.none()
    found = Beneficiary.objects.filter(condition, merged_into__isnull=True).exclude(
        status=Beneficiary.Status.ANONYMISED
    )
    if exclude_pk:
        found = found.exclude(pk=exclude_pk)
    return found.order_by("created_at", "id")


# Relations a merge must not move: the record's own history, the audit trail (it stays
# true to what was opened), and the merged-into link itself.
_MERGE_SKIP = {"access_logs", "merged_records", "history"}


@transaction.atomic
def beneficiary_merge(*, keep: Beneficiary, duplicate: Beneficiary, actor=None) -> Beneficiary:
    """Fold ``duplicate`` into ``keep``: its documents, household, consents, requests and
    anything else that points at it move to ``keep``; empty fields of ``keep`` are filled
    from it; it stays as an archived record pointing at ``keep``. History of both is kept."""
    if keep.pk == duplicate.pk:
        raise ValidationError(_("A record cannot be merged into itself."))
    keep = Beneficiary.objects.select_for_update().get(pk=keep.pk)
    duplicate = Beneficiary.objects.select_for_update().get(pk=duplicate.pk)
    if duplicate.merged_into_id or keep.merged_into_id:
        raise ValidationError(_("One of these records was already merged into another."))
    history_user = actor if getattr(actor, "pk", None) else None

    for relation in Beneficiary._meta.related_objects:
        if relation.one_to_many is False or relation.get_accessor_name() in _MERGE_SKIP:
            continue
        if relation.related_model._meta.model_name.startswith("historical"):
            continue
        model = relation.related_model
        manager = model._base_manager
        rows = manager.filter(**{relation.field.name: duplicate})
        if hasattr(model, "history"):
            # One save per row so each move is in that row's history.
            for row in rows:
                setattr(row, relation.field.name, keep)
                row._history_user = history_user
                row.save(update_fields=[relation.field.name])
        else:
            rows.update(**{relation.field.name: keep})

    if duplicate.kind == Beneficiary.Kind.DIRECT:
        keep.kind = Beneficiary.Kind.DIRECT
    identity = None
    if not keep.id_number and duplicate.id_number:
        identity = (duplicate.id_type, duplicate.id_number)
    skip = {
        "id",
        "kind",
        "file_number",
        "name_normalized",
        "status",
        "merged_into",
        "created_at",
        "created_by",
        "updated_at",
        "id_type",
        "id_number",
    }
    for field in Beneficiary._meta.concrete_fields:
        if field.name in skip:
            continue
        if getattr(keep, field.attname) in (None, "") and getattr(duplicate, field.attname) not in (
            None,
            "",
        ):
            setattr(keep, field.attname, getattr(duplicate, field.attname))
    if duplicate.case_notes and duplicate.case_notes not in keep.case_notes:
        keep.case_notes = "\n\n".join(filter(None, [keep.case_notes, duplicate.case_notes]))

    duplicate.status = Beneficiary.Status.ARCHIVED
    duplicate.merged_into = keep
    if identity:
        duplicate.id_type, duplicate.id_number = "", ""
    duplicate._history_user = history_user
    duplicate._change_reason = f"merged into {keep.file_number}"
    duplicate.save()
    if identity:
        keep.id_type, keep.id_number = identity
    keep._history_user = history_user
    keep._change_reason = f"merged with {duplicate.file_number}"
    _prepare(keep)
    keep.save()
    if history_user is not None:
        AccessLog.objects.create(
            beneficiary=keep,
            user=history_user,
            action=AccessLog.Action.MERGE,
            detail=f"{duplicate.file_number} → {keep.file_number}",
        )
    return keep


@transaction.atomic
def household_member_add(*, beneficiary: Beneficiary, actor=None, **fields: Any) -> HouseholdMember:
    member = HouseholdMember(beneficiary=beneficiary, **fields)
    member.full_clean()
    member._history_user = actor if getattr(actor, "pk", None) else None
    member.save()
    return member


@transaction.atomic
def document_add(
    *,
    beneficiary: Beneficiary,
    document_type: str,
    file,
    actor=None,
    number: str = "",
    issue_date: datetime.date | None = None,
    expiry_date: datetime.date | None = None,
    document: BeneficiaryDocument | None = None,
) -> BeneficiaryDocument:
    """Store a document privately after checking its size and real type (PDF, JPEG or
    PNG by content). Raises ValidationError; nothing is stored when it does."""
    return document_add_in_transaction(
        beneficiary=beneficiary,
        document_type=document_type,
        file=file,
        actor=actor,
        number=number,
        issue_date=issue_date,
        expiry_date=expiry_date,
        document=document,
        checked_here=False,
    )


def document_add_in_transaction(
    *,
    beneficiary: Beneficiary,
    document_type: str,
    file,
    actor=None,
    number: str = "",
    issue_date: datetime.date | None = None,
    expiry_date: datetime.date | None = None,
    document: BeneficiaryDocument | None = None,
    checked_here: bool = True,
) -> BeneficiaryDocument:
    """``document_add`` for a caller whose own transaction rolls back whole on any error
    (no savepoint of its own), with the beneficiary just written or read by that caller
    (not looked up again) and the date rule checked here rather than by a query."""
    if not transaction.get_connection().in_atomic_block:
        raise transaction.TransactionManagementError(
            "document_add_in_transaction needs the caller's transaction."
        )
    content_type = document_file_check(file)
    file = sanitize_upload(file, content_type)
    document = document or BeneficiaryDocument()
    document.beneficiary = beneficiary
    document.document_type = document_type
    document.number = number
    document.issue_date = issue_date
    document.expiry_date = expiry_date
    document.content_type = content_type
    document.size = file.size
    document.original_name = _display_name(getattr(file, "name", "") or "document")
    document.status = BeneficiaryDocument.Status.PENDING
    if getattr(actor, "pk", None):
        document.uploaded_by = actor
        document._history_user = actor
    document.file = file
    if checked_here:
        exclude = ["file", "beneficiary"]
        document.full_clean(exclude=exclude, validate_constraints=False)
        validate_constraints_here(document, DOCUMENT_CHECKS, exclude=exclude)
    else:
        document.full_clean(exclude=["file"])
    document.save()
    return document


def _display_name(name: str) -> str:
    from .validators import strip_invisible

    base = strip_invisible(os.path.basename(name.replace("\\", "/")))
    return base[-150:] or "document"


@transaction.atomic
def document_verify(
    *, document: BeneficiaryDocument, actor, verified: bool = True, note: str = ""
) -> BeneficiaryDocument:
    """Record that staff checked a document: verified, or rejected with a reason."""
    if not verified and not note.strip():
        raise ValidationError(
            {"verification_note": _("Say why the document is rejected.")}, code="reason_required"
        )
    document = BeneficiaryDocument.objects.select_for_update().get(pk=document.pk)
    document.status = (
        BeneficiaryDocument.Status.VERIFIED if verified else BeneficiaryDocument.Status.REJECTED
    )
    document.verified_by = actor
    document.verified_at = timezone.now()
    document.verification_note = note.strip()
    document._history_user = actor
    document.save()
    return document


@transaction.atomic
def consent_record(
    *,
    beneficiary: Beneficiary,
    purpose: str,
    text_version: str,
    text: str = "",
    channel=None,
    actor=None,
) -> Consent:
    """Keep a consent with the exact text version shown (POL-7.6, POL-7.9)."""
    consent = Consent(
        beneficiary=beneficiary,
        purpose=purpose,
        text_version=text_version,
        text=text,
        channel=channel,
        recorded_by=actor if getattr(actor, "pk", None) else None,
    )
    consent.full_clean()
    consent.save()
    return consent


def consents_record_in_transaction(
    *, beneficiary: Beneficiary, consents: Iterable[tuple[str, str, str]], channel=None
) -> list[Consent]:
    """Keep several consents given at once — ``(purpose, text_version, text)`` each — with
    their history rows, in two INSERTs, inside the caller's transaction (which rolls back
    whole on any error). The beneficiary and channel are the caller's, just read or
    written: their existence is not checked again, and a new consent is not withdrawn, so
    the withdrawn-after-given constraint holds by construction; every other field is
    validated as ``consent_record`` validates it."""
    from simple_history.utils import bulk_create_with_history

    if not transaction.get_connection().in_atomic_block:
        raise transaction.TransactionManagementError(
            "consents_record_in_transaction needs the caller's transaction."
        )
    now = timezone.now()
    records = []
    for purpose, text_version, text in consents:
        consent = Consent(
            beneficiary=beneficiary,
            purpose=purpose,
            text_version=text_version,
            text=text,
            channel=channel,
            given_at=now,
        )
        consent.full_clean(
            exclude=["beneficiary", "channel", "recorded_by", "given_at", "withdrawn_at"]
        )
        records.append(consent)
    return bulk_create_with_history(records, Consent, default_date=now)


@transaction.atomic
def consent_withdraw(*, consent: Consent, note: str = "", actor=None) -> Consent:
    if consent.withdrawn_at is None:
        consent.withdrawn_at = timezone.now()
        consent.withdrawal_note = note[:200]
        consent._history_user = actor if getattr(actor, "pk", None) else None
        consent.save(update_fields=["withdrawn_at", "withdrawal_note"])
    return consent


def _client_ip(request) -> str | None:
    # The same address rate limits and the lock-out use: X-Forwarded-For only from a
    # trusted proxy (config/ratelimit.py).
    from ipaddress import ip_address

    from config.ratelimit import client_ip

    candidate = client_ip(request)
    try:
        return str(ip_address(candidate)) if candidate else None
    except ValueError:
        return None


def access_log_record(
    *,
    beneficiary: Beneficiary | int,
    user,
    action: str = AccessLog.Action.VIEW,
    request=None,
    detail: str = "",
) -> AccessLog:
    """Write one line of the access log: who opened which file, when, from where."""
    entry = AccessLog(
        user=user if getattr(user, "pk", None) else None,
        action=action,
        detail=detail[:200],
    )
    if isinstance(beneficiary, models.Model):
        entry.beneficiary = beneficiary
    else:
        entry.beneficiary_id = beneficiary
    if request is not None:
        entry.ip_address = _client_ip(request)
        entry.user_agent = request.META.get("HTTP_USER_AGENT", "")[:300]
    entry.save()
    return entry


def access_log_record_many(
    *, beneficiary_ids: Iterable[int], user, action: str, request=None, detail: str = ""
) -> int:
    """The same line for many records at once (an export), in batches."""
    ip = _client_ip(request) if request is not None else None
    agent = request.META.get("HTTP_USER_AGENT", "")[:300] if request is not None else ""
    now = timezone.now()
    rows = [
        AccessLog(
            beneficiary_id=pk,
            user=user,
            action=action,
            detail=detail[:200],
            ip_address=ip,
            user_agent=agent,
            at=now,
        )
        for pk in beneficiary_ids
    ]
    AccessLog.objects.bulk_create(rows, batch_size=2000)
    return len(rows)
