"""Every write of the support-request workflow that has a rule.

``support_request_transition`` is the one way a status changes (DESIGN.md); the named
helpers below (submit, start verification, request information, refer, send to the
committee, withdraw…) check their own rules and then call it."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import DocumentCheck, Program, Referral, ResearchReport, StatusChange, SupportRequest
from .reference import new_reference
from .workflow import (
    APPLICANT_MOVES,
    DECISION_MOVES,
    MOVE_PERMISSIONS,
    NOTE_REQUIRED,
    RESEARCHER_MOVES,
    Status,
    allowed_targets,
)


class WorkflowError(ValidationError):
    """A move or write the workflow refuses; the message is for the person who tried."""


def _status_label(value: str) -> str:
    return str(Status(value).label) if value in Status.values else value


# -- the one transition function ---------------------------------------------------------


def _check_actor(*, actor, from_status: str, to_status: str) -> None:
    if actor is None:
        if (from_status, to_status) not in APPLICANT_MOVES:
            raise PermissionDenied(_("Only the association's staff can make this move."))
        return
    if (from_status, to_status) in RESEARCHER_MOVES and actor.has_perm(
        "requests_app.research_supportrequest"
    ):
        return
    permission = MOVE_PERMISSIONS.get(to_status)
    if permission and not actor.has_perm(permission):
        raise PermissionDenied(
            _("Your role may not move a request to “%(status)s”.")
            % {"status": _status_label(to_status)}
        )


def _check_guards(*, support_request: SupportRequest, to_status: str, note: str, decision) -> None:
    if to_status in NOTE_REQUIRED and not note.strip():
        if to_status == Status.NEEDS_INFO:
            raise WorkflowError(_("Say what is missing: the applicant will read this note."))
        raise WorkflowError(_("Give the reason for this move: the applicant will read it."))
    if to_status in DECISION_MOVES and (
        decision is None
        or decision.support_request_id != support_request.pk
        or decision.outcome != to_status
    ):
        raise WorkflowError(_("Only a committee decision can approve or reject a request."))
    if to_status in (Status.IN_DELIVERY, Status.DELIVERED) and not (
        support_request.deliveries.exists()
    ):
        raise WorkflowError(_("Record the delivery first: the move follows from it."))
    if to_status == Status.COMMITTEE_REVIEW:
        problems = verification_problems(support_request)
        if problems:
            raise WorkflowError(problems)


@transaction.atomic
def support_request_transition(
    *, support_request: SupportRequest, to_status: str, actor, note: str = "", decision=None
) -> StatusChange:
    """Move a request to ``to_status``: check the move, lock the row, record it, notify.

    Refuses an illegal move, a role that may not make it, or a failed guard with a
    ``WorkflowError``/``PermissionDenied`` and changes nothing. Two clicks racing each
    other: the second sees the row as the first left it and is refused."""
    note = (note or "").strip()
    locked = SupportRequest.objects.select_for_update().get(pk=support_request.pk)
    from_status = locked.status
    if to_status not in allowed_targets(from_status):
        if from_status == to_status:
            raise WorkflowError(
                _("The request is already “%(status)s”; nothing was changed.")
                % {"status": _status_label(to_status)}
            )
        raise WorkflowError(
            _("A request that is “%(from)s” cannot move to “%(to)s”.")
            % {"from": _status_label(from_status), "to": _status_label(to_status)}
        )
    if to_status in DECISION_MOVES:  # say "needs a decision" before "your role may not"
        _check_guards(support_request=locked, to_status=to_status, note=note, decision=decision)
    _check_actor(actor=actor, from_status=from_status, to_status=to_status)
    _check_guards(support_request=locked, to_status=to_status, note=note, decision=decision)

    now = timezone.now()
    fields = ["status", "updated_at"]
    # The two-week clock (POL-7.7) stops while the request waits on the applicant.
    if to_status == Status.NEEDS_INFO and locked.clock_paused_at is None:
        locked.clock_paused_at = now
        fields.append("clock_paused_at")
    elif from_status == Status.NEEDS_INFO and locked.clock_paused_at is not None:
        locked.decision_due_at += now - locked.clock_paused_at
        locked.clock_paused_at = None
        fields += ["decision_due_at", "clock_paused_at"]
    if to_status in DECISION_MOVES:
        locked.decided_at = now
        fields.append("decided_at")
    if to_status in (Status.CLOSED, Status.WITHDRAWN):
        locked.closed_at = now
        fields.append("closed_at")
    locked.status = to_status
    locked.save(update_fields=fields)
    change = StatusChange.objects.create(
        support_request=locked,
        from_status=from_status,
        to_status=to_status,
        actor=actor,
        note=note,
        created_at=now,
    )
    # The caller's instance follows the row it asked to move.
    for field in fields:
        setattr(support_request, field, getattr(locked, field))
    _notify_after_commit(support_request=locked, status_change=change)
    return change


def _notify_after_commit(*, support_request: SupportRequest, status_change: StatusChange) -> None:
    # A task, so production's request only stores one task row with the move.
    from channels_app.tasks import enqueue_after_commit

    from .tasks import send_status_change_message

    enqueue_after_commit(
        send_status_change_message,
        support_request_id=support_request.pk,
        status_change_id=status_change.pk,
    )


# -- intake ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Declaration:
    """What the applicant signed (POL-7.6) and accepted (POL-7.9) when applying."""

    signed_name: str
    accepted_rules: bool
    ip: str | None = None
    declaration_version: object | None = None
    rules_version: object | None = None


def support_request_submit(
    *,
    beneficiary,
    program: Program,
    channel,
    need: str,
    declaration: Declaration,
    support_kind: str = "cash",
    amount_requested: Decimal | None = None,
    urgency: str = "normal",
    actor=None,
    submitted_at: datetime.datetime | None = None,
    new_beneficiary: bool = False,
    savepoint: bool = True,
) -> SupportRequest:
    """Register a request, from the public form (actor None) or staff intake (actor = officer).

    The decision due date is set here from the program's promise (POL-7.7).

    ``new_beneficiary``: the beneficiary was created in this transaction, so has no open
    request to look for (the partial unique constraint still guards). ``savepoint=False``
    for a caller whose transaction rolls back whole on a refusal (the public portal)."""
    errors = {}
    if not program.accepts_applications():
        errors["program"] = _("This program is not accepting applications now.")
    if not (need or "").strip():
        errors["need"] = _("Describe the need in a few words.")
    if not declaration.signed_name.strip():
        errors["declaration_name"] = _("Type your full name to sign the declaration.")
    if not declaration.accepted_rules:
        errors["accept_rules"] = _("You must accept the program's rules to apply.")
    if errors:
        raise WorkflowError(errors)
    if (
        not new_beneficiary
        and SupportRequest.objects.filter(
            beneficiary=beneficiary, program=program, status__in=_open()
        ).exists()
    ):
        raise WorkflowError(
            {
                "program": _(
                    "There is already an open request for this program; follow it on the tracking page."
                )
            }
        )
    now = submitted_at or timezone.now()
    try:
        with transaction.atomic(savepoint=savepoint):
            support_request = SupportRequest.objects.create(
                reference=unused_reference(),
                beneficiary=beneficiary,
                program=program,
                channel=channel,
                need=need.strip(),
                support_kind=support_kind,
                amount_requested=amount_requested,
                urgency=urgency,
                submitted_at=now,
                decision_due_at=now + datetime.timedelta(days=program.decision_days),
                declaration_name=declaration.signed_name.strip(),
                declaration_signed_at=now,
                declaration_ip=declaration.ip,
                rules_accepted_at=now,
                created_by=actor,
                assigned_officer=actor
                if actor is not None and actor.has_perm("requests_app.verify_supportrequest")
                else None,
            )
            change = StatusChange.objects.create(
                support_request=support_request,
                from_status="",
                to_status=Status.SUBMITTED,
                actor=actor,
                created_at=now,
            )
    except IntegrityError as exc:  # the partial unique constraint lost a race
        raise WorkflowError(
            {
                "program": _(
                    "There is already an open request for this program; follow it on the tracking page."
                )
            }
        ) from exc
    _notify_after_commit(support_request=support_request, status_change=change)
    return support_request


def unused_reference(attempts: int = 20) -> str:
    """A random reference not taken yet. References are random (they reveal nothing), so at
    a million requests one draw in ~900 collides: draw again rather than fail the applicant."""
    for _attempt in range(attempts):
        reference = new_reference()
        if not SupportRequest.objects.filter(reference=reference).exists():
            return reference
    raise RuntimeError(f"no free request reference after {attempts} draws")


def _open():
    from .workflow import OPEN_STATUSES

    return OPEN_STATUSES


# -- verification (POL-7.3, 7.6, 7.9) -----------------------------------------------------


def verification_problems(support_request: SupportRequest) -> list[str]:
    """What still stands between the request and the committee; empty when nothing does."""
    problems = []
    required = list(support_request.program.required_document_types or [])
    checks = {}
    if required:
        # One query with the documents (the request page prefetches them: reuse that).
        prefetched = getattr(support_request, "_prefetched_objects_cache", {})
        rows = (
            support_request.document_checks.all()
            if "document_checks" in prefetched
            else support_request.document_checks.select_related("document")
        )
        checks = {check.document_type: check for check in rows}
    submitted_on = timezone.localdate(support_request.submitted_at)
    for document_type in required:
        label = _document_type_label(document_type)
        check = checks.get(document_type)
        if check is None or not check.present or check.document_id is None:
            problems.append(_("Document missing: %(document)s.") % {"document": label})
            continue
        if not check.document.is_valid_on(submitted_on) or not check.valid_on_submission:
            problems.append(
                _("Document not valid on the submission date: %(document)s.") % {"document": label}
            )
            continue
        if not check.matches_record:
            problems.append(
                _("Document does not match the record: %(document)s.") % {"document": label}
            )
    if not support_request.declaration_signed_at or not support_request.declaration_name:
        problems.append(_("The applicant has not signed the declaration that the data is correct."))
    if not support_request.rules_accepted_at:
        problems.append(_("The applicant has not accepted the program's rules."))
    return problems


def _document_type_label(value: str) -> str:
    from beneficiaries.models import BeneficiaryDocument

    DocumentType = BeneficiaryDocument.DocumentType
    return str(DocumentType(value).label) if value in DocumentType.values else value


@transaction.atomic
def document_check_record(
    *,
    support_request: SupportRequest,
    document_type: str,
    document,
    matches_record: bool,
    actor,
    note: str = "",
) -> DocumentCheck:
    """Record the officer's check of one required document against the submission date."""
    if not actor.has_perm("requests_app.verify_supportrequest"):
        raise PermissionDenied(_("Your role may not verify documents."))
    if document is not None and document.beneficiary_id != support_request.beneficiary_id:
        raise WorkflowError(_("This document belongs to another beneficiary."))
    if document is not None and document.document_type != document_type:
        raise WorkflowError(_("This document is not of the required type."))
    submitted_on = timezone.localdate(support_request.submitted_at)
    check, _created = DocumentCheck.objects.update_or_create(
        support_request=support_request,
        document_type=document_type,
        defaults={
            "document": document,
            "present": document is not None,
            "valid_on_submission": bool(document and document.is_valid_on(submitted_on)),
            "matches_record": bool(document and matches_record),
            "note": note,
            "checked_by": actor,
            "checked_at": timezone.now(),
        },
    )
    return check


# -- named moves -------------------------------------------------------------------------


def support_request_start_verification(
    *, support_request: SupportRequest, actor, note: str = ""
) -> StatusChange:
    return support_request_transition(
        support_request=support_request, to_status=Status.VERIFICATION, actor=actor, note=note
    )


def support_request_request_info(
    *, support_request: SupportRequest, actor, note: str
) -> StatusChange:
    """Ask the applicant for what is missing; the note is shown to them and pauses the clock."""
    return support_request_transition(
        support_request=support_request, to_status=Status.NEEDS_INFO, actor=actor, note=note
    )


def support_request_answer_info(
    *, support_request: SupportRequest, note: str = "", actor=None
) -> StatusChange:
    """The applicant (or an officer for them) completed the request: back to verification."""
    return support_request_transition(
        support_request=support_request, to_status=Status.VERIFICATION, actor=actor, note=note
    )


def support_request_send_to_committee(
    *, support_request: SupportRequest, actor, note: str = ""
) -> StatusChange:
    return support_request_transition(
        support_request=support_request, to_status=Status.COMMITTEE_REVIEW, actor=actor, note=note
    )


def support_request_withdraw(
    *, support_request: SupportRequest, note: str, actor=None
) -> StatusChange:
    return support_request_transition(
        support_request=support_request, to_status=Status.WITHDRAWN, actor=actor, note=note
    )


@transaction.atomic
def support_request_refer_research(
    *, support_request: SupportRequest, researcher, actor, note: str = ""
) -> StatusChange:
    """Refer to the social researcher (POL-7.5), who must file a report before verification resumes."""
    if not researcher.has_perm("requests_app.research_supportrequest"):
        raise WorkflowError(_("Choose a member of staff who is a social researcher."))
    change = support_request_transition(
        support_request=support_request, to_status=Status.REFERRED_RESEARCH, actor=actor, note=note
    )
    SupportRequest.objects.filter(pk=support_request.pk).update(assigned_researcher=researcher)
    support_request.assigned_researcher = researcher
    return change


@transaction.atomic
def research_report_file(
    *,
    support_request: SupportRequest,
    researcher,
    method: str,
    visited_on: datetime.date,
    findings: str,
    recommendation: str,
) -> ResearchReport:
    """File the field report and return the request to verification."""
    if not researcher.has_perm("requests_app.research_supportrequest"):
        raise PermissionDenied(_("Only a social researcher can file a research report."))
    if support_request.status != Status.REFERRED_RESEARCH:
        raise WorkflowError(_("This request is not waiting for a research report."))
    if not findings.strip() or not recommendation.strip():
        raise WorkflowError(_("Write the findings and the recommendation."))
    if visited_on > timezone.localdate():
        raise WorkflowError(_("The visit or call cannot be in the future."))
    report = ResearchReport.objects.create(
        support_request=support_request,
        researcher=researcher,
        method=method,
        visited_on=visited_on,
        findings=findings.strip(),
        recommendation=recommendation.strip(),
    )
    support_request_transition(
        support_request=support_request,
        to_status=Status.VERIFICATION,
        actor=researcher,
        note=_("Research report filed."),
    )
    return report


@transaction.atomic
def support_request_refer_external(
    *,
    support_request: SupportRequest,
    actor,
    association_name: str,
    reason: str,
    association_contact: str = "",
    association_license: str = "",
) -> Referral:
    """Refer a request outside the association's remit to the competent association (POL-7.12)."""
    if not association_name.strip():
        raise WorkflowError(_("Name the association the request is referred to."))
    support_request_transition(
        support_request=support_request,
        to_status=Status.REFERRED_EXTERNAL,
        actor=actor,
        note=reason,
    )
    return Referral.objects.create(
        support_request=support_request,
        association_name=association_name.strip(),
        association_contact=association_contact.strip(),
        association_license=association_license.strip(),
        reason=reason.strip(),
        created_by=actor,
    )


def support_request_assign(*, support_requests, officer, actor) -> int:
    """Assign requests to an officer (bulk); returns how many changed."""
    if not actor.has_perm("requests_app.verify_supportrequest"):
        raise PermissionDenied(_("Your role may not assign requests."))
    if not officer.has_perm("requests_app.verify_supportrequest"):
        raise WorkflowError(_("Choose a member of staff who handles requests."))
    ids = [request.pk for request in support_requests]
    return SupportRequest.objects.filter(pk__in=ids).update(
        assigned_officer=officer, updated_at=timezone.now()
    )
