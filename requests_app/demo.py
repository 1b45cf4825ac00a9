"""Demo programs and requests spread over every status, with realistic timelines.

Rows are written in bulk (not through the services) so a million requests load in
minutes; every request still gets the StatusChange history the service would have written."""

import datetime

from django.contrib.auth import get_user_model
from django.utils import timezone

from channels_app.models import Channel

from .models import Program, StatusChange, SupportRequest
from .reference import new_reference
from .workflow import Status

S = Status
PROGRAMS = [
    (
        "food-basket",
        "السلة الغذائية",
        "Food basket",
        ["national_id", "family_record"],
        14,
        "توفير سلة غذائية شهرية للأسر المحتاجة.",
        "A monthly food basket for families in need.",
    ),
    (
        "rent-support",
        "دعم الإيجار",
        "Rent support",
        ["national_id", "income_proof", "lease"],
        14,
        "المساهمة في سداد إيجار السكن للأسر المتعثرة.",
        "Help with the rent of families in arrears.",
    ),
    (
        "medical-aid",
        "المساعدات العلاجية",
        "Medical aid",
        ["national_id", "medical_report"],
        10,
        "المساعدة في تكاليف العلاج والأجهزة الطبية.",
        "Help with treatment and medical devices.",
    ),
    (
        "school-bag",
        "الحقيبة المدرسية",
        "School bag",
        ["national_id", "family_record"],
        7,
        "تجهيز الطلاب والطالبات بالحقيبة والمستلزمات المدرسية.",
        "School bags and supplies for students.",
    ),
    (
        "training",
        "برنامج التأهيل والتدريب",
        "Training and qualification",
        ["national_id"],
        14,
        "دورات تدريبية تؤهل للعمل.",
        "Courses that qualify for work.",
    ),
]

# Paths a request can have taken, with how often each appears in the demo.
PATHS = [
    ([S.SUBMITTED], 8),
    ([S.SUBMITTED, S.VERIFICATION], 10),
    ([S.SUBMITTED, S.VERIFICATION, S.NEEDS_INFO], 6),
    ([S.SUBMITTED, S.REFERRED_RESEARCH], 4),
    ([S.SUBMITTED, S.VERIFICATION, S.COMMITTEE_REVIEW], 12),
    ([S.SUBMITTED, S.VERIFICATION, S.COMMITTEE_REVIEW, S.APPROVED], 6),
    ([S.SUBMITTED, S.VERIFICATION, S.COMMITTEE_REVIEW, S.APPROVED, S.IN_DELIVERY], 6),
    ([S.SUBMITTED, S.VERIFICATION, S.COMMITTEE_REVIEW, S.APPROVED, S.IN_DELIVERY, S.DELIVERED], 8),
    (
        [
            S.SUBMITTED,
            S.VERIFICATION,
            S.COMMITTEE_REVIEW,
            S.APPROVED,
            S.IN_DELIVERY,
            S.DELIVERED,
            S.CLOSED,
        ],
        20,
    ),
    ([S.SUBMITTED, S.VERIFICATION, S.COMMITTEE_REVIEW, S.REJECTED, S.CLOSED], 10),
    ([S.SUBMITTED, S.VERIFICATION, S.COMMITTEE_REVIEW, S.REJECTED], 3),
    ([S.SUBMITTED, S.REFERRED_EXTERNAL], 2),
    ([S.SUBMITTED, S.REFERRED_EXTERNAL, S.CLOSED], 3),
    ([S.SUBMITTED, S.WITHDRAWN], 3),
]
NEEDS = [
    "أسرة من ستة أفراد، رب الأسرة متوفى، ونحتاج إلى مساعدة في المعيشة.",
    "تراكمت علينا إيجارات ثلاثة أشهر ومهددون بالإخلاء.",
    "والدتي تحتاج إلى جهاز غسيل كلوي منزلي.",
    "لدي أربعة أبناء في المدارس ولا أستطيع تجهيزهم.",
    "أبحث عن دورة تؤهلني للعمل بعد انقطاع.",
    "دخل الأسرة لا يكفي لتغطية الاحتياجات الأساسية.",
]
NOTES = {
    S.NEEDS_INFO: "نرجو إرفاق صورة سارية من صك الإعالة.",
    S.REFERRED_EXTERNAL: "الطلب خارج نطاق خدمات الجمعية؛ أُحيل إلى جمعية الإسكان الخيري.",
    S.WITHDRAWN: "سحب المتقدم الطلب بعد أن تيسر أمره.",
    S.REJECTED: "لا تنطبق شروط البرنامج على الحالة.",
}


def add_arguments(parser) -> None:
    parser.add_argument(
        "--requests", type=int, default=300, help="How many support requests (default 300)."
    )


def _programs() -> list[Program]:
    programs = []
    for order, (
        code,
        name_ar,
        name_en,
        documents,
        days,
        description_ar,
        description_en,
    ) in enumerate(PROGRAMS):
        program, _created = Program.objects.update_or_create(
            code=code,
            defaults={
                "name_ar": name_ar,
                "name_en": name_en,
                "description_ar": description_ar,
                "description_en": description_en,
                "eligibility_ar": "الأسر المسجلة لدى الجمعية والمقيمة في نطاق خدماتها.",
                "eligibility_en": "Families registered with the association and living in its area.",
                "required_document_types": documents,
                "decision_days": days,
                "quorum": 2,
                "sort_order": order,
            },
        )
        programs.append(program)
    return programs


def seed(ctx) -> None:
    from beneficiaries.models import Beneficiary

    programs = _programs()
    if SupportRequest.objects.exists():
        ctx.say("Requests: there are requests already; none added.")
        return
    total = ctx.options.get("requests", 300)
    beneficiary_ids = list(
        Beneficiary.objects.filter(kind="direct")
        .order_by("pk")
        .values_list("pk", flat=True)[: max(total, 1)]
    )
    if not beneficiary_ids or total <= 0:
        ctx.say("Requests: no direct beneficiaries to attach requests to; skipped.")
        return
    total = min(total, len(beneficiary_ids) * len(programs))
    channels = {c.code: c for c in Channel.objects.all()}
    weights_channels = [
        ("website", 45),
        ("in_person", 20),
        ("phone", 15),
        ("branch_rep", 8),
        ("social_researcher", 5),
        ("email", 4),
        ("letter", 3),
    ]
    User = get_user_model()
    officer = ctx.users.get("officer") or User.objects.filter(is_staff=True).first()
    researcher = ctx.users.get("researcher") or officer
    paths = [path for path, _weight in PATHS]
    path_weights = [weight for _path, weight in PATHS]
    now = timezone.now()
    rng = ctx.rng
    batch, made = [], 0
    used: set[str] = set()
    # Each (beneficiary, program) pair at most once: no two open requests collide.
    pairs = (
        (
            beneficiary_ids[i % len(beneficiary_ids)],
            programs[(i // len(beneficiary_ids)) % len(programs)],
        )
        for i in range(total)
    )
    for beneficiary_id, program in pairs:
        path = rng.choices(paths, path_weights)[0]
        age_days = rng.uniform(0.2, 20 if len(path) <= 3 else 120)
        submitted = now - datetime.timedelta(days=age_days)
        status = path[-1]
        request = SupportRequest(
            reference=_fresh_reference(used),
            beneficiary_id=beneficiary_id,
            program=program,
            channel=channels[
                rng.choices([c for c, _ in weights_channels], [w for _, w in weights_channels])[0]
            ],
            need=rng.choice(NEEDS),
            support_kind=rng.choice(["cash", "in_kind", "voucher", "service"]),
            amount_requested=rng.choice([None, 500, 1000, 1500, 3000]),
            urgency=rng.choices(["normal", "urgent", "critical"], [80, 17, 3])[0],
            status=status,
            submitted_at=submitted,
            decision_due_at=submitted + datetime.timedelta(days=program.decision_days),
            declaration_name="—",
            declaration_signed_at=submitted,
            rules_accepted_at=submitted,
            assigned_officer=officer if status != S.SUBMITTED else None,
            assigned_researcher=researcher if status == S.REFERRED_RESEARCH else None,
        )
        # Spread the moves between submission and now, decisions mostly within the promise.
        span = (now - submitted).total_seconds()
        moments = sorted(rng.uniform(0, span) for _ in path[1:])
        timeline = [submitted] + [submitted + datetime.timedelta(seconds=s) for s in moments]
        if status == S.NEEDS_INFO:
            request.clock_paused_at = timeline[-1]
        if S.APPROVED in path or S.REJECTED in path:
            request.decided_at = timeline[
                path.index(S.APPROVED if S.APPROVED in path else S.REJECTED)
            ]
        if status in (S.CLOSED, S.WITHDRAWN):
            request.closed_at = timeline[-1]
        batch.append((request, path, timeline))
        if len(batch) >= 2000:
            made += _flush(batch, officer)
            ctx.progress("requests", made, total)
            batch = []
    made += _flush(batch, officer)
    ctx.progress("requests", made, total)
    ctx.data["programs"] = programs
    _seed_committee(ctx, now)


# -- the research committee: members, weekly meetings, votes and decisions ----------------

APPROVE_REASONS = [
    "الحالة مستحقة وفق سياسة البرنامج والمستندات مكتملة.",
    "أوصى الباحث الاجتماعي بالدعم، والدخل دون حد الكفاية.",
    "الأسرة تعولها أرملة ولا دخل ثابت لها.",
]


def _seed_committee(ctx, now) -> None:
    """Demo committee members on the default committee, a meeting a week, and for every
    decided demo request the members' votes and the decision (bulk: cheap at a million)."""
    from .models import Committee, CommitteeMeeting, CommitteeVote, Decision

    committee = Committee.objects.filter(is_default=True).first()
    members = [
        ctx.users[name] for name in ("committee1", "committee2", "committee3") if name in ctx.users
    ]
    if committee is None or not members or Decision.objects.exists():
        return
    committee.members.add(*members)
    if committee.chair_id is None:
        committee.chair = members[0]
        committee.save(update_fields=["chair"])
    rows = list(
        SupportRequest.objects.filter(decided_at__isnull=False)
        .exclude(status=S.COMMITTEE_REVIEW)
        .values_list("pk", "decided_at", "support_kind", "amount_requested")
    )
    if not rows:
        return
    rejected = set(
        StatusChange.objects.filter(to_status=S.REJECTED).values_list(
            "support_request_id", flat=True
        )
    )
    # One meeting a week (Sunday evening) back to the oldest decision.
    oldest = min(decided for _pk, decided, _kind, _amount in rows)
    first_day = timezone.localdate(oldest) - datetime.timedelta(days=7)
    meetings, day, number = [], first_day, 1
    while day <= timezone.localdate(now):
        meetings.append(
            CommitteeMeeting(committee=committee, number=number, held_on=day, place="مقر الجمعية")
        )
        day += datetime.timedelta(days=7)
        number += 1
    meetings = CommitteeMeeting.objects.bulk_create(meetings)
    Attendees = CommitteeMeeting.attendees.through
    Attendees.objects.bulk_create(
        [Attendees(committeemeeting_id=m.pk, user_id=u.pk) for m in meetings for u in members]
    )
    names = {u.pk: u.get_full_name() or u.get_username() for u in members}
    votes, decisions = [], []
    for pk, decided_at, kind, amount in rows:
        index = min(
            max((timezone.localdate(decided_at) - first_day).days // 7, 0), len(meetings) - 1
        )
        meeting = meetings[index]
        outcome = Decision.Outcome.REJECTED if pk in rejected else Decision.Outcome.APPROVED
        choice = "reject" if pk in rejected else "approve"
        reason = NOTES[S.REJECTED] if pk in rejected else ctx.rng.choice(APPROVE_REASONS)
        these = [
            CommitteeVote(
                support_request_id=pk,
                member_id=member.pk,
                vote=choice,
                reason=reason,
                recommended_kind="" if pk in rejected else kind,
                recommended_amount=None if pk in rejected else amount,
                meeting_id=meeting.pk,
                cast_at=decided_at,
            )
            for member in members
        ]
        votes.extend(these)
        decisions.append(
            Decision(
                support_request_id=pk,
                committee=committee,
                outcome=outcome,
                reason=reason,
                approved_kind="" if pk in rejected else kind,
                approved_amount=None if pk in rejected else amount,
                meeting_id=meeting.pk,
                approvals=0 if pk in rejected else len(members),
                rejections=len(members) if pk in rejected else 0,
                votes_snapshot=[
                    {
                        "member_id": v.member_id,
                        "member": names[v.member_id],
                        "vote": v.vote,
                        "reason": reason,
                    }
                    for v in these
                ],
                decided_by_id=members[-1].pk,
                decided_at=decided_at,
            )
        )
        if len(votes) >= 6000:
            CommitteeVote.objects.bulk_create(votes, batch_size=2000)
            Decision.objects.bulk_create(decisions, batch_size=2000)
            votes, decisions = [], []
    CommitteeVote.objects.bulk_create(votes, batch_size=2000)
    Decision.objects.bulk_create(decisions, batch_size=2000)
    ctx.say(f"Committee: {len(meetings)} meetings, {len(rows)} decisions with their votes.")


def _fresh_reference(used: set[str]) -> str:
    """References are random; at a million requests some draws collide, so skip those."""
    while (reference := new_reference()) in used:
        pass
    used.add(reference)
    return reference


def _flush(batch, officer) -> int:
    if not batch:
        return 0
    created = SupportRequest.objects.bulk_create(
        [request for request, _path, _timeline in batch], batch_size=1000
    )
    changes = []
    for request, (_request, path, timeline) in zip(created, batch, strict=True):
        previous = ""
        for status, moment in zip(path, timeline, strict=True):
            changes.append(
                StatusChange(
                    support_request_id=request.pk,
                    from_status=previous,
                    to_status=status,
                    actor=None if status == S.SUBMITTED else officer,
                    note=NOTES.get(status, ""),
                    created_at=moment,
                )
            )
            previous = status
    StatusChange.objects.bulk_create(changes, batch_size=5000)
    return len(created)
