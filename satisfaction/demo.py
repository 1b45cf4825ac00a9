"""Demo deliveries, program runs, survey invitations, answers (realistic distributions:
most satisfied, some not; about half answer, a third of them anonymously) and complaints
& suggestions at every stage. Written in bulk; skipped when invitations already exist."""

import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone

from . import tokens
from .models import (
    Feedback,
    FeedbackKind,
    FeedbackStatus,
    QuestionKind,
    SurveyAnswer,
    SurveyInvitation,
    SurveyResponse,
)
from .services import new_tracking_code, survey_for_program
from .workdays import add_working_days

COMMENTS = [
    "خدمة ممتازة وتعامل راقٍ، جزاكم الله خيرًا.",
    "أتمنى تسريع إجراءات الصرف.",
    "الموظف كان متعاونًا جدًا.",
    "الانتظار في الفرع كان طويلًا.",
    "",
    "",
]
FEEDBACK = [
    (FeedbackKind.COMPLAINT, "تأخر الرد على طلبي أكثر من أسبوعين."),
    (FeedbackKind.COMPLAINT, "لم يصلني إشعار بموعد استلام السلة."),
    (FeedbackKind.SUGGESTION, "أقترح فتح الاستقبال في الفترة المسائية للموظفين."),
    (FeedbackKind.SUGGESTION, "يا حبذا لو كان التقديم متاحًا عبر تطبيق للجوال."),
    (FeedbackKind.THANKS, "شكرًا لكم على حسن التعامل وسرعة الإنجاز."),
    (FeedbackKind.INQUIRY, "ما المستندات المطلوبة لبرنامج دعم الإيجار؟"),
]


def add_arguments(parser) -> None:
    parser.add_argument(
        "--feedback", type=int, default=40, help="Complaints and suggestions (default 40)."
    )


def seed(ctx) -> None:
    from requests_app.models import Program, ProgramRun, ServiceDelivery, SupportRequest
    from requests_app.workflow import Status

    if SurveyInvitation.objects.exists() or ServiceDelivery.objects.exists():
        ctx.say("Satisfaction: there are deliveries or invitations already; none added.")
        return
    rng = ctx.rng
    now = timezone.now()
    User = get_user_model()
    officer = ctx.users.get("officer") or User.objects.filter(is_staff=True).first()
    manager = ctx.users.get("manager") or officer
    if officer is None:
        ctx.say("Satisfaction: no staff user; skipped.")
        return

    # Program runs for the programs that work in cohorts.
    runs = {}
    for program in Program.objects.filter(code="training"):
        runs[program.pk] = [
            ProgramRun.objects.create(
                program=program,
                name=name,
                starts_on=timezone.localdate() - datetime.timedelta(days=start),
                ends_on=timezone.localdate() - datetime.timedelta(days=end),
                ended_at=now - datetime.timedelta(days=end) if end > 0 else None,
                ended_by=officer if end > 0 else None,
            )
            for name, start, end in (("الدفعة الأولى", 120, 60), ("الدفعة الثانية", 50, 5))
        ]

    delivered = (
        SupportRequest.objects.filter(
            status__in=[Status.IN_DELIVERY, Status.DELIVERED, Status.CLOSED],
            decided_at__isnull=False,
        )
        .select_related("beneficiary", "program")
        .order_by("pk")
    )
    deliveries, invitations, made = [], [], 0
    for support_request in delivered.iterator(chunk_size=2000):
        day = timezone.localdate(support_request.decided_at) + datetime.timedelta(
            days=rng.randint(1, 7)
        )
        day = min(day, timezone.localdate())
        kind = {
            "cash": "cash",
            "in_kind": "in_kind",
            "voucher": "voucher",
            "service": "service",
        }.get(support_request.support_kind, "in_kind")
        if kind == "cash" and not support_request.beneficiary.iban:
            kind = "voucher"
        program_runs = runs.get(support_request.program_id)
        run = rng.choice(program_runs) if program_runs else None
        deliveries.append(
            ServiceDelivery(
                support_request=support_request,
                kind=kind,
                amount=Decimal(rng.choice([500, 1000, 1500, 2000])) if kind == "cash" else None,
                quantity=None if kind == "cash" else 1,
                delivered_on=day,
                delivered_by=officer,
                reference=f"DLV-{support_request.pk:07d}",
                iban=support_request.beneficiary.iban if kind == "cash" else "",
                program_run=run,
                completes_service=support_request.status != Status.IN_DELIVERY,
            )
        )
        if (
            support_request.status == Status.CLOSED
            and support_request.beneficiary.is_direct
            and (run is None or run.ended_at is not None)
        ):
            salt = tokens.new_salt()
            sent = max(
                timezone.make_aware(datetime.datetime.combine(day, datetime.time(10))),
                support_request.closed_at or now,
            )
            sent = min(sent, now)
            invitations.append(
                SurveyInvitation(
                    survey=survey_for_program(support_request.program),
                    beneficiary=support_request.beneficiary,
                    support_request=support_request,
                    program=support_request.program,
                    program_run=run,
                    channel_id=support_request.channel_id,
                    officer_id=support_request.assigned_officer_id,
                    token_salt=salt,
                    token_hash=tokens.token_hash(tokens.token_for(salt)),
                    created_at=sent,
                    sent_at=sent,
                    expires_at=sent + datetime.timedelta(days=30),
                )
            )
        if len(deliveries) >= 2000:
            made += _flush(deliveries, invitations, rng, now)
            deliveries, invitations = [], []
    made += _flush(deliveries, invitations, rng, now)
    ctx.say(f"Satisfaction: {made:,} deliveries with their survey invitations and answers.")
    _feedback(ctx, officer, manager, now)


def _flush(deliveries, invitations, rng, now) -> int:
    from requests_app.models import ServiceDelivery

    ServiceDelivery.objects.bulk_create(deliveries, batch_size=1000)
    # A run can hold a beneficiary once: keep the first invitation per (beneficiary, run).
    seen, unique = set(), []
    for invitation in invitations:
        key = (invitation.beneficiary_id, invitation.program_run_id)
        if invitation.program_run_id and key in seen:
            continue
        seen.add(key)
        unique.append(invitation)
    created = SurveyInvitation.objects.bulk_create(unique, batch_size=1000)
    responses, answered = [], []
    for invitation in created:
        if rng.random() > 0.48:
            continue
        anonymous = rng.random() < 0.3
        when = min(invitation.sent_at + datetime.timedelta(hours=rng.uniform(1, 240)), now)
        invitation.responded_at = when
        answered.append(invitation)
        responses.append(
            SurveyResponse(
                survey=invitation.survey,
                invitation=None if anonymous else invitation,
                beneficiary=None if anonymous else invitation.beneficiary,
                anonymous=anonymous,
                program=invitation.program,
                program_run=invitation.program_run,
                channel_id=invitation.channel_id,
                officer_id=invitation.officer_id,
                submitted_at=when.replace(day=1, hour=12, minute=0, second=0, microsecond=0)
                if anonymous
                else when,
            )
        )
    SurveyInvitation.objects.bulk_update(answered, ["responded_at"], batch_size=1000)
    SurveyResponse.objects.bulk_create(responses, batch_size=1000)
    questions = {}
    answers = []
    for response in responses:
        if response.survey_id not in questions:
            questions[response.survey_id] = list(response.survey.questions.all())
        mood = rng.choices([5, 4, 3, 2, 1], [46, 30, 12, 7, 5])[0]
        for question in questions[response.survey_id]:
            number, text = None, ""
            if question.kind == QuestionKind.RATING:
                number = max(1, min(5, mood + rng.choice([0, 0, 0, -1, 1])))
            elif question.kind == QuestionKind.NPS:
                number = max(0, min(10, mood * 2 + rng.choice([-1, 0, 0, 1])))
            elif question.kind == QuestionKind.YES_NO:
                number = 1 if rng.random() < (0.9 if mood >= 4 else 0.5) else 0
            elif question.kind == QuestionKind.CHOICE:
                number = rng.choice([1, 1, 1, 2, 2, 3])
            else:
                text = rng.choice(COMMENTS)
            if number is not None or text:
                answers.append(
                    SurveyAnswer(response=response, question=question, number=number, text=text)
                )
    SurveyAnswer.objects.bulk_create(answers, batch_size=5000)
    return len(deliveries)


def _feedback(ctx, officer, manager, now) -> None:
    from channels_app.models import Channel

    rng = ctx.rng
    channels = list(Channel.objects.filter(code__in=["website", "phone", "in_person"]))
    if not channels:
        return
    rows = []
    total = ctx.options.get("feedback", 40)
    for _index in range(total):
        kind, message = rng.choice(FEEDBACK)
        created = now - datetime.timedelta(days=rng.uniform(0, 60))
        status = rng.choices(
            [
                FeedbackStatus.NEW,
                FeedbackStatus.IN_PROGRESS,
                FeedbackStatus.ANSWERED,
                FeedbackStatus.CLOSED,
            ],
            [15, 20, 25, 40],
        )[0]
        answered = status in (FeedbackStatus.ANSWERED, FeedbackStatus.CLOSED)
        replied = created + datetime.timedelta(hours=rng.uniform(2, 100)) if answered else None
        rows.append(
            Feedback(
                tracking_code=new_tracking_code(),
                kind=kind,
                message=message,
                name=rng.choice(["", "أم محمد", "عبدالله السبيعي", "نورة العتيبي"]),
                mobile=rng.choice(["", "+966551234567", "+966501112233"]),
                channel=rng.choice(channels),
                status=status,
                assigned_to=officer if status != FeedbackStatus.NEW else None,
                reply="شكرًا لتواصلك، تمت معالجة ملاحظتك." if answered else "",
                replied_by=officer if answered else None,
                replied_at=min(replied, now) if replied else None,
                due_on=add_working_days(timezone.localdate(created), 5),
                created_at=created,
                closed_at=min(replied + datetime.timedelta(days=1), now)
                if status == FeedbackStatus.CLOSED
                else None,
            )
        )
    Feedback.objects.bulk_create(rows, batch_size=1000)
    ctx.say(f"Satisfaction: {len(rows)} complaints and suggestions.")
