"""/committee/ at scale (issue 11): keyset pages that walk the whole queue in order, old
``?page=N`` links, and a fixed number of queries per page and per case file whatever the
size of the queue or of the case's history, so an N+1 cannot come back unnoticed."""

import datetime
import re

import pytest
from django.db import connection
from django.utils import timezone

from beneficiaries.models import BeneficiaryDocument
from requests_app import committee as committee_service
from requests_app.committee_views import PER_PAGE
from requests_app.models import (
    CommitteeVote,
    DocumentCheck,
    Referral,
    ResearchReport,
    StatusChange,
    SupportRequest,
    Vote,
)
from requests_app.workflow import Status
from tests.factories import (
    BeneficiaryDocumentFactory,
    CommitteeMeetingFactory,
    HouseholdMemberFactory,
    SupportRequestFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

# The flatness tests below are what catch an N+1; these bounds, what each page reads.
# The queue: session, user, permissions, then its committees and choices (one query,
# committee.queue_scope) and its rows; on a process's first page, the association's
# profile and the permission names too. The case file: the same, the request, its other
# reads together (one round trip on PostgreSQL, committee_reads; one query each
# elsewhere), the access log, and a decided request's meeting.
QUEUE_QUERIES = 7
CASE_FILE_QUERIES = 7 if connection.vendor == "postgresql" else 16

NEXT = re.compile(r'<a rel="next" href="([^"]+)"')
PREV = re.compile(r'<a rel="prev" href="([^"]+)"')


@pytest.fixture
def member_client(client, members):
    client.force_login(members[1])
    return client


def _queue(program, count, *, ties=True):
    """``count`` requests in review; with ``ties``, groups of three share a due time, so
    the id must break the ties for the pages to be exact."""
    start = timezone.now() - datetime.timedelta(days=30)
    rows = []
    for index in range(count):
        due = start + datetime.timedelta(hours=index // 3 if ties else index)
        rows.append(
            SupportRequestFactory(
                program=program, in_committee=True, submitted_at=start, decision_due_at=due
            )
        )
    return sorted(rows, key=lambda r: (r.decision_due_at, r.pk))


def _refs(html: str, rows) -> list[str]:
    found = [
        (html.index(r.display_reference), r.display_reference)
        for r in rows
        if r.display_reference in html
    ]
    return [ref for _, ref in sorted(found)]


def _url(href: str) -> str:
    return "/committee/" + href.replace("&amp;", "&")


def test_next_and_previous_links_walk_the_whole_queue_in_order(member_client, program):
    rows = _queue(program, PER_PAGE * 2 + 7)
    expected = [r.display_reference for r in rows]
    seen, pages = [], []
    url = "/committee/"
    while url:
        html = member_client.get(url).content.decode()
        pages.append(html)
        seen += _refs(html, rows)
        link = NEXT.search(html)
        url = _url(link.group(1)) if link else None
    assert seen == expected
    assert len(pages) == 3
    assert not PREV.search(pages[0]) and "after=" in NEXT.search(pages[0]).group(1)
    # And back from the last page, page by page, to the first.
    back = []
    html = pages[-1]
    while link := PREV.search(html):
        html = member_client.get(_url(link.group(1))).content.decode()
        back = _refs(html, rows) + back
    assert back == expected[: PER_PAGE * 2]
    assert not PREV.search(html)


def test_a_filter_is_kept_in_the_page_links(member_client, program, members):
    rows = _queue(program, PER_PAGE + 5, ties=False)
    for row in rows[::2]:
        CommitteeVote.objects.create(support_request=row, member=members[1], vote=Vote.ABSTAIN)
    not_voted = [r.display_reference for r in rows[1::2]]
    first = member_client.get("/committee/?voted=no").content.decode()
    assert _refs(first, rows) == not_voted  # 17 rows: one page
    assert not NEXT.search(first)
    first = member_client.get("/committee/?voted=yes").content.decode()
    assert len(_refs(first, rows)) == (PER_PAGE + 5 + 1) // 2


def test_an_old_page_link_leads_to_the_same_rows(member_client, program):
    rows = _queue(program, PER_PAGE * 2 + 3)
    response = member_client.get("/committee/?page=2&voted=no")
    assert response.status_code == 302
    assert response["Location"].startswith("/committee/?voted=no&after=")
    html = member_client.get(response["Location"]).content.decode()
    assert _refs(html, rows) == [r.display_reference for r in rows[PER_PAGE : PER_PAGE * 2]]
    # Beyond the end: the first page.
    assert member_client.get("/committee/?page=50")["Location"] == "/committee/"


@pytest.mark.parametrize("cursor", ["zz", "1_", "_5", "99999999999999999999999_1", "5_-1", "1.5_2"])
def test_a_broken_cursor_shows_the_first_page(member_client, program, cursor):
    rows = _queue(program, 3)
    for param in ("after", "before"):
        response = member_client.get(f"/committee/?{param}={cursor}")
        assert response.status_code == 200
        assert _refs(response.content.decode(), rows) == [r.display_reference for r in rows]


def test_the_cursor_round_trips_to_the_microsecond():
    due = datetime.datetime(2026, 5, 1, 10, 30, 15, 123456, tzinfo=datetime.UTC)
    assert committee_service.queue_cursor_parse(committee_service.queue_cursor(due, 42)) == (
        due,
        42,
    )


def test_previous_from_near_the_start_shows_the_full_first_page(member_client, program):
    rows = _queue(program, PER_PAGE + 10, ties=False)
    third = rows[3]
    cursor = committee_service.queue_cursor(third.decision_due_at, third.pk)
    html = member_client.get(f"/committee/?before={cursor}").content.decode()
    assert _refs(html, rows) == [r.display_reference for r in rows[:PER_PAGE]]
    assert not PREV.search(html) and NEXT.search(html)


# -- queries per page --------------------------------------------------------------------


def _count(client, url, django_assert_max_num_queries, limit):
    with django_assert_max_num_queries(limit) as captured:
        response = client.get(url)
    assert response.status_code == 200
    assert not any("COUNT(" in q["sql"].upper() for q in captured.captured_queries)
    assert not any("OFFSET" in q["sql"].upper() for q in captured.captured_queries)
    return len(captured.captured_queries)


def _deep_url(client):
    """The third page, reached through the next links."""
    url = "/committee/"
    for _ in range(2):
        url = _url(NEXT.search(client.get(url).content.decode()).group(1))
    return url


FILTERS = [
    "voted=no",
    "region=riyadh&channel={channel}",
    "program={program}&overdue=on",
    "due_within=30&meeting={meeting}",
]


def test_queue_queries_do_not_grow_with_the_queue(
    member_client, program, members, django_assert_max_num_queries
):
    meeting = CommitteeMeetingFactory(committee=program.committee)
    rows = _queue(program, PER_PAGE * 2 + 1)
    filters = [
        f.format(channel=rows[0].channel_id, program=program.pk, meeting=meeting.pk)
        for f in FILTERS
    ]
    small = {
        "first": _count(member_client, "/committee/", django_assert_max_num_queries, QUEUE_QUERIES),
        "deep": _count(
            member_client, _deep_url(member_client), django_assert_max_num_queries, QUEUE_QUERIES
        ),
    }
    for query in filters:
        small[query] = _count(
            member_client, "/committee/?" + query, django_assert_max_num_queries, QUEUE_QUERIES
        )
    # Three times the queue, every row with votes, on a meeting's agenda, in every region.
    more = _queue(program, PER_PAGE * 6)
    for index, row in enumerate(more):
        for member in members[: index % 4]:
            CommitteeVote.objects.create(support_request=row, member=member, vote=Vote.APPROVE)
        meeting.agenda.add(row)
    assert _count(member_client, "/committee/", django_assert_max_num_queries, small["first"])
    assert _count(
        member_client, _deep_url(member_client), django_assert_max_num_queries, small["deep"]
    )
    for query in filters:
        _count(member_client, "/committee/?" + query, django_assert_max_num_queries, small[query])


def test_the_case_file_reads_a_fixed_number_of_queries(
    member_client, case, members, django_assert_max_num_queries
):
    with django_assert_max_num_queries(CASE_FILE_QUERIES) as bare:
        assert member_client.get(f"/committee/requests/{case.pk}/").status_code == 200
    # A long history: votes (one recusal), documents, checks, household, research
    # reports, referrals, status changes, earlier requests with decisions.
    officer = UserFactory(username="officer-x")
    beneficiary = case.beneficiary
    meeting = CommitteeMeetingFactory(committee=case.program.committee)
    CommitteeVote.objects.create(
        support_request=case, member=members[0], vote=Vote.APPROVE, meeting=meeting
    )
    CommitteeVote.objects.create(
        support_request=case, member=members[2], vote=Vote.RECUSE, conflict_statement="قريب"
    )
    for document_type in BeneficiaryDocument.DocumentType.values[:5]:
        HouseholdMemberFactory(beneficiary=beneficiary)
        document = BeneficiaryDocumentFactory(beneficiary=beneficiary, document_type=document_type)
        DocumentCheck.objects.create(
            support_request=case,
            document_type=document.document_type,
            document=document,
            present=True,
            checked_by=officer,
        )
        StatusChange.objects.create(
            support_request=case, from_status="", to_status=Status.VERIFICATION, actor=officer
        )
        ResearchReport.objects.create(
            support_request=case,
            researcher=officer,
            method="home_visit",
            visited_on=datetime.date(2026, 1, 1),
            findings="—",
            recommendation="—",
        )
        Referral.objects.create(
            support_request=case, association_name="جمعية", reason="—", created_by=officer
        )
        SupportRequestFactory(beneficiary=beneficiary, status=Status.CLOSED)
    assert SupportRequest.objects.filter(beneficiary=beneficiary).count() == 6
    with django_assert_max_num_queries(len(bare.captured_queries)):
        response = member_client.get(f"/committee/requests/{case.pk}/")
    assert response.status_code == 200
    assert "قريب" in response.content.decode()


def test_the_default_committees_case_file_reads_its_members_once(
    client, roles, members, django_assert_max_num_queries
):
    """A program without its own committee: the default committee and the members it lists
    come in one query, which also answers who may open the case (only those listed)."""
    from requests_app.models import Committee
    from tests.factories import CommitteeUserFactory, ProgramFactory

    default = Committee.objects.get(is_default=True)
    default.members.set(members[:3])
    case = SupportRequestFactory(program=ProgramFactory(quorum=3), in_committee=True)
    client.force_login(members[1])
    with django_assert_max_num_queries(CASE_FILE_QUERIES):
        html = client.get(f"/committee/requests/{case.pk}/").content.decode()
    waiting = html.split("لم يصوّت بعد")[1].split("</p>")[0]
    assert all(member.first_name in waiting for member in members[:3])
    assert members[3].first_name not in waiting
    client.force_login(members[3])  # of the role, not listed on the default committee
    assert client.get(f"/committee/requests/{case.pk}/").status_code == 403
    # Listing nobody, the default committee is the whole role.
    default.members.clear()
    client.force_login(CommitteeUserFactory(username="anyone"))
    assert client.get(f"/committee/requests/{case.pk}/").status_code == 200


def test_the_case_files_request_read_joins_four_tables_at_most(member_client, case):
    """PostgreSQL plans every order of a query's joins: the seven-join read of the request
    spent 4-20 ms planning at 1M rows for 0.7 ms of work (issue 11)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert member_client.get(f"/committee/requests/{case.pk}/").status_code == 200
    reads = [
        q["sql"]
        for q in captured.captured_queries
        if q["sql"].startswith('SELECT "requests_app_supportrequest"."id"')
        and f'WHERE "requests_app_supportrequest"."id" = {case.pk} ' in q["sql"]
    ]
    assert len(reads) == 1
    assert reads[0].count(" JOIN ") <= 4


def test_a_decided_case_names_its_meeting_and_a_committee_listing_nobody_refuses(
    client, case, members, django_assert_max_num_queries
):
    from requests_app.models import Committee

    meeting = CommitteeMeetingFactory(committee=case.program.committee)
    url = f"/committee/requests/{case.pk}/"
    for member in members[1:]:
        client.force_login(member)
        client.post(
            url, {"action": "vote", "vote": "approve", "reason": "—", "meeting": meeting.pk}
        )
    case.refresh_from_db()
    assert case.decision.meeting == meeting
    with django_assert_max_num_queries(CASE_FILE_QUERIES):
        html = client.get(url).content.decode()
    assert f'href="/committee/meetings/{meeting.pk}/"' in html
    # The program's own committee listing nobody: no one sits on it (not the whole role).
    Committee.objects.get(pk=case.program.committee_id).members.clear()
    assert client.get(url).status_code == 403


def test_the_queue_picks_its_rows_by_program_without_joining_programs(member_client, program):
    """The filter has read the committees' programs: the rows are picked by their ids."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    rows = _queue(program, 3)
    with CaptureQueriesContext(connection) as captured:
        html = member_client.get("/committee/?voted=no").content.decode()
    assert _refs(html, rows) == [row.display_reference for row in rows]
    (read,) = [q["sql"] for q in captured.captured_queries if "my_vote" in q["sql"]]
    assert 'JOIN "requests_app_program"' not in read


def test_the_queues_choices_come_in_one_query_in_each_models_order(
    program, members, django_assert_num_queries
):
    """Programs, channels and meetings read together are what the three reads gave."""
    import datetime as dt

    from channels_app.models import Channel
    from requests_app.models import Committee, CommitteeMeeting, Program
    from tests.factories import ProgramFactory

    other = ProgramFactory(committee=None, sort_order=program.sort_order)
    ProgramFactory(committee=Committee.objects.create(name_ar="أخرى", name_en="Other"))
    for days, number in ((3, 7), (1, 2), (3, 9)):
        CommitteeMeetingFactory(
            committee=program.committee,
            number=number,
            held_on=dt.date(2026, 1, 1) + dt.timedelta(days=days),
        )
    default = Committee.objects.get(is_default=True)
    for committees in ([program.committee], [program.committee, default], [default], []):
        with django_assert_num_queries(1):
            programs, channels, meetings = committee_service.queue_choices(committees)
        ids = [committee.pk for committee in committees]
        expected = Program.objects.filter(committee__in=ids)
        if default in committees:
            expected |= Program.objects.filter(committee__isnull=True)
        assert [(p.pk, p.name_ar, p.name_en, p.committee_id) for p in programs] == [
            (p.pk, p.name_ar, p.name_en, p.committee_id)
            for p in expected.order_by("sort_order", "name_ar")
        ]
        assert [(c.pk, str(c)) for c in channels] == [(c.pk, str(c)) for c in Channel.objects.all()]
        assert [(m.pk, m.number, str(m)) for m in meetings] == [
            (m.pk, m.number, str(m)) for m in CommitteeMeeting.objects.filter(committee__in=ids)
        ]
    assert other.pk in [p.pk for p in committee_service.queue_choices([default])[0]]


def test_earlier_requests_show_their_decisions_without_more_queries(
    member_client, case, members, django_assert_max_num_queries
):
    from requests_app.models import Decision

    earlier = [
        SupportRequestFactory(beneficiary=case.beneficiary, status=Status.CLOSED) for _ in range(3)
    ]
    for index, row in enumerate(earlier[:2]):
        Decision.objects.create(
            support_request=row,
            committee=case.program.committee,
            outcome=Decision.Outcome.REJECTED,
            reason=f"سبب سابق {index}",
            decided_by=members[0],
        )
    with django_assert_max_num_queries(CASE_FILE_QUERIES):
        html = member_client.get(f"/committee/requests/{case.pk}/").content.decode()
    for row in earlier:
        assert row.display_reference in html and str(row.program.name) in html
    assert "سبب سابق 0" in html and "سبب سابق 1" in html
    assert html.count("— مرفوض:") + html.count("— Rejected:") == 2


def test_the_queue_reads_its_committees_and_choices_in_one_query(
    program, members, roles, django_assert_num_queries
):
    """committee.queue_scope: the committees of committees_of() and the choices of
    queue_choices() for them, in one query, for members of one committee, of two, of
    the default committee with or without a member list, and for a non-member."""
    import datetime as dt

    from requests_app.models import Committee
    from tests.factories import CommitteeUserFactory, ProgramFactory

    ProgramFactory(committee=None, sort_order=program.sort_order)
    other = Committee.objects.create(name_ar="أخرى", name_en="Other", chair=members[2])
    ProgramFactory(committee=other)
    for days, number, committee in ((3, 7, program.committee), (1, 2, other), (3, 9, other)):
        CommitteeMeetingFactory(
            committee=committee, number=number, held_on=dt.date(2026, 1, 1) + dt.timedelta(days)
        )
    other.members.add(members[2])
    loner = CommitteeUserFactory(username="loner")  # on no committee's list
    default = Committee.objects.get(is_default=True)

    def compare(user):
        user = type(user).objects.get(pk=user.pk)  # a fresh permission cache
        user.has_perm(committee_service.VOTE_PERMISSION)
        with django_assert_num_queries(1):
            committees, programs, channels, meetings = committee_service.queue_scope(user)
        expected = committee_service.committees_of(user)
        assert [(c.pk, c.name, c.is_default, c.chair_id) for c in committees] == [
            (c.pk, c.name, c.is_default, c.chair_id) for c in expected
        ]
        choices = committee_service.queue_choices(expected)
        assert [(p.pk, p.name, p.committee_id) for p in programs] == [
            (p.pk, p.name, p.committee_id) for p in choices[0]
        ]
        assert [(c.pk, str(c)) for c in channels] == [(c.pk, str(c)) for c in choices[1]]
        assert [(m.pk, m.number, str(m)) for m in meetings] == [
            (m.pk, m.number, str(m)) for m in choices[2]
        ]
        return committees

    # The default committee lists nobody: it is the whole committee-member role.
    assert [c.pk for c in compare(loner)] == [default.pk]
    assert len(compare(members[1])) == 2
    assert len(compare(members[2])) == 3
    default.members.set([members[3]])
    assert compare(loner) == []
    assert default.pk in [c.pk for c in compare(members[3])]
    assert default.pk not in [c.pk for c in compare(members[1])]
    # Not of the committee-member role (the page refuses them): nothing, and no query.
    outsider = UserFactory(username="outsider")
    with django_assert_num_queries(1):  # the permissions
        assert committee_service.queue_scope(outsider) == ([],) * 4
