"""Writes with rules for channels and notifications.

``notification_send`` is the one way the rest of Mustafid tells an applicant something.
It records a ``Notification`` and hands the sending to a Django Task after the caller's
transaction commits: nothing is sent for work that is rolled back, and a gateway that
fails marks the message failed (to be retried) without touching the caller's work."""

import logging
from collections.abc import Mapping
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.mail import DNS_NAME, EmailMessage, make_msgid
from django.db import models, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from policies.selectors import association_profile

from .models import Channel, Notification, NotificationTemplate
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
    from .tasks import deliver_notification

    # robust: a task queue that is down must not break the caller, whose work is
    # already committed; the row stays queued and the retry command finds it.
    transaction.on_commit(
        lambda: deliver_notification.enqueue(notification_id=notification_id), robust=True
    )


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
