"""Demo data for the channels app: a handful of notifications in every state, so the
back-office list and its filters have something to show. The workflow's demo creates
the real ones, tied to requests."""

import datetime

from django.utils import timezone

from .models import Channel, Notification
from .notify import SAMPLE_CONTEXT, Recipient, choose_route
from .services import notification_render

# name, mobile, e-mail, language, preferred channel, opted out
DEMO_RECIPIENTS = [
    ("فاطمة سعد الحربي", "+966501234501", "", "ar", "phone", False),
    ("عبدالرحمن محمد القحطاني", "+966551234502", "abdulrahman@example.org", "ar", "email", False),
    ("نوف خالد العتيبي", "+966561234503", "", "ar", "", False),
    ("Aisha Rahman", "+966591234504", "aisha@example.org", "en", "email", False),
    ("سلمان عبدالله الشمري", "", "", "ar", "letter", False),
    ("هيا ناصر الدوسري", "+966531234506", "", "ar", "phone", True),
    ("ماجد فهد الغامدي", "+966541234507", "majed@example.org", "ar", "website", False),
]
# References safe to read over the phone: no O/0, no I/1.
REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
GATEWAY_ERROR = "SmsError: SMS gateway answered HTTP 503: Service temporarily unavailable"


def add_arguments(parser) -> None:
    parser.add_argument(
        "--notifications",
        type=int,
        default=12,
        help="Demo notifications (the workflow's demo adds those tied to requests).",
    )


def seed(ctx) -> None:
    total = max(0, ctx.options.get("notifications", 12))
    rng = ctx.rng
    channels = {channel.code: channel for channel in Channel.objects.all()}
    events = list(Notification.Event)
    now = timezone.now()
    rows = []
    for index in range(total):
        name, mobile, email, language, preferred, opted_out = DEMO_RECIPIENTS[
            index % len(DEMO_RECIPIENTS)
        ]
        recipient = Recipient(name, mobile, email, language, preferred, opted_out)
        route = choose_route(recipient)
        event = events[index % len(events)]
        created = now - datetime.timedelta(days=rng.randint(0, 30), minutes=rng.randint(0, 600))
        context = dict(SAMPLE_CONTEXT.get(event, {}))
        if "reference" in context:
            prefix = context["reference"].split("-")[0]
            context["reference"] = f"{prefix}-" + "".join(rng.choices(REFERENCE_ALPHABET, k=6))
        if "due_date" in context:
            context["due_date"] = (created + datetime.timedelta(days=14)).date().isoformat()
        notification = Notification(
            recipient_name=name,
            to=route.to,
            channel=channels.get(route.channel_code) or channels["phone"],
            transport=route.transport,
            event=event,
            language=language,
            context=context,
            created_at=created,
        )
        if opted_out:
            notification.status = Notification.Status.SKIPPED_OPT_OUT
        elif not route.transport:
            notification.status = Notification.Status.SKIPPED_NO_ADDRESS
        else:
            notification_render(notification=notification)
            notification.attempts = 1
            notification.last_attempt_at = created + datetime.timedelta(seconds=2)
            if index % 5 == 4 and route.transport == Notification.Transport.SMS:
                notification.status = Notification.Status.FAILED
                notification.error = GATEWAY_ERROR
            else:
                notification.status = Notification.Status.SENT
                notification.sent_at = notification.last_attempt_at
                notification.provider_message_id = f"demo-{index + 1}"
        rows.append(notification)
    Notification.objects.bulk_create(rows)
    ctx.say(f"Notifications: {len(rows)} demo messages (sent, failed, not sent).")
