"""Demo programs and requests spread over every status, with realistic timelines.

Rows are written in bulk (config.bulk: COPY on PostgreSQL, tuples rather than model
instances, no per-row query) so a million requests load in minutes; every request still
gets the StatusChange history the service would have written, and every decided one its
committee votes and decision."""

import bisect
import datetime
import math
import random

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from channels_app.models import Channel
from config.bulk import (
    BulkTable,
    deferred_indexes,
    process_count,
    reset_sequences,
    write_built,
)

from .models import (
    Committee,
    CommitteeMeeting,
    CommitteeVote,
    Decision,
    Program,
    StatusChange,
    SupportRequest,
)
from .reference import LENGTH, _luhn_check_digit
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


# From this many requests a load on PostgreSQL defers its indexes (config.bulk).
BIG = 20_000
BATCH = 20_000
CHANNEL_WEIGHTS = [
    ("website", 45),
    ("in_person", 20),
    ("phone", 15),
    ("branch_rep", 8),
    ("social_researcher", 5),
    ("email", 4),
    ("letter", 3),
]
SUPPORT_KINDS = ["cash", "in_kind", "voucher", "service"]
AMOUNTS = [None, 500, 1000, 1500, 3000]
DELIVERED = {S.IN_DELIVERY, S.DELIVERED, S.CLOSED}


def _cumulative(weights):
    total, out = 0, []
    for weight in weights:
        total += weight
        out.append(total)
    return out


def seed(ctx) -> None:
    from beneficiaries.models import Beneficiary

    programs = _programs()
    ctx.data["programs"] = programs
    if SupportRequest.objects.exists():
        ctx.say("Requests: there are requests already; none added.")
        return
    total = ctx.options.get("requests", 300)
    people = list(
        Beneficiary.objects.filter(kind="direct")
        .order_by("pk")
        .values_list("pk", "name_normalized")[: max(total, 1)]
    )
    # Each request carries its person's folded name (the admin's name search).
    beneficiary_ids = [pk for pk, _name in people]
    ctx.data["beneficiary_names"] = dict(people)
    if not beneficiary_ids or total <= 0:
        ctx.say("Requests: no direct beneficiaries to attach requests to; skipped.")
        return
    total = min(total, len(beneficiary_ids) * len(programs))
    User = get_user_model()
    officer = ctx.users.get("officer") or User.objects.filter(is_staff=True).first()
    researcher = ctx.users.get("researcher") or officer
    committee = _committee(ctx)
    models = [SupportRequest, StatusChange, CommitteeVote, Decision]
    with transaction.atomic(), deferred_indexes(*models, enabled=total >= BIG) as deferred:
        counts = _requests(ctx, total, beneficiary_ids, programs, officer, researcher, committee)
        if deferred:
            ctx.say("  requests: building indexes…")
    reset_sequences(*models)
    ctx.say(
        f"Requests: {counts['requests']:,} with {counts['changes']:,} status changes; "
        f"committee: {counts['meetings']} meetings, {counts['decisions']:,} decisions with "
        f"{counts['votes']:,} votes."
    )


# -- the research committee: members, weekly meetings, votes and decisions ----------------

APPROVE_REASONS = [
    "الحالة مستحقة وفق سياسة البرنامج والمستندات مكتملة.",
    "أوصى الباحث الاجتماعي بالدعم، والدخل دون حد الكفاية.",
    "الأسرة تعولها أرملة ولا دخل ثابت لها.",
]


def _committee(ctx):
    """Demo committee members on the default committee and a meeting a week (Sunday
    evening) over the demo's span: (committee, members, meetings, first day), or None
    when there is no committee, no demo member, or decisions exist already."""
    committee = Committee.objects.filter(is_default=True).first()
    members = [
        ctx.users[name] for name in ("committee1", "committee2", "committee3") if name in ctx.users
    ]
    if committee is None or not members or Decision.objects.exists():
        return None
    committee.members.add(*members)
    if committee.chair_id is None:
        committee.chair = members[0]
        committee.save(update_fields=["chair"])
    today = timezone.localdate()
    # Requests are at most 120 days old: weekly meetings from a little before that.
    first_day = today - datetime.timedelta(days=7 * 19)
    meetings, day, number = [], first_day, 1
    while day <= today:
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
    return committee, members, [m.pk for m in meetings], first_day


def _requests(ctx, total, beneficiary_ids, programs, officer, researcher, committee) -> dict:
    """Requests, their status history and, for decided ones, the votes and the decision:
    generated as row tuples in one pass and written in batches (config.bulk), by several
    processes for a big load on PostgreSQL (config.bulk.built_rows)."""
    now = timezone.now()
    channels = dict(Channel.objects.values_list("code", "id"))
    officer_id = officer.pk if officer else None
    researcher_id = researcher.pk if researcher else None
    tables = {
        "requests": BulkTable(SupportRequest, with_id=True),
        "changes": BulkTable(StatusChange),
        "votes": BulkTable(CommitteeVote),
        "decisions": BulkTable(Decision),
    }
    state = _State()
    state.make_request = tables["requests"].maker(
        "id", "reference", "beneficiary_id", "beneficiary_name_normalized", "program_id",
        "channel_id", "need",
        "support_kind", "amount_requested", "urgency", "status", "assigned_officer_id",
        "assigned_researcher_id", "submitted_at", "decision_due_at", "clock_paused_at",
        "decided_at", "closed_at", "declaration_name", "declaration_signed_at",
        "rules_accepted_at", "updated_at",
    )  # fmt: skip
    state.make_change = tables["changes"].maker(
        "support_request_id", "from_status", "to_status", "actor_id", "note", "created_at"
    )
    state.make_vote = tables["votes"].maker(
        "support_request_id", "member_id", "vote", "reason", "recommended_kind",
        "recommended_amount", "meeting_id", "cast_at", "open",
    )  # fmt: skip
    state.make_decision = tables["decisions"].maker(
        "support_request_id", "committee_id", "outcome", "reason", "approved_kind",
        "approved_amount", "meeting_id", "approvals", "rejections", "votes_snapshot",
        "decided_by_id", "decided_at",
    )  # fmt: skip
    state.committee = None
    if committee:
        committee_obj, members, meeting_ids, first_day = committee
        member_ids = [m.pk for m in members]
        names = {m.pk: m.get_full_name() or m.get_username() for m in members}
        state.committee = (
            committee_obj.pk,
            member_ids,
            names,
            meeting_ids,
            datetime.datetime.combine(first_day, datetime.time(), tzinfo=datetime.UTC),
        )
    state.now, state.officer_id, state.researcher_id = now, officer_id, researcher_id
    state.channel_codes = [channels[c] for c, _w in CHANNEL_WEIGHTS]
    state.channel_cum = _cumulative([w for _c, w in CHANNEL_WEIGHTS])
    state.paths = [path for path, _weight in PATHS]
    state.path_cum = _cumulative([weight for _path, weight in PATHS])
    state.decision_days = [datetime.timedelta(days=p.decision_days) for p in programs]
    state.program_ids = [p.pk for p in programs]
    state.beneficiary_ids = beneficiary_ids
    state.person_names = ctx.data["beneficiary_names"]
    state.first_id = (SupportRequest.objects.aggregate(top=Max("id"))["top"] or 0) + 1
    # Each batch has its own generator, seeded from the demo's: the same requests for a
    # seed however many processes build them; references are a permutation of the ids
    # drawn from it too, so no two batches can give the same one.
    state.seed = ctx.rng.getrandbits(64)
    state.reference_key = _reference_key(ctx.rng)
    counts = dict.fromkeys(["requests", "changes", "decisions", "votes"], 0)
    counts["meetings"] = len(committee[2]) if committee else 0
    chunks = list(enumerate(range(0, total, BATCH)))
    chunks = [(index, start, min(start + BATCH, total)) for index, start in chunks]
    processes = process_count(ctx.options.get("processes"), big=total >= BIG)
    # What the satisfaction demo needs, without reading the requests back.
    delivered = write_built(
        ctx, "requests", _batch, state, chunks, processes, tables, counts,
        total=total, counted="requests",
    )  # fmt: skip
    ctx.data["delivered_requests"] = delivered
    return counts


class _State:
    """What every batch of requests needs (inherited by the worker processes)."""


def _batch(state, chunk) -> tuple[dict, list]:
    """Requests ``start`` to ``end`` - 1 (in demo order) with their changes, votes and
    decisions, as rows by table; and the delivered ones (for the satisfaction demo)."""
    index, start, end = chunk
    rng = random.Random(f"{state.seed}:{index}")
    random_, uniform = rng.random, rng.uniform
    urgencies, urgency_cum = ["normal", "urgent", "critical"], _cumulative([80, 17, 3])

    def pick(seq):  # rng.choice at a third of the cost (random() alone)
        return seq[int(random_() * len(seq))]

    make_request, make_change = state.make_request, state.make_change
    make_vote, make_decision = state.make_vote, state.make_decision
    now, officer_id, researcher_id = state.now, state.officer_id, state.researcher_id
    channel_codes, channel_cum = state.channel_codes, state.channel_cum
    paths, path_cum = state.paths, state.path_cum
    decision_days, program_ids = state.decision_days, state.program_ids
    beneficiary_ids, person_names = state.beneficiary_ids, state.person_names
    if state.committee:
        committee_id, member_ids, names, meeting_ids, first_moment = state.committee
        last_meeting = len(meeting_ids) - 1
    requests, changes, votes, decisions = [], [], [], []
    delivered = []
    day = datetime.timedelta(days=1)
    second = datetime.timedelta(seconds=1)
    n_beneficiaries = len(beneficiary_ids)
    for i in range(start, end):
        pk = state.first_id + i
        # Each (beneficiary, program) pair at most once: no two open requests collide.
        beneficiary_id = beneficiary_ids[i % n_beneficiaries]
        program_index = (i // n_beneficiaries) % len(program_ids)
        path = paths[bisect.bisect_right(path_cum, random_() * path_cum[-1])]
        submitted = now - uniform(0.2, 20 if len(path) <= 3 else 120) * day
        status = path[-1]
        # Spread the moves between submission and now.
        span = (now - submitted).total_seconds()
        moments = sorted(uniform(0, span) for _ in path[1:])
        timeline = [submitted] + [submitted + s * second for s in moments]
        decided_at = None
        if S.APPROVED in path:
            decided_at = timeline[path.index(S.APPROVED)]
            rejected = False
        elif S.REJECTED in path:
            decided_at = timeline[path.index(S.REJECTED)]
            rejected = True
        closed_at = timeline[-1] if status in (S.CLOSED, S.WITHDRAWN) else None
        kind = pick(SUPPORT_KINDS)
        amount = pick(AMOUNTS)
        channel_id = channel_codes[bisect.bisect_right(channel_cum, random_() * channel_cum[-1])]
        assigned = officer_id if status != S.SUBMITTED else None
        requests.append(
            make_request(
                pk, _reference(state.reference_key, pk), beneficiary_id,
                person_names[beneficiary_id], program_ids[program_index],
                channel_id, pick(NEEDS), kind, amount,
                urgencies[bisect.bisect_right(urgency_cum, random_() * 100)], status,
                assigned,
                researcher_id if status == S.REFERRED_RESEARCH else None, submitted,
                submitted + decision_days[program_index],
                timeline[-1] if status == S.NEEDS_INFO else None, decided_at, closed_at,
                "—", submitted, submitted, now,
            )
        )  # fmt: skip
        previous = ""
        for step, moment in zip(path, timeline, strict=True):
            changes.append(
                make_change(
                    pk,
                    previous,
                    step,
                    None if step == S.SUBMITTED else officer_id,
                    NOTES.get(step, ""),
                    moment,
                )
            )
            previous = step
        if status in DELIVERED and decided_at is not None:
            delivered.append(
                (pk, beneficiary_id, program_ids[program_index], channel_id, assigned,
                 kind, status, decided_at, closed_at)
            )  # fmt: skip
        if decided_at is None or not state.committee:
            continue
        meeting_id = meeting_ids[min(max((decided_at - first_moment).days // 7, 0), last_meeting)]
        choice = "reject" if rejected else "approve"
        reason = NOTES[S.REJECTED] if rejected else pick(APPROVE_REASONS)
        for member_id in member_ids:
            votes.append(
                make_vote(
                    pk, member_id, choice, reason, "" if rejected else kind,
                    None if rejected else amount, meeting_id, decided_at, False,
                )
            )  # fmt: skip
        decisions.append(
            make_decision(
                pk, committee_id,
                Decision.Outcome.REJECTED if rejected else Decision.Outcome.APPROVED,
                reason, "" if rejected else kind, None if rejected else amount, meeting_id,
                0 if rejected else len(member_ids), len(member_ids) if rejected else 0,
                [
                    {"member_id": m, "member": names[m], "vote": choice, "reason": reason}
                    for m in member_ids
                ],
                member_ids[-1], decided_at,
            )
        )  # fmt: skip
    rows = {"requests": requests, "changes": changes, "votes": votes, "decisions": decisions}
    return rows, delivered


# References: ten digits, the last a Luhn check digit, as the service's (``new_reference``).
_REFERENCE_LOW = 10 ** (LENGTH - 2)  # no leading zero
_REFERENCE_SPAN = 9 * 10 ** (LENGTH - 2)


def _reference_key(rng) -> tuple[int, int]:
    """A multiplier coprime with the span of references and an offset, drawn from the
    demo's generator: ``_reference`` maps ids one-to-one onto scattered references."""
    while True:
        multiplier = rng.randrange(10**6, _REFERENCE_SPAN)
        if math.gcd(multiplier, _REFERENCE_SPAN) == 1:
            return multiplier, rng.randrange(_REFERENCE_SPAN)


def _reference(key: tuple[int, int], pk: int) -> str:
    """The demo reference of request ``pk``: different for every id below 900 million."""
    multiplier, offset = key
    body = str(_REFERENCE_LOW + (pk * multiplier + offset) % _REFERENCE_SPAN)
    return body + _luhn_check_digit(body)
