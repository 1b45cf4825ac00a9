"""Writes with rules for channels and notifications.

``notification_send`` is the one way the rest of Mustafid tells an applicant something.
It records a ``Notification`` and hands the sending to a Django Task that runs after the
caller's transaction commits (``channels_app.tasks.enqueue_after_commit``): nothing is
sent for work that is rolled back, and a gateway that fails marks the message failed (to
be retried) without touching the caller's work."""

import datetime
import logging
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import DNS_NAME, EmailMessage, make_msgid
from django.core.validators import validate_email
from django.db import models, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from policies.selectors import association_profile

from .models import (
    Channel,
    Interaction,
    Notification,
    NotificationTemplate,
    OutreachItem,
    OutreachReach,
    ReachImport,
)
from .notify import (
    SAMPLE_CONTEXT,
    Recipient,
    choose_route,
    jsonable_context,
    language_of,
    one_line,
    render_text,
)
from .sms import get_sms_backend

logger = logging.getLogger(__name__)

Status = Notification.Status
Transport = Notification.Transport

ERROR_MAX_LENGTH = 2000
TO_MAX_LENGTH = Notification._meta.get_field("to").max_length


def notification_send(
    *,
    recipient: Recipient,
    event: str,
    context: Mapping[str, Any] | None = None,
    related: models.Model | None = None,
    channel_code: str | None = None,
) -> Notification:
    """Record a message about ``event`` for ``recipient`` and send it after commit.

    ``context`` holds the template's values (dates may be ``date`` objects);
    ``related`` is what the message concerns (a support request…), for its timeline;
    ``channel_code`` overrides the person's preferred channel for this message.
    An opted-out person or one without any address gets a row saying so, not a message.
    Raises ``ValueError`` only for a programming mistake (an unknown event)."""
    if event not in Notification.Event.values:
        raise ValueError(f"Unknown notification event {event!r}.")
    if related is not None and related.pk is None:
        raise ValueError("notification_send(related=…) needs a saved object.")

    route = choose_route(recipient, channel_code)
    error = ""
    if recipient.opted_out:
        status = Status.SKIPPED_OPT_OUT
    elif not route.transport:
        status = Status.SKIPPED_NO_ADDRESS
    elif len(route.to) > TO_MAX_LENGTH:
        # Cut short it would reach someone else: record it, send nothing.
        status = Status.FAILED
        error = _("The address is too long to be real: %(to)s") % {"to": route.to}
    else:
        status = Status.QUEUED

    notification = Notification(
        recipient_name=recipient.name[:200],
        to=route.to[:TO_MAX_LENGTH],
        channel=_channel(route.channel_code),
        transport=route.transport,
        event=event,
        language=language_of(recipient),
        context=jsonable_context(context),
        status=status,
        error=error[:ERROR_MAX_LENGTH],
    )
    if related is not None:
        notification.related_type = ContentType.objects.get_for_model(related)
        notification.related_id = related.pk
    notification.save()
    if status == Status.QUEUED:
        _enqueue_after_commit(notification.pk)
    return notification


def notification_retry(*, notification: Notification) -> Notification:
    """Queue a failed message again (the same text; re-rendered if its template had
    failed). Raises ``ValidationError`` for a message that is not failed."""
    updated = Notification.objects.filter(pk=notification.pk, status=Status.FAILED).update(
        status=Status.QUEUED
    )
    if not updated:
        raise ValidationError(
            _("Only a failed message can be sent again: %(notification)s is “%(status)s”.")
            % {"notification": notification, "status": notification.get_status_display()},
            code="not_failed",
        )
    notification.refresh_from_db()
    _enqueue_after_commit(notification.pk)
    return notification


def notification_release_stuck(*, notification: Notification) -> Notification:
    """Free a message stuck in "queued" (its task never ran: it is queued again) or in
    "sending" (its worker stopped: it becomes failed, so a retry sends it)."""
    if notification.status == Status.QUEUED:
        _enqueue_after_commit(notification.pk)
    elif notification.status == Status.SENDING:
        Notification.objects.filter(pk=notification.pk, status=Status.SENDING).update(
            status=Status.FAILED,
            error=_("Interrupted: the sending worker stopped before it finished."),
        )
        notification.refresh_from_db()
    return notification


def notification_deliver(*, notification_id: int) -> str:
    """Send one queued message now (the task's body). Every failure — the template, the
    gateway, the mail server — ends in status "failed" with the error; nothing is raised.
    Returns the status it ended in."""
    now = timezone.now()
    # Claim the row: a second worker (or a retried task) finds nothing to do.
    claimed = Notification.objects.filter(pk=notification_id, status=Status.QUEUED).update(
        status=Status.SENDING, attempts=models.F("attempts") + 1, last_attempt_at=now
    )
    if not claimed:
        return "not-queued"
    notification = Notification.objects.select_related("channel").get(pk=notification_id)
    try:
        if not notification.body:
            notification_render(notification=notification)
            Notification.objects.filter(pk=notification.pk).update(
                template=notification.template,
                subject=notification.subject,
                body=notification.body,
            )
        message_id = _transmit(notification)
    except Exception as exc:  # noqa: BLE001 - any failure is recorded, never raised
        logger.warning("Notification %s failed: %s", notification_id, exc)
        Notification.objects.filter(pk=notification_id).update(
            status=Status.FAILED, error=_describe(exc)[:ERROR_MAX_LENGTH]
        )
        return Status.FAILED
    Notification.objects.filter(pk=notification_id).update(
        status=Status.SENT,
        sent_at=timezone.now(),
        error="",
        provider_message_id=(message_id or "")[:200],
    )
    return Status.SENT


# --- Helpers ----------------------------------------------------------------------------


def _channel(code: str) -> Channel:
    channel = Channel.objects.filter(code=code).first()
    if channel is None and code != "phone":
        channel = Channel.objects.filter(code="phone").first()
    if channel is None:
        raise Channel.DoesNotExist(
            "The POL-5 channels are missing (channels_app migration 0002): run migrate."
        )
    return channel


def _enqueue_after_commit(notification_id: int) -> None:
    # A queue that is down leaves the row "queued": the retry command finds it.
    from .tasks import deliver_notification, enqueue_after_commit

    enqueue_after_commit(deliver_notification, notification_id=notification_id)


class TemplateMissing(Exception):
    pass


class TemplateFailed(Exception):
    pass


def find_template(*, event: str, transport: str, language: str) -> NotificationTemplate:
    """The template for an event, transport and language; the other language's when the
    association has not written one in this language. Console messages use the SMS
    wording."""
    template_transport = Transport.EMAIL if transport == Transport.EMAIL else Transport.SMS
    candidates = {
        t.language: t
        for t in NotificationTemplate.objects.filter(event=event, transport=template_transport)
    }
    for lang in (language, "ar", "en"):
        if lang in candidates:
            return candidates[lang]
    raise TemplateMissing(
        _("There is no %(transport)s template for “%(event)s”: add one in the back-office.")
        % {
            "transport": Transport(template_transport).label,
            "event": Notification.Event(event).label,
        }
    )


def render_context(notification: Notification) -> dict[str, Any]:
    """What a template sees: the association's identity and the recipient's name, then
    the caller's values (which win)."""
    profile = association_profile()
    return {
        "recipient_name": notification.recipient_name,
        "association_name": profile.name,
        "association_phone": profile.phone,
        "association_website": profile.website,
        **notification.context,
    }


def notification_preview(*, template: NotificationTemplate) -> tuple[str, str]:
    """(subject, text) of a template filled with example values, for the back-office."""
    sample = Notification(
        recipient_name="محمد عبدالله" if template.language == "ar" else "Mohammed Abdullah",
        event=template.event,
        transport=template.transport,
        language=template.language,
        context=dict(SAMPLE_CONTEXT.get(template.event, {})),
    )
    with translation.override(template.language):
        context = render_context(sample)
        subject = one_line(render_text(template.subject, context)) if template.subject else ""
        return subject, render_text(template.body, context)


def notification_render(*, notification: Notification) -> None:
    """Fill the notification's template, subject and text (not saved). Raises
    ``TemplateMissing`` or ``TemplateFailed``."""
    template = find_template(
        event=notification.event,
        transport=notification.transport,
        language=notification.language,
    )
    notification.template = template
    try:
        # The message in the recipient's language; an error in the staff's.
        with translation.override(notification.language):
            context = render_context(notification)
            notification.body = render_text(template.body, context)
            notification.subject = (
                one_line(render_text(template.subject, context))[:300]
                if notification.transport == Transport.EMAIL
                else ""
            )
    except Exception as exc:
        raise TemplateFailed(
            _("The template “%(template)s” could not be used: %(error)s")
            % {"template": template, "error": _describe(exc)}
        ) from exc
    if not notification.body:
        raise TemplateFailed(
            _("The template “%(template)s” gave an empty message.") % {"template": template}
        )


def _transmit(notification: Notification) -> str:
    """Hand the message to its transport; return the provider's message ID."""
    if notification.transport == Transport.SMS:
        return get_sms_backend().send(notification.to, notification.body)
    if notification.transport == Transport.EMAIL:
        message_id = make_msgid(domain=DNS_NAME)
        EmailMessage(
            subject=notification.subject or notification.get_event_display(),
            body=notification.body,
            to=[notification.to],
            headers={"Message-ID": message_id},
        ).send(using="default")
        return message_id
    logger.info("Notification to %s: %s", notification.to, notification.body)
    return ""


def _describe(exc: BaseException) -> str:
    if isinstance(exc, TemplateMissing | TemplateFailed):
        return str(exc)
    return f"{type(exc).__name__}: {exc}"


# -- the contact log (POL-5, POL-7.1, POL-7.5) ----------------------------------------------

# A clock a few minutes ahead on the officer's phone should not block logging a call.
FUTURE_TOLERANCE = datetime.timedelta(minutes=5)


def inquiry_answer_hours() -> int:
    return getattr(settings, "MUSTAFID_INQUIRY_ANSWER_HOURS", 48)


def _clean_contact_detail(value: str) -> str:
    from beneficiaries.validators import normalize_digits, normalize_mobile

    value = (value or "").strip()
    if not value:
        return ""
    if "@" in value:
        try:
            validate_email(value)
        except ValidationError:
            raise ValidationError(
                {"contact_detail": _("Enter a valid e-mail address or a Saudi mobile number.")}
            ) from None
        return value.lower()
    try:
        return normalize_mobile(normalize_digits(value))
    except ValidationError:
        raise ValidationError(
            {"contact_detail": _("Enter a valid e-mail address or a Saudi mobile number.")}
        ) from None


@transaction.atomic
def interaction_log(
    *,
    channel: Channel | None,
    direction: str,
    category: str,
    summary: str,
    staff,
    beneficiary=None,
    contact_name: str = "",
    contact_detail: str = "",
    support_request=None,
    occurred_at: datetime.datetime | None = None,
    response_due_at: datetime.datetime | None = None,
    answered_at: datetime.datetime | None = None,
) -> Interaction:
    """Log one contact. An incoming inquiry gets an answer-due time (POL-7.1) unless one
    is given; a request's beneficiary is the contact's person when none is named."""
    now = timezone.now()
    occurred_at = occurred_at or now
    errors: dict[str, list[str]] = {}
    if channel is None:
        errors.setdefault("channel", []).append(_("Choose the channel of the contact."))
    if direction not in Interaction.Direction.values:
        errors.setdefault("direction", []).append(_("Choose incoming or outgoing."))
    if category not in Interaction.Category.values:
        errors.setdefault("category", []).append(_("Choose the category of the contact."))
    if not (summary or "").strip():
        errors.setdefault("summary", []).append(_("Write what the contact was about."))
    if support_request is not None:
        if beneficiary is None:
            beneficiary = support_request.beneficiary
        elif support_request.beneficiary_id != beneficiary.pk:
            errors.setdefault("support_request", []).append(
                _("This request belongs to another beneficiary.")
            )
    contact_name = (contact_name or "").strip()
    if beneficiary is None and not contact_name:
        errors.setdefault("contact_name", []).append(
            _("Choose the beneficiary, or write the name of a person who is not registered.")
        )
    if occurred_at > now + FUTURE_TOLERANCE:
        errors.setdefault("occurred_at", []).append(_("The contact cannot be in the future."))
    if response_due_at is not None and response_due_at < occurred_at:
        errors.setdefault("response_due_at", []).append(
            _("The answer cannot be due before the contact.")
        )
    if answered_at is not None and answered_at < occurred_at:
        errors.setdefault("answered_at", []).append(_("The answer cannot come before the contact."))
    try:
        contact_detail = _clean_contact_detail(contact_detail) if beneficiary is None else ""
    except ValidationError as exc:
        for field, messages_ in exc.message_dict.items():
            errors.setdefault(field, []).extend(messages_)
    if errors:
        raise ValidationError(errors)
    if (
        response_due_at is None
        and direction == Interaction.Direction.INCOMING
        and category == Interaction.Category.INQUIRY
    ):
        response_due_at = occurred_at + datetime.timedelta(hours=inquiry_answer_hours())
    return Interaction.objects.create(
        channel=channel,
        direction=direction,
        category=category,
        summary=summary.strip(),
        staff=staff,
        beneficiary=beneficiary,
        contact_name="" if beneficiary is not None else contact_name,
        contact_detail=contact_detail,
        support_request=support_request,
        occurred_at=occurred_at,
        response_due_at=response_due_at,
        answered_at=answered_at,
    )


@transaction.atomic
def interaction_answer(
    *, interaction: Interaction, actor, answered_at: datetime.datetime | None = None
) -> Interaction:
    """Record that an inquiry was answered (once; the first answer counts)."""
    interaction = Interaction.objects.select_for_update().get(pk=interaction.pk)
    if interaction.answered_at is not None:
        raise ValidationError(_("This inquiry was already answered."))
    answered_at = answered_at or timezone.now()
    if answered_at < interaction.occurred_at:
        raise ValidationError({"answered_at": _("The answer cannot come before the contact.")})
    if answered_at > timezone.now() + FUTURE_TOLERANCE:
        raise ValidationError({"answered_at": _("The answer cannot be in the future.")})
    interaction.answered_at = answered_at
    interaction._change_reason = f"answered by {getattr(actor, 'pk', None)}"
    interaction.save(update_fields=["answered_at"])
    return interaction


@transaction.atomic
def interaction_refer_to_researcher(
    *, interaction: Interaction, researcher, actor, note: str = ""
) -> Interaction:
    """POL-7.5: procedures unclear to the person, so the social researcher takes it up.

    With a request that may still be referred, the request itself moves to the
    researcher (the workflow's own service); otherwise the contact is assigned to them."""
    if not actor.has_perm("channels_app.refer_interaction"):
        raise PermissionDenied(_("Your role may not refer contacts."))
    if researcher is None or not researcher.has_perm("requests_app.research_supportrequest"):
        raise ValidationError(
            {"researcher": _("Choose a member of staff who is a social researcher.")}
        )
    interaction = Interaction.objects.select_for_update().get(pk=interaction.pk)
    if interaction.referred_to_id is not None:
        raise ValidationError(_("This contact was already referred to the social researcher."))
    support_request = interaction.support_request
    if support_request is not None:
        from requests_app.services import support_request_refer_research
        from requests_app.workflow import Status, allowed_targets

        if Status.REFERRED_RESEARCH in allowed_targets(support_request.status):
            support_request_refer_research(
                support_request=support_request,
                researcher=researcher,
                actor=actor,
                note=note.strip() or interaction.summary,
            )
    interaction.referred_to = researcher
    interaction.referred_at = timezone.now()
    interaction.save(update_fields=["referred_to", "referred_at"])
    return interaction


# -- reach figures ----------------------------------------------------------------------------


def reach_import_max_bytes() -> int:
    return getattr(settings, "MUSTAFID_REACH_IMPORT_MAX_MB", 5) * 1024 * 1024


def reach_import_preview(*, file_name: str, data: bytes, actor) -> ReachImport:
    """Read a CSV of reach figures and keep it, with every bad row named, for a preview.
    Nothing is imported until ``reach_import_apply``."""
    from .reach_csv import decode, parse

    limit = reach_import_max_bytes()
    if len(data) > limit:
        raise ValidationError(
            _("The file is %(size)s MB; the largest accepted is %(limit)s MB.")
            % {"size": round(len(data) / 1024 / 1024, 1), "limit": limit // 1024 // 1024}
        )
    text = decode(data)
    result = parse(text)
    return ReachImport.objects.create(
        file_name=(file_name or "reach.csv")[:255],
        content=text,
        rows=len(result.rows),
        errors=result.errors,
        uploaded_by=actor,
    )


@transaction.atomic
def reach_import_apply(*, reach_import: ReachImport, actor) -> int:
    """Import every row of a previewed CSV, or none: any bad row stops the whole file."""
    from .reach_csv import parse

    reach_import = ReachImport.objects.select_for_update().get(pk=reach_import.pk)
    if reach_import.status == ReachImport.Status.IMPORTED:
        raise ValidationError(_("This file was already imported."))
    result = parse(reach_import.content)
    if result.errors:
        reach_import.errors = result.errors
        reach_import.save(update_fields=["errors"])
        raise ValidationError(
            _("Nothing was imported: correct the rows named in the preview and upload again.")
        )
    items: dict = {}
    figures = []
    for row in result.rows:
        item = row.item or items.get(row.key)
        if item is None:
            item = OutreachItem.objects.create(
                kind=row.kind,
                channel=row.channel,
                title=row.title,
                url=row.url,
                published_on=row.published_on or row.period_start,
                created_by=actor,
            )
            items[row.key] = item
        figures.append(
            OutreachReach(
                item=item,
                period_start=row.period_start,
                period_end=row.period_end,
                views=row.views,
                reach=row.reach,
                engagements=row.engagements,
                downloads=row.downloads,
                source=OutreachReach.Source.IMPORT,
                reach_import=reach_import,
            )
        )
    OutreachReach.objects.bulk_create(figures)
    reach_import.status = ReachImport.Status.IMPORTED
    reach_import.imported_at = timezone.now()
    reach_import.rows = len(figures)
    reach_import.errors = []
    reach_import.save(update_fields=["status", "imported_at", "rows", "errors"])
    return len(figures)
