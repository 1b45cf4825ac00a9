"""Demo data for the channels app: a handful of notifications in every state, contacts
over all ten channels (some tied to the demo requests, so this part runs after
requests_app.demo), and published content with monthly reach figures."""

import datetime

from django.utils import timezone

from .models import Channel, Interaction, Notification, OutreachItem, OutreachReach
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
    parser.add_argument(
        "--interactions", type=int, default=400, help="Demo contacts in the contact log."
    )
    parser.add_argument(
        "--outreach", type=int, default=24, help="Demo published content with reach figures."
    )


def seed(ctx) -> None:
    _notifications(ctx)
    _interactions(ctx)
    _outreach(ctx)


def _notifications(ctx) -> None:
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


# channel code, weight: how people reach the association in the demo.
CONTACT_CHANNELS = [
    ("phone", 35),
    ("in_person", 18),
    ("social_media", 10),
    ("website", 9),
    ("email", 7),
    ("branch_rep", 7),
    ("social_researcher", 5),
    ("help_request", 4),
    ("letter", 3),
    ("volunteering", 2),
]
SUMMARIES = {
    "inquiry": [
        "يسأل عن موعد صرف السلة الغذائية.",
        "تسأل عن المستندات المطلوبة لبرنامج دعم الإيجار.",
        "يستفسر عن حالة طلبه.",
        "تسأل هل يشمل البرنامج المقيمين.",
    ],
    "follow_up": ["متابعة استكمال صك الإعالة.", "تذكير بموعد الزيارة المنزلية."],
    "complaint": ["يشتكي من تأخر الرد على طلبه.", "ملاحظة على طريقة الاستقبال في الفرع."],
    "referral": ["أحيل من جمعية أخرى لطلب دعم علاجي."],
    "information": ["إبلاغ بموعد توزيع الحقيبة المدرسية.", "شرح شروط برنامج التأهيل."],
    "other": ["شكر للجمعية على الخدمة."],
}
CATEGORY_WEIGHTS = [
    ("inquiry", 45),
    ("follow_up", 20),
    ("information", 15),
    ("complaint", 8),
    ("referral", 5),
    ("other", 7),
]
ENQUIRERS = [("زائر يسأل عن الخدمات", "+966500000011"), ("متصل لم يذكر اسمه كاملًا", "")]


def _interactions(ctx) -> None:
    from django.conf import settings
    from django.contrib.auth import get_user_model

    from requests_app.models import SupportRequest

    total = max(0, ctx.options.get("interactions", 400))
    if not total or Interaction.objects.exists():
        ctx.say("Contacts: the contact log has rows already (or none asked); none added.")
        return
    rng = ctx.rng
    now = timezone.now()
    channels = {channel.code: channel.pk for channel in Channel.objects.all()}
    codes = [code for code, _w in CONTACT_CHANNELS if code in channels]
    weights = [w for code, w in CONTACT_CHANNELS if code in channels]
    User = get_user_model()
    staff = ctx.users.get("officer") or User.objects.filter(is_staff=True).first()
    researcher = ctx.users.get("researcher")
    requests = list(
        SupportRequest.objects.order_by("-submitted_at").values_list(
            "pk", "beneficiary_id", "submitted_at"
        )[: max(total, 1)]
    )
    hours = getattr(settings, "MUSTAFID_INQUIRY_ANSWER_HOURS", 48)
    rows = []
    for index in range(total):
        category = rng.choices(*zip(*CATEGORY_WEIGHTS, strict=True))[0]
        direction = (
            "outgoing"
            if category in ("follow_up", "information") and rng.random() < 0.7
            else "incoming"
        )
        row = Interaction(
            channel_id=channels[rng.choices(codes, weights)[0]],
            direction=direction,
            category=category,
            summary=rng.choice(SUMMARIES[category]),
            staff=staff,
            occurred_at=now - datetime.timedelta(days=rng.uniform(0.05, 180)),
        )
        if requests and rng.random() < 0.75:
            request_id, beneficiary_id, submitted_at = requests[index % len(requests)]
            row.support_request_id, row.beneficiary_id = request_id, beneficiary_id
            # Contacts about a request come after it was submitted.
            span = max((now - submitted_at).total_seconds(), 60)
            row.occurred_at = submitted_at + datetime.timedelta(seconds=rng.uniform(0, span))
        else:
            row.contact_name, row.contact_detail = rng.choice(ENQUIRERS)
        if direction == "incoming" and category == "inquiry":
            row.response_due_at = row.occurred_at + datetime.timedelta(hours=hours)
            if rng.random() < 0.85:
                answered = row.occurred_at + datetime.timedelta(hours=rng.uniform(0.1, hours * 1.4))
                row.answered_at = answered if answered <= now else None
            if researcher is not None and rng.random() < 0.05:
                row.referred_to = researcher
                row.referred_at = row.occurred_at + datetime.timedelta(hours=1)
        rows.append(row)
    # Rows skip history, like imported ones (config/bulk.py).
    Interaction.objects.bulk_create(rows, batch_size=2000)
    ctx.say(f"Contacts: {len(rows)} over every channel, in and out.")


OUTREACH = [
    ("post", "social_media", "حملة «سلة رمضان» على منصة إكس", "Ramadan basket campaign on X"),
    ("video", "social_media", "مقطع: كيف تقدم طلب دعم؟", "Video: how to apply for support"),
    ("article", "website", "دليل خدمات الجمعية", "Guide to the association's services"),
    ("publication", "website", "التقرير السنوي للجمعية", "The association's annual report"),
    ("campaign", "email", "النشرة البريدية الشهرية", "Monthly newsletter"),
    (
        "product",
        "volunteering",
        "فرص التطوع في توزيع السلال",
        "Volunteering at basket distribution",
    ),
]


def _outreach(ctx) -> None:
    total = max(0, ctx.options.get("outreach", 24))
    if not total or OutreachItem.objects.exists():
        ctx.say("Outreach: published content exists already (or none asked); none added.")
        return
    rng = ctx.rng
    today = timezone.localdate()
    channels = {channel.code: channel for channel in Channel.objects.all()}
    items = []
    for index in range(total):
        kind, code, title, _english = OUTREACH[index % len(OUTREACH)]
        number = index // len(OUTREACH) + 1
        items.append(
            OutreachItem(
                kind=kind,
                channel=channels[code],
                title=f"{title} ({number})" if number > 1 else title,
                url=f"https://example.org/outreach/{index + 1}",
                published_on=today - datetime.timedelta(days=rng.randint(10, 170)),
            )
        )
    items = OutreachItem.objects.bulk_create(items)
    figures = []
    for item in items:
        start = item.published_on.replace(day=1)
        while start <= today:
            end = (start + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(days=1)
            views = rng.randint(200, 20000)
            figures.append(
                OutreachReach(
                    item=item,
                    period_start=start,
                    period_end=end,
                    views=views,
                    reach=int(views * rng.uniform(0.4, 0.8)),
                    engagements=int(views * rng.uniform(0.01, 0.08)),
                    downloads=rng.randint(5, 300) if item.kind == "publication" else 0,
                )
            )
            start = end + datetime.timedelta(days=1)
    OutreachReach.objects.bulk_create(figures, batch_size=2000)
    ctx.say(f"Outreach: {len(items)} published items, {len(figures)} monthly reach figures.")
