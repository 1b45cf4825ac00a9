"""The case file reads its lists together (requests_app.committee_reads, issue 11): one
round trip on PostgreSQL, the same rows and the same page as reading them one by one."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from requests_app import committee_views
from requests_app.committee_reads import read_together
from requests_app.models import CommitteeVote, SupportRequest, Vote
from tests.factories import (
    BeneficiaryDocumentFactory,
    CommitteeMeetingFactory,
    HouseholdMemberFactory,
    SupportRequestFactory,
)

pytestmark = pytest.mark.django_db

POSTGRESQL = connection.vendor == "postgresql"


def _one_by_one(*querysets):
    for queryset in querysets:
        if hasattr(queryset, "_fetch_all"):
            queryset._fetch_all()


def test_querysets_read_together_hold_what_each_reads_alone(case, members):
    CommitteeVote.objects.create(support_request=case, member=members[0], vote=Vote.APPROVE)
    CommitteeVote.objects.create(
        support_request=case, member=members[2], vote=Vote.REJECT, reason="لا 100%"
    )
    HouseholdMemberFactory(beneficiary=case.beneficiary)
    SupportRequestFactory(beneficiary=case.beneficiary)

    def querysets():
        return [
            CommitteeVote.objects.filter(support_request=case).select_related("member"),
            SupportRequest.objects.filter(beneficiary=case.beneficiary)
            .select_related("program")
            .only("reference", "program__name_ar")
            .order_by("-pk")[:1],
            case.beneficiary.household.all(),
            SupportRequest.objects.filter(reference__contains="%"),  # a % in a parameter
            SupportRequest.objects.none(),  # no query at all
            CommitteeVote.objects.filter(reason__startswith="لا").values_list("reason"),
            [],  # not a queryset: left alone
        ]

    alone = querysets()
    _one_by_one(*alone)
    together = querysets()
    with CaptureQueriesContext(connection) as captured:
        read_together(*together)
    # values_list() is not a model queryset: read on its own; .none() asks nothing.
    assert len(captured.captured_queries) == (2 if POSTGRESQL else 5)
    with CaptureQueriesContext(connection) as after:
        for one, other in zip(alone, together, strict=True):
            assert list(one) == list(other)
        assert [v.member.username for v in together[0]] == [v.member.username for v in alone[0]]
        assert together[1][0].program.name_ar == alone[1][0].program.name_ar
    assert after.captured_queries == []


def _history(case, members):
    beneficiary = case.beneficiary
    meeting = CommitteeMeetingFactory(committee=case.program.committee)
    CommitteeVote.objects.create(
        support_request=case, member=members[0], vote=Vote.APPROVE, meeting=meeting
    )
    CommitteeVote.objects.create(
        support_request=case, member=members[2], vote=Vote.RECUSE, conflict_statement="قريب"
    )
    for _ in range(2):
        HouseholdMemberFactory(beneficiary=beneficiary)
        BeneficiaryDocumentFactory(beneficiary=beneficiary)
        SupportRequestFactory(beneficiary=beneficiary, status="closed")
    return meeting


CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')


@pytest.mark.parametrize("language", ["ar", "en"])
def test_the_case_file_is_the_page_its_reads_one_by_one_drew(
    client, case, members, monkeypatch, language
):
    meeting = _history(case, members)
    client.force_login(members[1])
    url = f"/committee/requests/{case.pk}/"
    with translation.override(language):
        client.cookies["django_language"] = language
        together = client.get(url, HTTP_ACCEPT_LANGUAGE=language).content.decode()
        monkeypatch.setattr(committee_views, "read_together", _one_by_one)
        alone = client.get(url, HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert CSRF.sub("", together) == CSRF.sub("", alone)
    assert f'<option value="{meeting.pk}">' in together and "قريب" in together


def test_the_case_files_policy_is_the_version_in_force(case, members):
    from policies.models import PolicyDocument, PolicyVersion
    from policies.selectors import version_in_force
    from tests.factories.policies import (
        BoardMeetingFactory,
        PolicyDocumentFactory,
        PolicyVersionFactory,
    )

    kind = PolicyDocument.Kind.PROGRAM_ELIGIBILITY

    def read():
        reads = committee_views._case_reads(SupportRequest.objects.get(pk=case.pk))
        return next(iter(reads["eligibility_policy"]), None)

    assert read() == version_in_force(kind)
    meeting = BoardMeetingFactory()
    for position in (20, 10):  # the first active document in list order wins
        PolicyVersionFactory(
            document=PolicyDocumentFactory(kind=kind, position=position),
            status=PolicyVersion.Status.APPROVED,
            approved_meeting=meeting,
            effective_date=datetime.date(2026, 1, 1),
        )
    assert read() is not None and read() == version_in_force(kind)
    assert read().document.position == 10
