"""The research committee's writes and reads (POL-7.7): who sits on which committee,
votes and recusals, and the decision taken when the program's quorum is reached.

The rules, as the program page states them:
- a vote is approve, reject (a reason is required) or abstain; a member with a conflict of
  interest recuses with a statement and may not vote on that request afterwards;
- a member may change their vote until the decision is taken;
- the decision is taken as soon as the votes cast (recusals excluded) reach the program's
  quorum: the majority of approvals and rejections wins; on a tie the chair's vote
  decides; if the chair has not voted approve or reject yet, the request stays in review
  until the chair does (or a member changes their vote, or another member votes);
- the decision is final: it moves the request through ``support_request_transition``
  and the applicant is told, with the reason for a rejection."""

import datetime
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import connections, transaction
from django.db.models import CharField, Exists, F, OuterRef, Q, QuerySet, Value, Window
from django.db.models.functions import Cast, RowNumber
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import (
    Committee,
    CommitteeMeeting,
    CommitteeVote,
    Decision,
    Program,
    SupportKind,
    SupportRequest,
    Vote,
)
from .services import WorkflowError, support_request_transition
from .workflow import Status

VOTE_PERMISSION = "requests_app.add_committeevote"
COMMITTEE_GROUP_PERMISSION = VOTE_PERMISSION


# -- membership --------------------------------------------------------------------------


def default_committee() -> Committee | None:
    return Committee.objects.filter(is_default=True).first()


def committee_for(program) -> Committee | None:
    """The committee that decides a program's requests: its own, else the default one.

    The default committee is read once per program object: the case file asks three times
    (the permission check, the page, the pending reason)."""
    if program.committee_id:
        return program.committee
    if not hasattr(program, "_default_committee"):
        program._default_committee = default_committee()
    return program._default_committee


def is_committee_user(user) -> bool:
    """A user of the committee-member role (the permission to vote)."""
    return bool(
        user and user.is_authenticated and user.is_active and user.has_perm(VOTE_PERMISSION)
    )


def is_member(user, committee: Committee | None, *, listed: list | None = None) -> bool:
    """Whether ``user`` sits on ``committee``; ``listed`` is the committee's member list
    when the caller has read it already (``listed_members``): then no query."""
    if committee is None or not is_committee_user(user):
        return False
    if listed is not None:
        if any(member.pk == user.pk for member in listed):
            return True
        return committee.is_default and not listed
    if committee.members.filter(pk=user.pk).exists():
        return True
    # The default committee with no member list is the whole committee-member role.
    return committee.is_default and not committee.members.exists()


def committee_with_members(program, *, rows: list | None = None) -> tuple[Committee | None, list]:
    """(``committee_for(program)``, ``listed_members`` of it), in one query: the committee
    (the program's own, else the default one, at most one by a constraint) is read through
    its member rows, the user and the committee joined (the case file, issue 11); a second
    query only when that committee lists nobody. ``rows``: those member rows, when the
    caller has read them (``committee_member_rows``, read with the case file's others)."""
    if rows is None:
        query = committee_member_rows(program)
        if query is None:
            committee = committee_for(program)
            return committee, listed_members(committee)
        rows = list(query)
    if rows:
        if program.committee_id:
            program.committee = rows[0].committee
        else:
            program._default_committee = rows[0].committee
        return rows[0].committee, [row.user for row in rows]
    return committee_for(program), []


def committee_member_rows(program) -> QuerySet | None:
    """The member rows ``committee_with_members`` reads, the committee and the user joined,
    in the case file's order; None when the program's committee is known already (then
    ``committee_with_members`` reads the members alone)."""
    if hasattr(program, "_default_committee"):
        return None
    through = Committee.members.through
    if program.committee_id:
        if type(program).committee.is_cached(program):
            return None
        # The program's own committee comes with its member rows: the request's query
        # need not join it (each join of that query cost the planner more, issue 11).
        rows = through.objects.filter(committee_id=program.committee_id)
    else:
        rows = through.objects.filter(committee__is_default=True)
    return rows.select_related("committee", "user").order_by("user__first_name", "user__username")


def listed_members(committee: Committee | None) -> list:
    """The members a committee lists (active or not), in the case file's order: one query
    that answers both ``is_member`` and ``committee_members_list``."""
    if committee is None:
        return []
    return list(committee.members.order_by("first_name", "username"))


def committees_of(user) -> list[Committee]:
    """The committees the user sits on, in one query."""
    if not is_committee_user(user):
        return []
    through = Committee.members.through
    rows = (
        Committee.objects.filter(Q(members=user) | Q(is_default=True))
        .annotate(
            mine=Exists(through.objects.filter(committee_id=OuterRef("pk"), user_id=user.pk)),
            listed=Exists(through.objects.filter(committee_id=OuterRef("pk"))),
        )
        .distinct()
    )
    return [c for c in rows if c.mine or (c.is_default and not c.listed)]


def queue_choices(committees: list[Committee]) -> tuple[list, list, list]:
    """(programs, channels, meetings) the queue's filters offer, in one query (issue 11):
    the programs the committees decide, every channel, the committees' meetings, each in
    its model's order, with only what names them (as ``.only()`` would read them)."""
    from channels_app.models import Channel

    ids = [committee.pk for committee in committees]
    scope = Q(committee__in=ids)
    if any(committee.is_default for committee in committees):
        scope |= Q(committee__isnull=True)
    text, no_text = CharField(), Value(None, output_field=CharField())

    def part(queryset, kind, order, *columns):
        return (
            queryset.order_by()
            .annotate(choice_kind=Value(kind), choice_place=Window(RowNumber(), order_by=order))
            .values_list("choice_kind", "choice_place", "pk", *columns)
        )

    programs = part(
        Program.objects.filter(scope),
        "program",
        [F("sort_order").asc(), F("name_ar").asc()],
        "name_ar",
        "name_en",
        Cast("committee_id", text),
    )
    channels = part(
        Channel.objects.all(),
        "channel",
        [F("sort_order").asc(), F("code").asc()],
        "name_ar",
        "name_en",
        no_text,
    )
    meetings = part(
        CommitteeMeeting.objects.filter(committee__in=ids),
        "meeting",
        [F("held_on").desc(), F("number").desc()],
        Cast("number", text),
        no_text,
        no_text,
    )
    found: dict[str, list] = {"program": [], "channel": [], "meeting": []}
    for kind, place, *row in programs.union(channels, meetings, all=True).order_by():
        found[kind].append((place, row))
    db = programs.db

    def objects(model, names, rows, convert):
        return [model.from_db(db, names, convert(row)) for _, row in sorted(rows)]

    def program(row):
        pk, name_ar, name_en, committee_id = row
        return [pk, name_ar, name_en, int(committee_id) if committee_id is not None else None]

    return (
        objects(Program, ["id", "name_ar", "name_en", "committee_id"], found["program"], program),
        objects(Channel, ["id", "name_ar", "name_en"], found["channel"], lambda row: row[:3]),
        objects(
            CommitteeMeeting,
            ["id", "number"],
            found["meeting"],
            lambda row: [row[0], int(row[1])],
        ),
    )


def queue_scope(user) -> tuple[list, list, list, list]:
    """(committees, programs, channels, meetings) of the queue page, in one query (issue
    11): ``committees_of(user)`` and ``queue_choices`` of those committees, the committees
    picked in SQL. Raw SQL written once: the ORM's compilation of the two reads (a union
    of three windowed selects and a distinct with two EXISTS) cost more than running them.
    The committees carry what the queue reads of them (id, names, is_default, chair);
    tests/committee/test_queries.py compares every list with the ORM's."""
    from channels_app.models import Channel

    if not is_committee_user(user):
        return [], [], [], []
    db = Committee.objects.db
    with connections[db].cursor() as cursor:
        cursor.execute(_queue_scope_sql(connections[db]), [user.pk])
        rows = cursor.fetchall()
    found: dict[str, list] = {"committee": [], "program": [], "channel": [], "meeting": []}
    for kind, place, pk, name_ar, name_en, number, flag in rows:
        found[kind].append((place, pk, name_ar, name_en, number, flag))

    # from_db() takes the values in the model's field order.
    def objects(kind, model, names, convert):
        return [model.from_db(db, names, convert(*row[1:])) for row in sorted(found[kind])]

    return (
        objects(
            "committee",
            Committee,
            ["id", "name_ar", "name_en", "chair_id", "is_default"],
            lambda pk, ar, en, chair, default: [pk, ar, en, chair, bool(default)],
        ),
        objects(
            "program",
            Program,
            ["id", "name_ar", "name_en", "committee_id"],
            lambda pk, ar, en, committee, _flag: [pk, ar, en, committee],
        ),
        objects(
            "channel", Channel, ["id", "name_ar", "name_en"], lambda pk, ar, en, *_: [pk, ar, en]
        ),
        objects(
            "meeting",
            CommitteeMeeting,
            ["id", "number"],
            lambda pk, _ar, _en, number, _flag: [pk, number],
        ),
    )


def _queue_scope_sql(connection) -> str:
    """The query of ``queue_scope`` for a database connection's vendor (quoting)."""
    from channels_app.models import Channel

    q = connection.ops.quote_name
    committee, program = q(Committee._meta.db_table), q(Program._meta.db_table)
    members = q(Committee.members.through._meta.db_table)
    channel, meeting = q(Channel._meta.db_table), q(CommitteeMeeting._meta.db_table)
    # The rules of committees_of: a committee that lists the user, or the default one
    # when it lists nobody (then it is the whole committee-member role). Each part keeps
    # its model's order (Meta.ordering) in its row number.
    return f"""
WITH mine AS (
  SELECT c.id, c.name_ar, c.name_en, c.is_default, c.chair_id FROM {committee} c
  WHERE EXISTS (SELECT 1 FROM {members} m WHERE m.committee_id = c.id AND m.user_id = %s)
     OR (c.is_default AND NOT EXISTS (SELECT 1 FROM {members} m WHERE m.committee_id = c.id))
)
SELECT 'committee', ROW_NUMBER() OVER (ORDER BY is_default DESC, name_ar ASC), id, name_ar,
       name_en, chair_id, CASE WHEN is_default THEN 1 ELSE 0 END
FROM mine
UNION ALL
SELECT 'program', ROW_NUMBER() OVER (ORDER BY p.sort_order ASC, p.name_ar ASC), p.id,
       p.name_ar, p.name_en, p.committee_id, NULL
FROM {program} p
WHERE p.committee_id IN (SELECT id FROM mine)
   OR (p.committee_id IS NULL AND EXISTS (SELECT 1 FROM mine WHERE is_default))
UNION ALL
SELECT 'channel', ROW_NUMBER() OVER (ORDER BY sort_order ASC, code ASC), id, name_ar,
       name_en, NULL, NULL
FROM {channel}
UNION ALL
SELECT 'meeting', ROW_NUMBER() OVER (ORDER BY held_on DESC, number DESC), id, NULL, NULL,
       number, NULL
FROM {meeting}
WHERE committee_id IN (SELECT id FROM mine)"""


def committee_members(committee: Committee) -> QuerySet:
    if committee.members.exists() or not committee.is_default:
        return committee.members.filter(is_active=True).order_by("first_name", "username")
    return _role_members()


def committee_members_list(committee: Committee, *, listed: list | None = None) -> list:
    """``committee_members`` as a list, in one query when the committee lists its members
    (the case file shows them and counts them); none when ``listed`` (``listed_members``)
    is given."""
    if listed is None:
        listed = listed_members(committee)
    if listed or not committee.is_default:
        return [member for member in listed if member.is_active]
    return list(_role_members())


def _role_members() -> QuerySet:
    """Every active user of the committee-member role (the default committee without a list)."""
    User = get_user_model()
    from django.contrib.auth.models import Permission

    permission = Permission.objects.get(
        content_type__app_label="requests_app", codename="add_committeevote"
    )
    return (
        User.objects.filter(is_active=True)
        .filter(Q(groups__permissions=permission) | Q(user_permissions=permission))
        .distinct()
        .order_by("first_name", "username")
    )


def review_queue_for(
    user, committees: list[Committee] | None = None, *, programs: list | None = None
) -> QuerySet[SupportRequest]:
    """Requests in committee review that one of the user's committees decides.

    ``programs``: the programs those committees decide, when the caller has read them
    (the queue's filter has): the requests are then picked by program id, and the query
    does not join the program table to find its committee (issue 11)."""
    if programs is not None:
        return SupportRequest.objects.filter(
            program__in=[program.pk for program in programs], status=Status.COMMITTEE_REVIEW
        )
    if committees is None:
        committees = committees_of(user)
    if not committees:
        return SupportRequest.objects.none()
    ids = [committee.pk for committee in committees]
    scope = Q(program__committee__in=ids)
    if any(committee.is_default for committee in committees):
        scope |= Q(program__committee__isnull=True)
    return SupportRequest.objects.filter(scope, status=Status.COMMITTEE_REVIEW)


# -- the queue's pages: keyset ("seek") pagination ---------------------------------------
# A page starts after (or ends before) a position in the queue's order, so a deep page
# costs what the first one does: no OFFSET that reads and throws away the rows before it.
# The order (due date, id) is unique and matches the index request_committee_queue; the
# seek itself is the back-office lists' (config.pagination.seek_rows), only the link's
# position is the queue's own short form.

QUEUE_ORDER = ("decision_due_at", "id")
_EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)
_MICROSECOND = datetime.timedelta(microseconds=1)


def queue_cursor(due_at: datetime.datetime, pk: int) -> str:
    """A position in the queue for a link: the due time in microseconds (UTC) and the id."""
    return f"{(due_at - _EPOCH) // _MICROSECOND}_{pk}"


def queue_cursor_parse(value) -> tuple[datetime.datetime, int] | None:
    """The position a link carries, or None for anything that is not one."""
    try:
        micros, pk = str(value).split("_")
        due_at = _EPOCH + datetime.timedelta(microseconds=int(micros))
        pk = int(pk)
    except (TypeError, ValueError, OverflowError):
        return None
    return (due_at, pk) if pk > 0 else None


def can_review(user, support_request: SupportRequest) -> bool:
    return is_member(user, committee_for(support_request.program))


# -- votes -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Tally:
    approvals: int
    rejections: int
    abstentions: int
    recusals: int

    @property
    def cast(self) -> int:
        return self.approvals + self.rejections + self.abstentions


def tally(votes) -> Tally:
    counts = Counter(vote.vote for vote in votes)
    return Tally(
        approvals=counts[Vote.APPROVE],
        rejections=counts[Vote.REJECT],
        abstentions=counts[Vote.ABSTAIN],
        recusals=counts[Vote.RECUSE],
    )


def _lock_for_vote(*, support_request: SupportRequest, member) -> tuple[SupportRequest, Committee]:
    """Lock the request row (two members voting at once queue here) and check the voter."""
    locked = (
        SupportRequest.objects.select_for_update()
        .select_related("program")
        .get(pk=support_request.pk)
    )
    committee = committee_for(locked.program)
    if not is_member(member, committee):
        raise PermissionDenied(_("Only a member of this request's committee may vote on it."))
    if Decision.objects.filter(support_request=locked).exists():
        raise WorkflowError(_("The committee has already decided this request; votes are closed."))
    if locked.status != Status.COMMITTEE_REVIEW:
        raise WorkflowError(_("This request is not before the committee."))
    return locked, committee


def _check_meeting(meeting: CommitteeMeeting | None, committee: Committee) -> None:
    if meeting is not None and meeting.committee_id != committee.pk:
        raise WorkflowError({"meeting": _("This meeting belongs to another committee.")})


@transaction.atomic
def committee_vote_cast(
    *,
    support_request: SupportRequest,
    member,
    vote: str,
    reason: str = "",
    recommended_kind: str = "",
    recommended_amount: Decimal | None = None,
    meeting: CommitteeMeeting | None = None,
) -> CommitteeVote:
    """Record (or change) a member's vote, then take the decision if the quorum is reached."""
    reason = (reason or "").strip()
    if vote not in (Vote.APPROVE, Vote.REJECT, Vote.ABSTAIN):
        raise WorkflowError({"vote": _("Choose approve, reject or abstain.")})
    if vote == Vote.REJECT and not reason:
        raise WorkflowError(
            {"reason": _("Give the reason for the rejection: the applicant will read it.")}
        )
    if recommended_amount is not None and recommended_amount < 0:
        raise WorkflowError({"recommended_amount": _("The amount cannot be negative.")})
    if recommended_kind and recommended_kind not in SupportKind.values:
        raise WorkflowError({"recommended_kind": _("Choose a kind of support from the list.")})
    locked, committee = _lock_for_vote(support_request=support_request, member=member)
    _check_meeting(meeting, committee)
    current = CommitteeVote.objects.filter(support_request=locked, member=member).first()
    if current is not None and current.vote == Vote.RECUSE:
        raise WorkflowError(
            _(
                "You recused yourself from this request for a conflict of interest; you cannot vote on it."
            )
        )
    values = {
        "vote": vote,
        "reason": reason,
        "recommended_kind": recommended_kind if vote == Vote.APPROVE else "",
        "recommended_amount": recommended_amount if vote == Vote.APPROVE else None,
        "meeting": meeting,
        "cast_at": timezone.now(),
    }
    if current is None:
        current = CommitteeVote.objects.create(support_request=locked, member=member, **values)
    else:
        for field, value in values.items():
            setattr(current, field, value)
        current.save()
    decision_take_if_due(support_request=locked, committee=committee, actor=member, meeting=meeting)
    support_request.status = locked.status
    return current


@transaction.atomic
def committee_vote_recuse(
    *,
    support_request: SupportRequest,
    member,
    statement: str,
    meeting: CommitteeMeeting | None = None,
) -> CommitteeVote:
    """Declare a conflict of interest: the member's vote (if any) is withdrawn for good.

    A recusal may complete a decision: a tie that the recused member's vote made, say."""
    statement = (statement or "").strip()
    if not statement:
        raise WorkflowError(
            {
                "statement": _(
                    "Describe the conflict of interest (e.g. a relative of the applicant)."
                )
            }
        )
    locked, committee = _lock_for_vote(support_request=support_request, member=member)
    _check_meeting(meeting, committee)
    vote, _created = CommitteeVote.objects.update_or_create(
        support_request=locked,
        member=member,
        defaults={
            "vote": Vote.RECUSE,
            "reason": "",
            "conflict_statement": statement,
            "recommended_kind": "",
            "recommended_amount": None,
            "meeting": meeting,
            "cast_at": timezone.now(),
        },
    )
    decision_take_if_due(support_request=locked, committee=committee, actor=member, meeting=meeting)
    support_request.status = locked.status
    return vote


# -- the decision ------------------------------------------------------------------------


def _outcome(votes: list[CommitteeVote], committee: Committee) -> tuple[str | None, bool]:
    """(outcome or None, whether the chair broke a tie)."""
    counts = tally(votes)
    if counts.approvals > counts.rejections:
        return Decision.Outcome.APPROVED, False
    if counts.rejections > counts.approvals:
        return Decision.Outcome.REJECTED, False
    chair_vote = next((v for v in votes if v.member_id == committee.chair_id), None)
    if chair_vote is not None and chair_vote.vote == Vote.APPROVE:
        return Decision.Outcome.APPROVED, True
    if chair_vote is not None and chair_vote.vote == Vote.REJECT:
        return Decision.Outcome.REJECTED, True
    return None, False


def decision_pending_reason(
    support_request: SupportRequest, *, votes: list | None = None, members: list | None = None
) -> str:
    """Why no decision yet, in words for the case file (which passes the request's votes and
    the committee's members it has already read)."""
    committee = committee_for(support_request.program)
    if votes is None:
        votes = list(support_request.committee_votes.all())
    counts = tally(votes)
    quorum = support_request.program.quorum
    if committee is not None and counts.cast < quorum:
        member_count = len(members) if members is not None else committee_members(committee).count()
        able = member_count - counts.recusals
        if able < quorum:
            return _(
                "Only %(able)s members can vote on this request but the quorum is %(quorum)s: "
                "a manager must add members to the committee or lower the program's quorum."
            ) % {"able": able, "quorum": quorum}
    if counts.cast < quorum:
        return _("%(cast)s of the %(quorum)s votes needed have been cast.") % {
            "cast": counts.cast,
            "quorum": quorum,
        }
    outcome, _tie = _outcome(votes, committee) if committee else (None, False)
    if outcome is None:
        return _("The votes are tied: the chair's approve or reject vote decides.")
    return ""


def _approved_support(votes: list[CommitteeVote], support_request: SupportRequest):
    """The support the approving members recommended: the kind most of them named and the
    smallest amount named (the committee approves no more than all approvers agreed to);
    without recommendations, what the applicant asked for."""
    approving = [v for v in votes if v.vote == Vote.APPROVE]
    kinds = Counter(v.recommended_kind for v in approving if v.recommended_kind)
    kind = kinds.most_common(1)[0][0] if kinds else support_request.support_kind
    amounts = [v.recommended_amount for v in approving if v.recommended_amount is not None]
    amount = min(amounts) if amounts else support_request.amount_requested
    return kind, amount


def _snapshot(votes: list[CommitteeVote]) -> list[dict]:
    return [
        {
            "member_id": v.member_id,
            "member": v.member.get_full_name() or v.member.get_username(),
            "vote": v.vote,
            "reason": v.reason,
            "conflict_statement": v.conflict_statement,
            "recommended_kind": v.recommended_kind,
            "recommended_amount": str(v.recommended_amount)
            if v.recommended_amount is not None
            else None,
            "meeting_id": v.meeting_id,
            "cast_at": v.cast_at.isoformat(),
        }
        for v in votes
    ]


def decision_take_if_due(
    *, support_request: SupportRequest, committee: Committee, actor, meeting=None
) -> Decision | None:
    """Take the decision when the quorum is reached and the votes give an outcome.

    Called with the request row locked (``_lock_for_vote``), so two members completing the
    quorum at the same moment take one decision: the second finds it taken."""
    if Decision.objects.filter(support_request=support_request).exists():
        return None
    votes = list(
        CommitteeVote.objects.filter(support_request=support_request).select_related("member")
    )
    counts = tally(votes)
    if counts.cast < support_request.program.quorum:
        return None
    outcome, tie_broken = _outcome(votes, committee)
    if outcome is None:
        return None
    if tie_broken:
        winning = [v for v in votes if v.member_id == committee.chair_id]
    else:
        side = Vote.APPROVE if outcome == Decision.Outcome.APPROVED else Vote.REJECT
        winning = [v for v in votes if v.vote == side]
    # The same reason given by several members is written once.
    reason = "؛ ".join(dict.fromkeys(v.reason for v in winning if v.reason)) or (
        _("Approved by the research committee.")
        if outcome == Decision.Outcome.APPROVED
        else _("Rejected by the research committee.")
    )
    kind, amount = ("", None)
    if outcome == Decision.Outcome.APPROVED:
        kind, amount = _approved_support(votes, support_request)
    decision = Decision.objects.create(
        support_request=support_request,
        committee=committee,
        outcome=outcome,
        reason=reason,
        approved_kind=kind,
        approved_amount=amount,
        meeting=meeting,
        approvals=counts.approvals,
        rejections=counts.rejections,
        abstentions=counts.abstentions,
        recusals=counts.recusals,
        tie_broken_by_chair=tie_broken,
        votes_snapshot=_snapshot(votes),
        decided_by=actor,
    )
    # Closed votes leave the partial index the queue's "voted" filter reads (vote_member_open).
    CommitteeVote.objects.filter(support_request=support_request).update(open=False)
    # The member whose vote completed the decision makes the move (committee members hold
    # decide_supportrequest, roles.py); the transition checks the decision matches.
    support_request_transition(
        support_request=support_request,
        to_status=outcome,
        actor=actor,
        note=reason,
        decision=decision,
    )
    return decision
