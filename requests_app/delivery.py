"""Delivering the approved service (POL-7.13) and ending program runs (POL-3.1).

``delivery_record`` writes one delivery and moves the request (approved → in delivery
→ delivered) through ``support_request_transition``; a delivered one-off service, or
the end of a program run, invites each direct beneficiary served to the satisfaction
survey, and the request is closed once its invitation is sent."""

import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from beneficiaries.services import sanitize_upload, sniff_content_type
from beneficiaries.validators import validate_iban

from .models import DeliveryKind, ProgramRun, ServiceDelivery, SupportRequest
from .services import WorkflowError, support_request_transition
from .workflow import Status

PROOF_TYPES = {"application/pdf", "image/jpeg", "image/png"}
MAX_NOTES = 5000


@transaction.atomic
def delivery_record(
    *,
    support_request: SupportRequest,
    kind: str,
    actor,
    delivered_on: datetime.date | None = None,
    amount: Decimal | None = None,
    quantity: int | None = None,
    reference: str = "",
    proof=None,
    program_run: ProgramRun | None = None,
    completes_service: bool = True,
    notes: str = "",
) -> ServiceDelivery:
    """Record one delivery of an approved request; the last one makes it delivered.

    Refuses (``WorkflowError`` with field errors, nothing saved) a request that is not
    approved or being delivered, cash without an amount or without a valid IBAN on the
    beneficiary, a date in the future, a run of another program, an unreadable proof."""
    if not actor.has_perm("requests_app.deliver_supportrequest"):
        raise PermissionDenied(_("Your role may not record deliveries."))
    locked = (
        SupportRequest.objects.select_for_update()
        .select_related("beneficiary")
        .get(pk=support_request.pk)
    )
    errors: dict[str, str] = {}
    if locked.status not in (Status.APPROVED, Status.IN_DELIVERY):
        raise WorkflowError(
            _("Only an approved request can receive a delivery; this one is “%(status)s”.")
            % {"status": locked.get_status_display()}
        )
    if kind not in DeliveryKind.values:
        errors["kind"] = _("Choose how the service was delivered.")
    delivered_on = delivered_on or timezone.localdate()
    if delivered_on > timezone.localdate():
        errors["delivered_on"] = _("A delivery cannot be in the future.")
    iban = ""
    if kind == DeliveryKind.CASH:
        if amount is None or amount <= 0:
            errors["amount"] = _("Enter the amount transferred.")
        try:
            iban = validate_iban(locked.beneficiary.iban or "")
        except ValidationError:
            errors["kind"] = _(
                "A cash transfer needs a valid Saudi IBAN on the beneficiary's record: add it first."
            )
    elif amount is not None and amount < 0:
        errors["amount"] = _("The amount cannot be negative.")
    if program_run is not None and program_run.program_id != locked.program_id:
        errors["program_run"] = _("This run belongs to another program.")
    if len(notes or "") > MAX_NOTES:
        errors["notes"] = _("The notes are too long (at most %(max)s characters).") % {
            "max": MAX_NOTES
        }
    content_type = ""
    if proof:
        content_type = sniff_content_type(proof.read(16)) or ""
        proof.seek(0)
        if content_type not in PROOF_TYPES:
            errors["proof"] = _("The proof must be a PDF, JPEG or PNG file.")
        else:
            try:  # a photographed receipt keeps no EXIF (GPS, phone) either
                proof = sanitize_upload(proof, content_type)
            except ValidationError as exc:
                errors["proof"] = exc.messages[0]
    if errors:
        raise WorkflowError(errors)

    delivery = ServiceDelivery(
        support_request=locked,
        kind=kind,
        amount=amount,
        quantity=quantity,
        delivered_on=delivered_on,
        delivered_by=actor,
        reference=(reference or "").strip(),
        iban=iban,
        program_run=program_run,
        completes_service=completes_service,
        notes=(notes or "").strip(),
        proof_content_type=content_type,
    )
    if proof:
        delivery.proof = proof
    delivery.save()
    if locked.status == Status.APPROVED:
        support_request_transition(
            support_request=locked, to_status=Status.IN_DELIVERY, actor=actor
        )
    if completes_service:
        support_request_transition(support_request=locked, to_status=Status.DELIVERED, actor=actor)
        # A one-off service is rated now; a program run's participants when the run ends.
        if program_run is None:
            support_request_invite_and_close(support_request=locked, actor=actor)
        elif program_run.ended_at is not None:
            support_request_invite_and_close(
                support_request=locked, actor=actor, program_run=program_run
            )
    support_request.status = locked.status
    return delivery


def support_request_invite_and_close(
    *, support_request: SupportRequest, actor, program_run: ProgramRun | None = None
) -> None:
    """Invite a direct beneficiary to the survey, then close the delivered request."""
    from satisfaction.services import survey_invitation_create

    survey_invitation_create(support_request=support_request, program_run=program_run, actor=actor)
    if support_request.status == Status.DELIVERED:
        support_request_transition(
            support_request=support_request,
            to_status=Status.CLOSED,
            actor=actor,
            note=_("Service delivered; satisfaction survey sent."),
        )


@transaction.atomic
def program_run_end(*, program_run: ProgramRun, actor) -> int:
    """End a run: invite each direct beneficiary served in it (once) and close their
    delivered requests. Returns how many requests were invited. Safe to run twice."""
    if not actor.has_perm("requests_app.deliver_supportrequest"):
        raise PermissionDenied(_("Your role may not end a program run."))
    run = ProgramRun.objects.select_for_update().get(pk=program_run.pk)
    if run.ends_on > timezone.localdate():
        raise WorkflowError(
            _("This run has not ended yet: it ends on %(day)s.") % {"day": run.ends_on}
        )
    if run.ended_at is None:
        run.ended_at = timezone.now()
        run.ended_by = actor
        run.save(update_fields=["ended_at", "ended_by"])
    program_run.ended_at, program_run.ended_by = run.ended_at, run.ended_by
    requests = (
        SupportRequest.objects.filter(deliveries__program_run=run, status=Status.DELIVERED)
        .select_related("beneficiary", "program")
        .distinct()
        .order_by("id")
    )
    count = 0
    for support_request in requests:
        support_request_invite_and_close(
            support_request=support_request, actor=actor, program_run=run
        )
        count += 1
    return count
