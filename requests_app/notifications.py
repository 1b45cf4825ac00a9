"""The applicant's messages for each workflow event, through the notification service.

Run by the ``send_status_change_message`` task (requests_app/tasks.py) once the move is
committed, so a message never goes out for a move that was rolled back, and a failing
gateway never undoes the move."""

import logging

from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation

from .models import StatusChange, SupportRequest
from .workflow import Status

logger = logging.getLogger(__name__)

# Which applicant message each arrival status sends (None: no message).
EVENT_FOR_STATUS = {
    Status.SUBMITTED: "request_received",
    Status.NEEDS_INFO: "info_needed",
    Status.REFERRED_RESEARCH: "referred_research",
    Status.REFERRED_EXTERNAL: "referred_external",
    Status.APPROVED: "decided_approved",
    Status.REJECTED: "decided_rejected",
    Status.DELIVERED: "service_delivered",
}


def recipient_for(beneficiary):
    from channels_app.notify import Recipient

    return Recipient(
        name=beneficiary.name,
        mobile=beneficiary.mobile or "",
        email=beneficiary.email or "",
        language=beneficiary.preferred_language or "ar",
        preferred_channel_code=beneficiary.preferred_channel.code
        if beneficiary.preferred_channel_id
        else "",
        opted_out=has_opted_out(beneficiary),
    )


def has_opted_out(beneficiary) -> bool:
    """The beneficiary withdrew their consent to be contacted or to processing (PDPL) and
    has not given it again, or their record is anonymised."""
    from beneficiaries.selectors import beneficiary_has_withdrawn_consent

    return beneficiary_has_withdrawn_consent(beneficiary)


def message_context(
    support_request: SupportRequest, status_change: StatusChange | None = None
) -> dict:
    """The values the default templates use (channels_app's template table)."""
    note = status_change.note if status_change else ""
    context = {
        "reference": support_request.display_reference,
        "program": support_request.program.name,
        "due_date": timezone.localdate(support_request.effective_due_at()),
        "note": note,
        "reason": note,
        "status": support_request.get_status_display(),
        "track_url": track_url(),
    }
    if status_change and status_change.to_status == Status.REFERRED_EXTERNAL:
        referral = support_request.referrals.order_by("-created_at", "-pk").first()
        if referral:
            context.update(
                referred_to=referral.association_name,
                referred_to_contact=referral.association_contact,
                reason=referral.reason,
            )
    return context


def track_url() -> str:
    """The public tracking page, absolute when the site's address is configured."""
    try:
        path = reverse("track")
    except NoReverseMatch:
        return ""
    base = getattr(settings, "MUSTAFID_PUBLIC_URL", "").rstrip("/")
    return f"{base}{path}" if base else path


def notify_status_change(*, support_request_id: int, status_change_id: int) -> None:
    change = StatusChange.objects.select_related(
        "support_request__beneficiary__preferred_channel", "support_request__program"
    ).get(pk=status_change_id)
    event = EVENT_FOR_STATUS.get(change.to_status)
    if event is None:
        return
    support_request = change.support_request
    from channels_app.services import notification_send

    recipient = recipient_for(support_request.beneficiary)
    with translation.override(recipient.language):
        context = message_context(support_request, change)
    try:
        notification_send(
            recipient=recipient, event=event, context=context, related=support_request
        )
    except Exception:  # a message must never break the workflow that already committed
        logger.exception("Could not queue the %s message for request %s", event, support_request_id)
