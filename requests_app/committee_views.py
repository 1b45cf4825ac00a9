"""/committee/: the research committee's review queue, the case file with the vote, the
meetings and their printable minutes (POL-7.7, confidentiality POL-7.4)."""

import functools
import unicodedata
from html import escape as html_escape
from pathlib import PurePosixPath

from django.contrib import messages
from django.contrib.auth.views import LoginView, redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import OuterRef, QuerySet, Subquery
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeData, mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from beneficiaries.models import AccessLog, BeneficiaryDocument
from beneficiaries.selectors import can_see_sensitive_data
from beneficiaries.services import access_log_record
from channels_app.timeline import TimelineEntry, timeline_sources
from config.pagination import keyset_fields, offset_rows, seek_rows

from . import committee as committee_service
from .committee_reads import read_together
from .filters import CommitteeQueueFilter
from .forms import CommitteeRecuseForm, CommitteeVoteForm
from .models import CommitteeMeeting, CommitteeVote, Decision, SupportRequest
from .presentation import DueBadges
from .workflow import Status

PER_PAGE = 25
# What a row of the queue shows (queue.html, presentation.due_html): nothing more is read.
_QUEUE_FIELDS = (
    "reference",
    "status",
    "decision_due_at",
    "clock_paused_at",
    "program_id",
    "channel_id",
    "beneficiary__name_ar",
    "beneficiary__name_en",
)
_INLINE_TYPES = {"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png"}


class CommitteeLoginView(LoginView):
    template_name = "committee/login.html"
    redirect_authenticated_user = True

    def get_default_redirect_url(self):
        return reverse("committee:queue")


def committee_required(view):
    """Login at /committee/login/; then only users of the committee-member role."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), "committee:login")
        if not committee_service.is_committee_user(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


# -- the queue ---------------------------------------------------------------------------


@never_cache
@require_GET
@committee_required
def queue(request):
    """The queue in pages of PER_PAGE, by due date. Pages are keyset pages: "next" carries
    the position of the page's last row (``?after=``), "previous" that of its first
    (``?before=``), so every page costs one indexed read of PER_PAGE + 1 rows, and no page
    COUNTs the queue (issue 11)."""
    # The committees and the filter's choices, in one query.
    committees, *choices = committee_service.queue_scope(request.user)
    my_vote = (
        CommitteeVote.objects.filter(support_request=OuterRef("pk"), member=request.user, open=True)
        .order_by()
        .values("vote")[:1]
    )
    filterset = CommitteeQueueFilter(
        request.GET or None,
        queryset=SupportRequest.objects.none(),
        user=request.user,
        committees=committees,
        choices=choices,
    )
    # The filter has read the committees' programs (its choices): the queue is picked by
    # their ids, without joining the program table.
    base = filterset.queryset = (
        committee_service.review_queue_for(request.user, programs=filterset.programs)
        .select_related("beneficiary")
        .only(*_QUEUE_FIELDS)
        .annotate(my_vote=Subquery(my_vote))
        .order_by(*committee_service.QUEUE_ORDER)
    )
    rows_qs = filterset.qs if filterset.is_bound and filterset.is_valid() else base
    query = request.GET.copy()
    for key in ("page", "after", "before"):
        query.pop(key, None)
    query = query.urlencode()
    legacy_page = _page_number(request.GET.get("page"))
    if legacy_page > 1:
        return _legacy_page_redirect(rows_qs, legacy_page, query)
    rows, has_previous, has_next = _keyset_page(
        rows_qs,
        after=committee_service.queue_cursor_parse(request.GET.get("after")),
        before=committee_service.queue_cursor_parse(request.GET.get("before")),
    )
    prefix = f"?{query}&" if query else "?"
    return render(
        request,
        "committee/queue.html",
        {
            "filter": filterset,
            "rows": rows,
            "rows_html": _queue_rows_html(rows, filterset),
            "first_url": f"?{query}" if query else reverse("committee:queue"),
            "previous_url": f"{prefix}before={_cursor(rows[0])}" if has_previous and rows else "",
            "next_url": f"{prefix}after={_cursor(rows[-1])}" if has_next else "",
            "has_previous": has_previous,
            "committees": committees,
        },
    )


def _queue_rows_html(rows, filterset) -> str:
    """The queue's table rows, drawn in Python: the page is mostly these 25 rows, and the
    template language costs a lookup, an escape and a node per cell (issue 11). The markup
    is the one the template drew (tests/committee/test_rows.py compares them)."""
    # The programs and channels are the filter's choices, already read: no join, no query.
    programs = {program.pk: program.name for program in filterset.programs}
    channels = {channel.pk: channel.name for channel in filterset.channels}
    vote_labels = {value: str(label) for value, label in CommitteeVote.Vote.choices}
    not_voted = format_html('<span class="muted">{}</span>', _("Not voted yet"))
    # One reverse() for the page: the case links differ only by the id.
    case_url = reverse("committee:case", args=[0])
    cut = case_url.rindex("0")
    url_head, url_tail = _text(case_url[:cut]), _text(case_url[cut + 1 :])
    badges = DueBadges()
    html = []
    for row in rows:
        left = badges.days_left(row)
        overdue = left is not None and left < 0 and not row.clock_paused_at
        vote = _text(vote_labels.get(row.my_vote, "")) if row.my_vote else not_voted
        html.append(
            f'\n  <tr class="{"queue__row--overdue" if overdue else ""}">\n'
            f'    <td><a href="{url_head}{row.pk}{url_tail}"><bdi dir="ltr">'
            f"{_text(row.display_reference)}</bdi></a></td>\n"
            f"    <td>{_text(row.beneficiary.name)}</td>\n"
            f"    <td>{_text(programs.get(row.program_id, ''))}</td>\n"
            f"    <td>{_text(channels.get(row.channel_id, ''))}</td>\n"
            f"    <td>{badges.html(row, left)}</td>\n"
            f"    <td>{vote}</td>\n"
            "  </tr>\n  "
        )
    return mark_safe("".join(html))  # noqa: S308 - every text is escaped by _text


def _text(value) -> str:
    """Django's escape (html.escape of the text, safe strings as they are) without its
    lazy-string wrapper, which costs more than the escaping on a page of short cells."""
    return value if isinstance(value, SafeData) else html_escape(str(value))


def _cursor(row) -> str:
    return committee_service.queue_cursor(row.decision_due_at, row.pk)


def _keyset_page(rows_qs, *, after, before) -> tuple[list, bool, bool]:
    """(rows, has_previous, has_next): one query of PER_PAGE + 1 rows; the extra row says
    whether there is a page beyond."""
    keyset = keyset_fields(SupportRequest, committee_service.QUEUE_ORDER)
    if before is not None:
        rows, more = seek_rows(rows_qs, keyset, "before", list(before), PER_PAGE)
        if len(rows) == PER_PAGE:
            return rows, more, True
        # Back at the start with a short page: show the full first page instead.
    elif after is not None:
        rows, more = seek_rows(rows_qs, keyset, "after", list(after), PER_PAGE)
        return rows, True, more
    rows, more = offset_rows(rows_qs, 0, PER_PAGE)
    return rows, False, more


def _legacy_page_redirect(rows_qs, page: int, query: str):
    """An old ``?page=N`` link: to the keyset page that starts at the same row (one read of
    the index), or to the first page when the queue is shorter."""
    url = reverse("committee:queue")
    anchor = rows_qs.values_list(*committee_service.QUEUE_ORDER)[
        (page - 1) * PER_PAGE - 1 : (page - 1) * PER_PAGE
    ]
    anchor = next(iter(anchor), None)
    params = [query] if query else []
    if anchor is not None:
        params.append(f"after={committee_service.queue_cursor(*anchor)}")
    return redirect(f"{url}?{'&'.join(params)}" if params else url)


def _page_number(value) -> int:
    try:
        return max(1, min(int(value), 10_000))
    except (TypeError, ValueError):
        return 1


# -- the case file -----------------------------------------------------------------------


def _case_request(pk: int) -> SupportRequest:
    # Four joins, not seven: PostgreSQL plans every order of a query's joins, and the
    # seven-join read cost 4-20 ms of planning for a 0.7 ms execution at 1M rows (issue
    # 11). The committee comes with its members (committee_with_members); a decided
    # request's meeting, when it has one, is read when shown; the officer is not shown.
    return get_object_or_404(
        SupportRequest.objects.select_related("beneficiary", "program", "channel", "decision"),
        pk=pk,
    )


def _case_for(request, pk: int) -> tuple[SupportRequest, object, list]:
    """(the request, its committee, the members that committee lists), or 403/404: the
    member list read for the permission check is the one the case file shows."""
    support_request = _case_request(pk)
    committee, listed = committee_service.committee_with_members(support_request.program)
    _case_check(request, support_request, committee, listed)
    return support_request, committee, listed


def _case_check(request, support_request, committee, listed) -> None:
    """403 for anyone but a member of the request's committee; 404 for a request that is
    neither before the committee nor decided by it."""
    if not committee_service.is_member(request.user, committee, listed=listed):
        raise PermissionDenied
    if support_request.status != Status.COMMITTEE_REVIEW and not _has_decision(support_request):
        raise Http404


def _has_decision(support_request: SupportRequest) -> bool:
    try:
        return support_request.decision is not None
    except Decision.DoesNotExist:
        return False


def _recent_meetings_of(program):
    """The meetings of the last seven days of the program's committee (``committee_for``),
    before the committee is read: by the program's committee id, else the default
    committee's (at most one, a constraint)."""
    today = timezone.localdate()
    meetings = CommitteeMeeting.objects.filter(
        held_on__gte=today - timezone.timedelta(days=7), held_on__lte=today
    )
    if program.committee_id:
        return meetings.filter(committee_id=program.committee_id)
    return meetings.filter(committee__is_default=True)


@never_cache
@require_http_methods(["GET", "POST"])
@committee_required
def case_file(request, pk: int):
    support_request = _case_request(pk)
    # Everything else the page shows, read together after the request (one round trip on
    # PostgreSQL, committee_reads): the member check needs only the first of them, and
    # nothing is shown, logged or written before it passes.
    reads = _case_reads(support_request)
    member_rows = reads.pop("member_rows")
    read_together(member_rows, *reads.values())
    committee, listed = committee_service.committee_with_members(
        support_request.program, rows=None if member_rows is None else list(member_rows)
    )
    _case_check(request, support_request, committee, listed)
    meetings = reads["meetings"]
    # The request's votes, read once: the member's own, the list, the tally, who is left.
    votes = list(reads["votes"])
    mine = next((vote for vote in votes if vote.member_id == request.user.pk), None)
    vote_form = CommitteeVoteForm(
        meetings=meetings,
        initial={
            "vote": mine.vote if mine and mine.vote != CommitteeVote.Vote.RECUSE else None,
            "reason": mine.reason if mine else "",
            "recommended_kind": mine.recommended_kind if mine else "",
            "recommended_amount": mine.recommended_amount if mine else None,
        },
    )
    _same_rows(vote_form.fields["meeting"].queryset, meetings)
    recuse_form = CommitteeRecuseForm()
    status = 200
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "recuse":
            recuse_form = CommitteeRecuseForm(request.POST)
            if recuse_form.is_valid():
                try:
                    committee_service.committee_vote_recuse(
                        support_request=support_request,
                        member=request.user,
                        statement=recuse_form.cleaned_data["statement"],
                    )
                except ValidationError as error:
                    _form_errors(recuse_form, error)
                else:
                    messages.success(request, _("Your recusal has been recorded."))
                    return redirect("committee:case", pk=support_request.pk)
        else:
            vote_form = CommitteeVoteForm(request.POST, meetings=meetings)
            if vote_form.is_valid():
                data = vote_form.cleaned_data
                try:
                    committee_service.committee_vote_cast(
                        support_request=support_request,
                        member=request.user,
                        vote=data["vote"],
                        reason=data["reason"],
                        recommended_kind=data["recommended_kind"],
                        recommended_amount=data["recommended_amount"],
                        meeting=data["meeting"],
                    )
                except ValidationError as error:
                    _form_errors(vote_form, error)
                else:
                    if _has_decision(SupportRequest.objects.get(pk=support_request.pk)):
                        messages.success(
                            request, _("Your vote has been recorded and the decision was taken.")
                        )
                    else:
                        messages.success(request, _("Your vote has been recorded."))
                    return redirect("committee:case", pk=support_request.pk)
            _same_rows(vote_form.fields["meeting"].queryset, meetings)
        status = 400
    else:
        access_log_record(
            beneficiary=support_request.beneficiary,
            user=request.user,
            action=AccessLog.Action.VIEW,
            request=request,
            detail=_("Committee case file %(reference)s")
            % {"reference": support_request.display_reference},
        )
    context = _case_context(request, support_request, committee, listed, mine, votes, reads)
    context.update(vote_form=vote_form, recuse_form=recuse_form)
    return render(request, "committee/case.html", context, status=status)


def _same_rows(queryset, read) -> None:
    """Give a form field's queryset (a copy of ``read``: a field copies the queryset it is
    given) the rows ``read`` has already fetched, so drawing the field asks nothing."""
    if read._result_cache is not None and queryset._result_cache is None:
        queryset._result_cache = list(read._result_cache)
        queryset._prefetch_done = True


def _form_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


def _votes_of(support_request) -> QuerySet:
    return CommitteeVote.objects.filter(support_request=support_request).select_related(
        "member", "meeting"
    )


def _case_reads(support_request) -> dict:
    """The querysets of what the case file shows, none of them read yet: the case file
    reads them together (committee_reads.read_together). ``member_rows`` may be None
    (the committee already known); the timeline's parts may be lists (a source that the
    request's status rules out reads nothing)."""
    from policies.models import PolicyDocument
    from policies.selectors import _in_force

    beneficiary = support_request.beneficiary
    sources = {source.kind: source for source in timeline_sources()}
    return {
        "member_rows": committee_service.committee_member_rows(support_request.program),
        "votes": _votes_of(support_request),
        # In the timeline's order (time, then id): read once for the section and the
        # timeline.
        "reports": support_request.research_reports.select_related("researcher").order_by(
            "created_at", "pk"
        ),
        "status": sources["status"].for_request(support_request),
        "referral": sources["referral"].for_request(support_request),
        # policies.selectors.version_in_force(PROGRAM_ELIGIBILITY), as a queryset
        # (tests/committee/test_queries.py compares them).
        "eligibility_policy": _in_force().filter(
            document__kind=PolicyDocument.Kind.PROGRAM_ELIGIBILITY
        )[:1],
        "household": beneficiary.household.all(),
        "checks": support_request.document_checks.select_related("document", "checked_by"),
        "documents": beneficiary.documents.order_by("document_type", "-pk"),
        # Only what the list shows: not the decisions' vote snapshots nor the programs'
        # texts.
        "earlier": SupportRequest.objects.filter(beneficiary=beneficiary)
        .exclude(pk=support_request.pk)
        .select_related("program", "decision")
        .only(
            "reference",
            "submitted_at",
            "status",
            "program__name_ar",
            "program__name_en",
            "decision__outcome",
            "decision__reason",
        )
        .order_by("-submitted_at")[:20],
        "meetings": _recent_meetings_of(support_request.program),
    }


def _case_timeline(reads: dict) -> list:
    """The timeline entries case.html shows (votes have their own list on the page): the
    status changes, research reports and referrals in the shared timeline's order
    (channels_app.timeline.request_timeline), from the rows the page has read."""
    sources = {source.kind: source for source in timeline_sources()}
    entries = [
        TimelineEntry(kind, getattr(record, sources[kind].at), record, sources[kind].template)
        for kind in ("status", "research", "referral")
        for record in reads["reports" if kind == "research" else kind]
    ]
    # Oldest first; a stable sort keeps the sources' order for equal times, as
    # channels_app.timeline does (each source's rows come in their time order).
    return sorted(entries, key=lambda entry: entry.at)


def _case_context(request, support_request, committee, listed, mine, votes, reads) -> dict:
    """Everything the case file shows, in a fixed number of queries whatever the history
    (tests/committee/test_queries.py)."""
    beneficiary = support_request.beneficiary
    decision = support_request.decision if _has_decision(support_request) else None
    members = [] if decision else committee_service.committee_members_list(committee, listed=listed)
    voted = {vote.member_id for vote in votes}
    return {
        "case": support_request,
        "beneficiary": beneficiary,
        "sensitive": can_see_sensitive_data(request.user),
        "household": reads["household"],
        "checks": reads["checks"],
        "documents": reads["documents"],
        "reports": list(reads["reports"]),
        "earlier": reads["earlier"],
        "timeline": _case_timeline(reads),
        "eligibility_policy": next(iter(reads["eligibility_policy"]), None),
        "committee": committee,
        "votes": votes,
        "tally": committee_service.tally(votes),
        "waiting_for": [member for member in members if member.pk not in voted],
        "mine": mine,
        "decision": decision,
        "pending_reason": ""
        if decision
        else committee_service.decision_pending_reason(
            support_request, votes=votes, members=members
        ),
        "can_vote": decision is None
        and support_request.status == Status.COMMITTEE_REVIEW
        and not (mine and mine.vote == CommitteeVote.Vote.RECUSE),
    }


@never_cache
@require_GET
@committee_required
def case_document(request, pk: int, document_pk: int):
    """A document of the case, shown in the browser to the members of its committee only."""
    support_request, _committee, _listed = _case_for(request, pk)
    document = get_object_or_404(
        BeneficiaryDocument, pk=document_pk, beneficiary_id=support_request.beneficiary_id
    )
    if document.content_type not in _INLINE_TYPES:
        raise Http404
    try:
        handle = document.file.open("rb")
    except (FileNotFoundError, ValueError) as exc:
        raise Http404 from exc
    access_log_record(
        beneficiary=document.beneficiary_id,
        user=request.user,
        action=AccessLog.Action.DOWNLOAD,
        request=request,
        detail=f"{document.get_document_type_display()} #{document.pk}",
    )
    response = FileResponse(
        handle,
        as_attachment=False,
        filename=_file_name(document),
        content_type=document.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


def _file_name(document: BeneficiaryDocument) -> str:
    name = "".join(
        char for char in document.original_name if unicodedata.category(char)[0] != "C"
    ).strip()
    stem = PurePosixPath(name).stem.strip(". ") or f"document-{document.pk}"
    return f"{stem[:100]}{_INLINE_TYPES.get(document.content_type, '')}"


# -- meetings and minutes ----------------------------------------------------------------


def _meeting_for(request, pk: int) -> CommitteeMeeting:
    meeting = get_object_or_404(CommitteeMeeting.objects.select_related("committee"), pk=pk)
    if not (
        committee_service.is_member(request.user, meeting.committee)
        or request.user.has_perm("requests_app.change_committeemeeting")
    ):
        raise PermissionDenied
    return meeting


def _meeting_context(meeting: CommitteeMeeting) -> dict:
    decisions = list(
        Decision.objects.filter(meeting=meeting)
        .select_related("support_request__program", "support_request__beneficiary")
        .order_by("decided_at", "pk")
    )
    decided_ids = {decision.support_request_id for decision in decisions}
    agenda = [
        item
        for item in meeting.agenda.select_related("program", "beneficiary").order_by(
            "decision_due_at", "id"
        )
        if item.pk not in decided_ids
    ]
    return {
        "meeting": meeting,
        "attendees": list(meeting.attendees.order_by("first_name", "username")),
        "decisions": decisions,
        "agenda": agenda,
        "today": timezone.localdate(),
    }


@never_cache
@require_GET
def meeting_list(request):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path(), "committee:login")
    committees = committee_service.committees_of(request.user)
    if request.user.has_perm("requests_app.change_committeemeeting"):
        meetings = CommitteeMeeting.objects.all()
    elif committees:
        meetings = CommitteeMeeting.objects.filter(committee__in=committees)
    else:
        raise PermissionDenied
    meetings = meetings.select_related("committee")[:100]
    return render(request, "committee/meeting_list.html", {"meetings": meetings})


@never_cache
@require_GET
def meeting_detail(request, pk: int):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path(), "committee:login")
    meeting = _meeting_for(request, pk)
    return render(request, "committee/meeting_detail.html", _meeting_context(meeting))


@never_cache
@require_GET
def meeting_minutes(request, pk: int):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path(), "committee:login")
    meeting = _meeting_for(request, pk)
    return render(request, "committee/minutes.html", _meeting_context(meeting))
