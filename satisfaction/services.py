"""Every write of the satisfaction part that has a rule: invitations and their link,
answers, survey versions, and the life of a complaint or suggestion."""

import datetime
import logging
import secrets

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from beneficiaries.validators import normalize_digits, normalize_mobile

from . import tokens
from .models import (
    Feedback,
    FeedbackKind,
    FeedbackStatus,
    QuestionKind,
    Survey,
    SurveyAnswer,
    SurveyInvitation,
    SurveyQuestion,
    SurveyResponse,
)
from .workdays import add_working_days

logger = logging.getLogger(__name__)

INVITATION_DAYS = 30
REMINDER_AFTER_DAYS = 7
FEEDBACK_WORKING_DAYS = 5
MAX_TEXT_ANSWER = 2000
MAX_FEEDBACK_MESSAGE = 5000
MAX_REPLY = 5000


class SatisfactionError(ValidationError):
    """A write the satisfaction rules refuse; the message is for the person who tried."""


# -- surveys -----------------------------------------------------------------------------


def survey_for_program(program) -> Survey | None:
    """The program's active survey, else the default active survey."""
    active = Survey.objects.filter(is_active=True).order_by("-version", "-id")
    return active.filter(program=program).first() or active.filter(program__isnull=True).first()


@transaction.atomic
def survey_new_version(*, survey: Survey, actor=None) -> Survey:
    """Copy a survey and its questions as the next version; the old one stops being used
    for new invitations and keeps its answers and questions unchanged."""
    old = Survey.objects.select_for_update().get(pk=survey.pk)
    if hasattr(old, "next_version"):
        raise SatisfactionError(_("This survey already has a newer version: edit that one."))
    new = Survey.objects.create(
        program=old.program,
        title_ar=old.title_ar,
        title_en=old.title_en,
        intro_ar=old.intro_ar,
        intro_en=old.intro_en,
        version=old.version + 1,
        previous=old,
        is_active=True,
    )
    SurveyQuestion.objects.bulk_create(
        SurveyQuestion(
            survey=new,
            order=q.order,
            kind=q.kind,
            text_ar=q.text_ar,
            text_en=q.text_en,
            choices_ar=q.choices_ar,
            choices_en=q.choices_en,
            required=q.required,
            counts_for_csat=q.counts_for_csat,
        )
        for q in old.questions.all()
    )
    Survey.objects.filter(pk=old.pk).update(is_active=False)
    survey.is_active = False
    return new


# -- invitations -------------------------------------------------------------------------


def survey_url(token: str) -> str:
    path = reverse("satisfaction:survey", args=[token])
    base = getattr(settings, "MUSTAFID_PUBLIC_URL", "").rstrip("/")
    return f"{base}{path}" if base else path


def invitation_token(invitation: SurveyInvitation) -> str:
    return tokens.token_for(invitation.token_salt)


def survey_invitation_create(
    *, support_request, actor=None, program_run=None, now: datetime.datetime | None = None
) -> SurveyInvitation | None:
    """Invite the direct beneficiary of a delivered request to the survey, once per
    request (or once per program run), and send the link through their channel.

    Returns the invitation, the existing one when already invited, or None for an
    indirect beneficiary or when no survey exists."""
    beneficiary = support_request.beneficiary
    if not beneficiary.is_direct:
        return None
    existing = SurveyInvitation.objects.filter(beneficiary=beneficiary)
    existing = (
        existing.filter(program_run=program_run)
        if program_run is not None
        else existing.filter(support_request=support_request, program_run__isnull=True)
    )
    found = existing.first()
    if found is not None:
        return found
    survey = survey_for_program(support_request.program)
    if survey is None:
        logger.warning("No active survey: request %s was not invited.", support_request.pk)
        return None
    now = now or timezone.now()
    salt = tokens.new_salt()
    token = tokens.token_for(salt)
    try:
        with transaction.atomic():
            invitation = SurveyInvitation.objects.create(
                survey=survey,
                beneficiary=beneficiary,
                support_request=support_request,
                program=support_request.program,
                program_run=program_run,
                channel=support_request.channel,
                officer=support_request.assigned_officer,
                token_salt=salt,
                token_hash=tokens.token_hash(token),
                created_at=now,
                expires_at=now + datetime.timedelta(days=INVITATION_DAYS),
            )
    except IntegrityError:  # invited by a concurrent call
        return existing.first()
    _send_invitation(invitation, token=token, support_request=support_request)
    SurveyInvitation.objects.filter(pk=invitation.pk).update(sent_at=now)
    invitation.sent_at = now
    return invitation


def _send_invitation(invitation: SurveyInvitation, *, token: str, support_request=None) -> None:
    from channels_app.services import notification_send
    from requests_app.notifications import recipient_for

    recipient = recipient_for(invitation.beneficiary)
    context = {
        "survey_url": survey_url(token),
        "expires_on": timezone.localdate(invitation.expires_at),
    }
    if support_request is not None:
        context["reference"] = support_request.display_reference
        context["program"] = support_request.program.name
    notification_send(
        recipient=recipient, event="survey_invitation", context=context, related=invitation
    )


def survey_reminders_send(
    *, now: datetime.datetime | None = None, after_days: int = REMINDER_AFTER_DAYS
) -> int:
    """Send the one reminder to invitations unanswered ``after_days`` after they were sent
    and not expired. Returns how many were reminded; running it twice reminds nobody twice."""
    now = now or timezone.now()
    due = SurveyInvitation.objects.filter(
        responded_at__isnull=True,
        reminded_at__isnull=True,
        sent_at__isnull=False,
        sent_at__lte=now - datetime.timedelta(days=after_days),
        expires_at__gt=now,
    ).select_related("beneficiary__preferred_channel", "support_request__program")
    count = 0
    for invitation in due.iterator(chunk_size=500):
        with transaction.atomic():
            # Claim it first: a second runner finds nothing to do.
            if not SurveyInvitation.objects.filter(
                pk=invitation.pk, reminded_at__isnull=True
            ).update(reminded_at=now):
                continue
            _send_invitation(
                invitation,
                token=invitation_token(invitation),
                support_request=invitation.support_request,
            )
            count += 1
    return count


def invitation_for_token(token: str) -> SurveyInvitation | None:
    """The invitation a link points to, or None for a forged or malformed token."""
    if not token or len(token) > 100:
        return None
    return (
        SurveyInvitation.objects.select_related("survey", "program")
        .filter(token_hash=tokens.token_hash(token))
        .first()
    )


# -- answers -----------------------------------------------------------------------------


def _clean_answer(question: SurveyQuestion, raw) -> tuple[int | None, str, str | None]:
    """(number, text, error) for one raw answer."""
    raw = normalize_digits(raw or "").strip() if isinstance(raw, str) else raw
    if raw in (None, ""):
        if question.required:
            return None, "", _("Please answer this question.")
        return None, "", None
    if question.kind == QuestionKind.TEXT:
        if len(raw) > MAX_TEXT_ANSWER:
            return (
                None,
                "",
                _("Your answer is too long: at most %(max)s characters (you wrote %(count)s).")
                % {"max": MAX_TEXT_ANSWER, "count": len(raw)},
            )
        return None, raw, None
    bounds = {
        QuestionKind.RATING: (1, 5),
        QuestionKind.NPS: (0, 10),
        QuestionKind.YES_NO: (0, 1),
        QuestionKind.CHOICE: (1, len(question.choice_list())),
    }[question.kind]
    try:
        number = int(raw)
    except (TypeError, ValueError):
        number = None
    if number is None or not bounds[0] <= number <= bounds[1]:
        return (
            None,
            "",
            _("Choose one of the answers offered (%(low)s to %(high)s).")
            % {
                "low": bounds[0],
                "high": bounds[1],
            },
        )
    return number, "", None


@transaction.atomic
def survey_response_record(
    *, invitation: SurveyInvitation, answers: dict, anonymous: bool = False
) -> SurveyResponse:
    """Record the answers to an invitation, once. ``answers`` maps a question's id (or
    ``"q<id>"``) to what was typed or chosen. Raises ``SatisfactionError`` — with one
    message per question — and saves nothing when an answer is missing or out of range,
    the link was already used or has expired."""
    locked = SurveyInvitation.objects.select_for_update().get(pk=invitation.pk)
    if locked.responded_at is not None:
        raise SatisfactionError(_("This survey has already been answered. Thank you."), code="used")
    if locked.is_expired():
        raise SatisfactionError(_("This survey link has expired."), code="expired")
    questions = list(locked.survey.questions.all())
    cleaned, errors = [], {}
    for question in questions:
        raw = answers.get(
            f"q{question.pk}", answers.get(question.pk, answers.get(str(question.pk)))
        )
        number, text, error = _clean_answer(question, raw)
        if error:
            errors[f"q{question.pk}"] = error
        elif number is not None or text:
            cleaned.append((question, number, text))
    if errors:
        raise SatisfactionError(errors)
    now = timezone.now()
    response = SurveyResponse.objects.create(
        survey=locked.survey,
        invitation=None if anonymous else locked,
        beneficiary=None if anonymous else locked.beneficiary,
        anonymous=anonymous,
        program=locked.program,
        program_run=locked.program_run,
        channel=locked.channel,
        officer=locked.officer,
        # An anonymous answer keeps the month only: the exact time could point back to
        # the invitation it came from.
        submitted_at=now.replace(day=1, hour=12, minute=0, second=0, microsecond=0)
        if anonymous
        else now,
    )
    SurveyAnswer.objects.bulk_create(
        SurveyAnswer(response=response, question=question, number=number, text=text)
        for question, number, text in cleaned
    )
    locked.responded_at = now
    locked.save(update_fields=["responded_at"])
    invitation.responded_at = now
    return response


# -- complaints and suggestions ----------------------------------------------------------

_CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"


def new_tracking_code() -> str:
    """F- and 8 characters without look-alikes (40 random bits)."""
    return "F-" + "".join(secrets.choice(_CODE_ALPHABET) for _ in range(8))


def clean_tracking_code(value: str) -> str:
    code = normalize_digits(value or "").strip().upper().replace(" ", "")
    if code and not code.startswith("F-"):
        code = "F-" + code.removeprefix("F")
    return code


def feedback_clean(
    *,
    kind: str,
    message: str,
    name: str = "",
    mobile: str = "",
    email: str = "",
    request_reference: str = "",
    channel_code: str = "website",
) -> dict:
    """A message's fields checked and normalised, as ``feedback_submit`` stores them.
    Raises ``SatisfactionError`` with field errors (in the active language)."""
    from channels_app.models import Channel
    from requests_app.models import SupportRequest
    from requests_app.reference import clean_reference

    errors = {}
    if kind not in FeedbackKind.values:
        errors["kind"] = _("Choose what kind of message this is.")
    message = (message or "").strip()
    if not message:
        errors["message"] = _("Write your message.")
    elif len(message) > MAX_FEEDBACK_MESSAGE:
        errors["message"] = _(
            "Your message is too long: at most %(max)s characters (you wrote %(count)s)."
        ) % {"max": MAX_FEEDBACK_MESSAGE, "count": len(message)}
    name = (name or "").strip()[:200]
    if mobile and mobile.strip():
        try:
            mobile = normalize_mobile(mobile)
        except ValidationError as exc:
            errors["mobile"] = exc.messages[0]
    else:
        mobile = ""
    email = (email or "").strip()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errors["email"] = _("Enter a valid e-mail address, e.g. name@example.com.")
    support_request = None
    reference = ""
    if request_reference and request_reference.strip():
        reference = clean_reference(request_reference)
        if not reference:
            errors["request_reference"] = _(
                "This is not a valid request reference: check the 10 digits."
            )
        else:
            support_request = SupportRequest.objects.filter(reference=reference).first()
    channel = (
        Channel.objects.filter(code=channel_code).first()
        or Channel.objects.filter(code="website").first()
    )
    if channel is None:
        errors["channel"] = _("Choose how the message was received.")
    if errors:
        raise SatisfactionError(errors)
    return {
        "kind": kind,
        "message": message,
        "name": name,
        "mobile": mobile,
        "email": email,
        "request_reference": reference,
        "support_request": support_request,
        "channel": channel,
    }


def feedback_submit(
    *,
    kind: str,
    message: str,
    name: str = "",
    mobile: str = "",
    email: str = "",
    request_reference: str = "",
    channel_code: str = "website",
    language: str = "ar",
    actor=None,
) -> Feedback:
    """Receive a complaint, suggestion, thanks or inquiry — from the public form, or
    recorded by an officer when it came by phone, in person or by letter — and send its
    tracking code. Raises ``SatisfactionError`` with field errors and saves nothing on bad
    input."""
    fields = feedback_clean(
        kind=kind,
        message=message,
        name=name,
        mobile=mobile,
        email=email,
        request_reference=request_reference,
        channel_code=channel_code,
    )
    now = timezone.now()
    for _attempt in range(10):
        try:
            with transaction.atomic():
                feedback = Feedback.objects.create(
                    tracking_code=new_tracking_code(),
                    **fields,
                    language=language if language in ("ar", "en") else "ar",
                    created_at=now,
                    due_on=add_working_days(timezone.localdate(now), FEEDBACK_WORKING_DAYS),
                )
            break
        except IntegrityError:
            continue
    else:  # pragma: no cover - 40 bits do not collide ten times
        raise RuntimeError("no free feedback tracking code")
    _notify_feedback(feedback, event="feedback_received")
    return feedback


def _feedback_recipient(feedback: Feedback):
    from channels_app.notify import Recipient

    return Recipient(
        name=feedback.name or "",
        mobile=feedback.mobile,
        email=feedback.email,
        language=feedback.language,
        preferred_channel_code="email" if feedback.email and not feedback.mobile else "",
    )


def _notify_feedback(feedback: Feedback, *, event: str) -> None:
    if not (feedback.mobile or feedback.email):
        return
    from channels_app.services import notification_send

    context = {"reference": feedback.tracking_code}
    if event == "feedback_reply":
        context["reply"] = feedback.reply
    feedback_pk = feedback.pk

    def send():
        try:
            notification_send(
                recipient=_feedback_recipient(Feedback.objects.get(pk=feedback_pk)),
                event=event,
                context=context,
                related=Feedback.objects.get(pk=feedback_pk),
            )
        except Exception:  # a message must never undo what was received
            logger.exception("Could not queue %s for feedback %s", event, feedback_pk)

    transaction.on_commit(send)


def _require_handler(actor) -> None:
    if not actor.has_perm("satisfaction.change_feedback"):
        raise PermissionDenied(_("Your role may not handle complaints and suggestions."))


@transaction.atomic
def feedback_assign(*, feedback: Feedback, assignee, actor) -> Feedback:
    _require_handler(actor)
    if not assignee.is_staff:
        raise SatisfactionError(_("Choose a member of staff."))
    locked = Feedback.objects.select_for_update().get(pk=feedback.pk)
    if locked.status == FeedbackStatus.CLOSED:
        raise SatisfactionError(_("This message is closed."))
    locked.assigned_to = assignee
    if locked.status == FeedbackStatus.NEW:
        locked.status = FeedbackStatus.IN_PROGRESS
    locked.save(update_fields=["assigned_to", "status"])
    feedback.assigned_to, feedback.status = locked.assigned_to, locked.status
    return locked


@transaction.atomic
def feedback_reply(*, feedback: Feedback, reply: str, actor) -> Feedback:
    """Answer the sender; the reply reaches them through their channel (if they left one)."""
    _require_handler(actor)
    reply = (reply or "").strip()
    if not reply:
        raise SatisfactionError({"reply": _("Write the reply.")})
    if len(reply) > MAX_REPLY:
        raise SatisfactionError(
            {"reply": _("The reply is too long (at most %(max)s characters).") % {"max": MAX_REPLY}}
        )
    locked = Feedback.objects.select_for_update().get(pk=feedback.pk)
    if locked.status == FeedbackStatus.CLOSED:
        raise SatisfactionError(_("This message is closed."))
    locked.reply = reply
    locked.replied_by = actor
    locked.replied_at = timezone.now()
    locked.status = FeedbackStatus.ANSWERED
    if locked.assigned_to_id is None:
        locked.assigned_to = actor
    locked.save(update_fields=["reply", "replied_by", "replied_at", "status", "assigned_to"])
    for field in ("reply", "replied_by", "replied_at", "status", "assigned_to"):
        setattr(feedback, field, getattr(locked, field))
    _notify_feedback(locked, event="feedback_reply")
    return locked


@transaction.atomic
def feedback_close(*, feedback: Feedback, actor) -> Feedback:
    _require_handler(actor)
    locked = Feedback.objects.select_for_update().get(pk=feedback.pk)
    if locked.status == FeedbackStatus.CLOSED:
        raise SatisfactionError(_("This message is already closed."))
    if locked.kind in (FeedbackKind.COMPLAINT, FeedbackKind.INQUIRY) and not locked.reply:
        raise SatisfactionError(_("Reply to the sender before closing a complaint or an inquiry."))
    locked.status = FeedbackStatus.CLOSED
    locked.closed_at = timezone.now()
    locked.save(update_fields=["status", "closed_at"])
    feedback.status, feedback.closed_at = locked.status, locked.closed_at
    return locked
