"""Demo deliveries, program runs, survey invitations, answers (realistic distributions:
most satisfied, some not; about half answer, a third of them anonymously) and complaints
& suggestions at every stage. Written in bulk (config.bulk: row tuples, COPY on
PostgreSQL); skipped when invitations already exist."""

import bisect
import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from config.bulk import BulkTable, Writer, deferred_indexes, reset_sequences

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


# From this many deliveries a load on PostgreSQL defers its indexes (config.bulk).
BIG = 20_000
BATCH = 20_000
MOODS, MOOD_CUM = [5, 4, 3, 2, 1], [46, 76, 88, 95, 100]
CASH_AMOUNTS = [Decimal(n) for n in (500, 1000, 1500, 2000)]
DELIVERY_KINDS = {"cash": "cash", "in_kind": "in_kind", "voucher": "voucher", "service": "service"}


def _delivered_requests(ctx):
    """The delivered demo requests: left by requests_app.demo, else read (as tuples)."""
    from requests_app.models import SupportRequest
    from requests_app.workflow import Status

    rows = ctx.data.get("delivered_requests")
    if rows is not None:
        return rows
    return list(
        SupportRequest.objects.filter(
            status__in=[Status.IN_DELIVERY, Status.DELIVERED, Status.CLOSED],
            decided_at__isnull=False,
            beneficiary__kind="direct",
        )
        .order_by("pk")
        .values_list(
            "pk", "beneficiary_id", "program_id", "channel_id", "assigned_officer_id",
            "support_kind", "status", "decided_at", "closed_at",
        )
    )  # fmt: skip


def seed(ctx) -> None:
    from beneficiaries.models import Beneficiary
    from requests_app.models import Program, ProgramRun, ServiceDelivery

    if SurveyInvitation.objects.exists() or ServiceDelivery.objects.exists():
        ctx.say("Satisfaction: there are deliveries or invitations already; none added.")
        return
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
    delivered = _delivered_requests(ctx)
    ibans = dict(Beneficiary.objects.exclude(iban="").values_list("pk", "iban"))
    models = [ServiceDelivery, SurveyInvitation, SurveyResponse, SurveyAnswer]
    big = len(delivered) >= BIG
    with transaction.atomic(), deferred_indexes(*models, enabled=big) as deferred:
        counts = _deliveries(ctx, delivered, runs, ibans, officer, now)
        if deferred:
            ctx.say("  satisfaction: building indexes…")
    reset_sequences(*models)
    ctx.say(
        f"Satisfaction: {counts['deliveries']:,} deliveries, {counts['invitations']:,} survey "
        f"invitations, {counts['responses']:,} answers ({counts['answers']:,} answered questions)."
    )
    _feedback(ctx, officer, manager, now)


def _deliveries(ctx, delivered, runs, ibans, officer, now) -> dict:
    """Deliveries, survey invitations, responses and answers as row tuples, in one pass."""
    from requests_app.models import Program, ServiceDelivery
    from requests_app.workflow import Status

    rng = ctx.rng
    random = rng.random
    today = timezone.localdate()
    programs = Program.objects.in_bulk()
    surveys = {pk: survey_for_program(program) for pk, program in programs.items()}
    questions = {
        survey.pk: list(survey.questions.values_list("pk", "kind"))
        for survey in surveys.values()
        if survey is not None
    }
    delivery_table = BulkTable(ServiceDelivery)
    invitation_table = BulkTable(SurveyInvitation, with_id=True)
    response_table = BulkTable(SurveyResponse, with_id=True)
    answer_table = BulkTable(SurveyAnswer)
    make_delivery = delivery_table.maker(
        "support_request_id", "kind", "amount", "quantity", "delivered_on", "delivered_by_id",
        "reference", "iban", "program_run_id", "completes_service", "created_at",
    )  # fmt: skip
    make_invitation = invitation_table.maker(
        "id", "survey_id", "beneficiary_id", "support_request_id", "program_id",
        "program_run_id", "channel_id", "officer_id", "token_hash", "token_salt", "created_at",
        "expires_at", "sent_at", "responded_at",
    )  # fmt: skip
    make_response = response_table.maker(
        "id", "survey_id", "invitation_id", "beneficiary_id", "anonymous", "program_id",
        "program_run_id", "channel_id", "officer_id", "submitted_at",
    )  # fmt: skip
    make_answer = answer_table.maker("response_id", "question_id", "number", "text")
    invitation_id = (SurveyInvitation.objects.aggregate(top=Max("id"))["top"] or 0) + 1
    response_id = (SurveyResponse.objects.aggregate(top=Max("id"))["top"] or 0) + 1
    counts = dict.fromkeys(["deliveries", "invitations", "responses", "answers"], 0)
    seen: set = set()
    ten = datetime.time(10)
    tz = timezone.get_current_timezone()
    thirty = datetime.timedelta(days=30)
    hour = datetime.timedelta(hours=1)
    total = len(delivered)
    with Writer() as writer:
        for start in range(0, total, BATCH):
            deliveries, invitations, responses, answers = [], [], [], []
            for row in delivered[start : start + BATCH]:
                (pk, beneficiary_id, program_id, channel_id, officer_id, support_kind, status,
                 decided_at, closed_at) = row  # fmt: skip
                day = min(
                    timezone.localdate(decided_at) + datetime.timedelta(days=rng.randint(1, 7)),
                    today,
                )
                kind = DELIVERY_KINDS.get(support_kind, "in_kind")
                iban = ibans.get(beneficiary_id, "")
                if kind == "cash" and not iban:
                    kind = "voucher"
                program_runs = runs.get(program_id)
                run = rng.choice(program_runs) if program_runs else None
                run_id = run.pk if run else None
                cash = kind == "cash"
                deliveries.append(
                    make_delivery(
                        pk, kind, rng.choice(CASH_AMOUNTS) if cash else None, None if cash else 1,
                        day, officer.pk, f"DLV-{pk:07d}", iban if cash else "", run_id,
                        status != Status.IN_DELIVERY, now,
                    )
                )  # fmt: skip
                survey = surveys.get(program_id)
                if status != Status.CLOSED or survey is None:
                    continue
                if run is not None and run.ended_at is None:
                    continue
                if run_id is not None:
                    # A run can hold a beneficiary once: the first invitation per (person, run).
                    if (beneficiary_id, run_id) in seen:
                        continue
                    seen.add((beneficiary_id, run_id))
                salt = tokens.new_salt()
                sent = max(datetime.datetime.combine(day, ten, tzinfo=tz), closed_at or now)
                sent = min(sent, now)
                answered = random() <= 0.48
                when = min(sent + rng.uniform(1, 240) * hour, now) if answered else None
                invitations.append(
                    make_invitation(
                        invitation_id, survey.pk, beneficiary_id, pk, program_id, run_id,
                        channel_id, officer_id, tokens.token_hash(tokens.token_for(salt)), salt,
                        sent, sent + thirty, sent, when,
                    )
                )  # fmt: skip
                if answered:
                    anonymous = random() < 0.3
                    responses.append(
                        make_response(
                            response_id, survey.pk, None if anonymous else invitation_id,
                            None if anonymous else beneficiary_id, anonymous, program_id, run_id,
                            channel_id, officer_id,
                            when.replace(day=1, hour=12, minute=0, second=0, microsecond=0)
                            if anonymous
                            else when,
                        )
                    )  # fmt: skip
                    _answers(rng, answers, response_id, questions[survey.pk], make_answer)
                    response_id += 1
                invitation_id += 1
            writer.write(
                (delivery_table, deliveries),
                (invitation_table, invitations),
                (response_table, responses),
                (answer_table, answers),
            )
            counts["deliveries"] += len(deliveries)
            counts["invitations"] += len(invitations)
            counts["responses"] += len(responses)
            counts["answers"] += len(answers)
            ctx.progress("deliveries", min(start + BATCH, total), total)
    return counts


def _answers(rng, out, response_id, questions, make_answer) -> None:
    """Answers to every question: most satisfied, some not."""
    mood = MOODS[bisect.bisect_right(MOOD_CUM, rng.random() * 100)]
    for question_id, kind in questions:
        number, text = None, ""
        if kind == QuestionKind.RATING:
            number = max(1, min(5, mood + rng.choice([0, 0, 0, -1, 1])))
        elif kind == QuestionKind.NPS:
            number = max(0, min(10, mood * 2 + rng.choice([-1, 0, 0, 1])))
        elif kind == QuestionKind.YES_NO:
            number = 1 if rng.random() < (0.9 if mood >= 4 else 0.5) else 0
        elif kind == QuestionKind.CHOICE:
            number = rng.choice([1, 1, 1, 2, 2, 3])
        else:
            text = rng.choice(COMMENTS)
        if number is not None or text:
            out.append(make_answer(response_id, question_id, number, text))


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
