"""/committee/: login, the queue and its filters, the case file, the vote form, documents."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from beneficiaries.models import AccessLog
from requests_app.models import Committee, CommitteeVote, Decision, Vote
from requests_app.workflow import Status
from tests.factories import (
    BeneficiaryDocumentFactory,
    CommitteeFactory,
    CommitteeMeetingFactory,
    CommitteeUserFactory,
    ProgramFactory,
    SupportRequestFactory,
)

pytestmark = pytest.mark.django_db


def english(client):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    return client


@pytest.fixture
def member_client(client, members):
    client.force_login(members[1])
    return client


def test_the_queue_needs_a_login_at_the_committee_login_page(client):
    response = client.get("/committee/")
    assert response.status_code == 302
    assert response["Location"].startswith("/committee/login/?next=/committee/")


def test_the_login_page_is_arabic_and_logs_a_member_in(client, members):
    page = client.get("/committee/login/").content.decode()
    assert 'dir="rtl"' in page and "لجنة البحث" in page
    response = client.post(
        "/committee/login/", {"username": "member1", "password": "correct-horse-battery"}
    )
    assert response.status_code == 302 and response["Location"] == "/committee/"


def test_a_wrong_password_says_so_and_keeps_the_user_name(client, members):
    response = client.post("/committee/login/", {"username": "member1", "password": "wrong"})
    assert response.status_code == 200
    assert 'value="member1"' in response.content.decode()


@pytest.mark.parametrize("persona", ["outsider", "officer", "researcher", "manager", "auditor"])
def test_non_members_get_403_on_the_queue_and_the_case_file(client, case, persona, request):
    client.force_login(request.getfixturevalue(persona))
    assert client.get("/committee/").status_code == 403
    assert client.get(f"/committee/requests/{case.pk}/").status_code == 403


def test_another_committees_member_gets_403_on_the_case_and_does_not_see_it(client, case, roles):
    stranger = CommitteeUserFactory(username="stranger")
    CommitteeFactory(members=[stranger])
    client.force_login(stranger)
    assert case.display_reference not in client.get("/committee/").content.decode()
    assert client.get(f"/committee/requests/{case.pk}/").status_code == 403
    document = BeneficiaryDocumentFactory(beneficiary=case.beneficiary)
    url = f"/committee/requests/{case.pk}/documents/{document.pk}/"
    assert client.get(url).status_code == 403
    assert not AccessLog.objects.exists()


def test_the_queue_lists_the_committees_requests_by_due_date(member_client, program):
    now = timezone.now()
    later = SupportRequestFactory(program=program, in_committee=True, submitted_at=now)
    sooner = SupportRequestFactory(
        program=program, in_committee=True, submitted_at=now - datetime.timedelta(days=10)
    )
    SupportRequestFactory(program=program, in_verification=True)  # not in review
    other = SupportRequestFactory(in_committee=True)  # the default committee's
    Committee.objects.get(is_default=True).members.add(CommitteeUserFactory(username="someone"))
    html = member_client.get("/committee/").content.decode()
    assert html.index(sooner.display_reference) < html.index(later.display_reference)
    assert other.display_reference not in html
    assert "يوم" in html or "أيام" in html  # days left, in Arabic


def test_queue_filters(member_client, program, members):
    now = timezone.now()
    overdue = SupportRequestFactory(
        program=program, in_committee=True, submitted_at=now - datetime.timedelta(days=20)
    )
    soon = SupportRequestFactory(
        program=program, in_committee=True, submitted_at=now - datetime.timedelta(days=12)
    )
    fresh = SupportRequestFactory(program=program, in_committee=True, submitted_at=now)
    CommitteeVote.objects.create(support_request=fresh, member=members[1], vote=Vote.ABSTAIN)

    def refs(query):
        html = member_client.get("/committee/?" + query).content.decode()
        return {r.display_reference for r in (overdue, soon, fresh) if r.display_reference in html}

    assert refs("overdue=on") == {overdue.display_reference}
    assert refs("due_within=3") == {soon.display_reference}
    assert refs("voted=yes") == {fresh.display_reference}
    assert refs("voted=no") == {overdue.display_reference, soon.display_reference}
    assert refs(f"program={program.pk}") == {r.display_reference for r in (overdue, soon, fresh)}
    meeting = CommitteeMeetingFactory(committee=program.committee)
    meeting.agenda.add(soon)
    assert refs(f"meeting={meeting.pk}") == {soon.display_reference}
    overdue.beneficiary.region = "tabuk"
    overdue.beneficiary.save()
    assert refs("region=tabuk") == {overdue.display_reference}


def test_bad_filter_values_show_the_whole_queue_not_an_error(member_client, case):
    response = member_client.get("/committee/?due_within=abc&program=999999&page=zz")
    assert response.status_code == 200
    assert case.display_reference in response.content.decode()


def test_the_queue_pages_without_counting(member_client, program, django_assert_max_num_queries):
    for _ in range(27):
        SupportRequestFactory(program=program, in_committee=True)
    with django_assert_max_num_queries(10) as captured:
        first = member_client.get("/committee/").content.decode()
    assert not any("COUNT(" in q["sql"].upper() for q in captured.captured_queries)
    assert 'rel="next"' in first
    # An old ?page=2 link leads to the keyset page that starts at the same row.
    second = member_client.get("/committee/?page=2", follow=True)
    assert second.redirect_chain[0][0].startswith("/committee/?after=")
    second = second.content.decode()
    assert 'rel="next"' not in second and 'rel="prev"' in second


def test_the_queue_query_count_is_flat(member_client, program, django_assert_max_num_queries):
    SupportRequestFactory(program=program, in_committee=True)
    with django_assert_max_num_queries(10) as few:
        member_client.get("/committee/")
    for _ in range(20):
        SupportRequestFactory(program=program, in_committee=True)
    with django_assert_max_num_queries(len(few.captured_queries)):
        member_client.get("/committee/")


def test_the_case_file_shows_the_case_and_logs_the_access(member_client, case, members):
    case.beneficiary.monthly_income = 4321
    case.beneficiary.save()
    BeneficiaryDocumentFactory(beneficiary=case.beneficiary)
    response = member_client.get(f"/committee/requests/{case.pk}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert case.beneficiary.name in html and case.need in html
    assert "4321" not in html  # sensitive: committee members lack the permission
    assert "سياسة" in html or "النصاب" in html
    log = AccessLog.objects.get()
    assert log.user == members[1] and log.beneficiary == case.beneficiary
    assert log.action == AccessLog.Action.VIEW


def test_the_case_file_in_english(member_client, case):
    html = english(member_client).get(f"/committee/requests/{case.pk}/").content.decode()
    assert 'dir="ltr"' in html and "Case file" in html and "Your vote" in html


def test_a_member_views_a_case_document_inline_and_it_is_logged(member_client, case):
    document = BeneficiaryDocumentFactory(beneficiary=case.beneficiary)
    response = member_client.get(f"/committee/requests/{case.pk}/documents/{document.pk}/")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("inline")
    assert "no-store" in response["Cache-Control"]
    assert AccessLog.objects.filter(action=AccessLog.Action.DOWNLOAD).count() == 1


def test_another_beneficiarys_document_is_not_found(member_client, case):
    document = BeneficiaryDocumentFactory()
    url = f"/committee/requests/{case.pk}/documents/{document.pk}/"
    assert member_client.get(url).status_code == 404


def test_a_request_not_before_the_committee_is_not_found(member_client, program):
    other = SupportRequestFactory(program=program, in_verification=True)
    assert member_client.get(f"/committee/requests/{other.pk}/").status_code == 404


def test_voting_through_the_page(member_client, case, members):
    url = f"/committee/requests/{case.pk}/"
    response = member_client.post(
        url, {"action": "vote", "vote": "approve", "reason": "مستحقة", "recommended_amount": "١٥٠٠"}
    )
    assert response.status_code == 302
    vote = CommitteeVote.objects.get()
    assert vote.vote == Vote.APPROVE and str(vote.recommended_amount) == "1500.00"


def test_a_rejection_without_reason_is_refused_in_arabic_and_keeps_the_input(member_client, case):
    url = f"/committee/requests/{case.pk}/"
    response = member_client.post(
        url, {"action": "vote", "vote": "reject", "reason": "", "recommended_amount": "٢٠٠"}
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "اذكر سبب الرفض" in html
    assert 'value="reject" checked' in html or "checked" in html
    assert not CommitteeVote.objects.exists()


def test_recusal_through_the_page_hides_the_vote_form(member_client, case):
    url = f"/committee/requests/{case.pk}/"
    member_client.post(url, {"action": "recuse", "statement": "المتقدم قريبي"})
    assert CommitteeVote.objects.get().vote == Vote.RECUSE
    html = member_client.get(url).content.decode()
    assert 'name="action" value="vote"' not in html
    response = member_client.post(url, {"action": "vote", "vote": "approve"})
    assert response.status_code == 400
    assert "تنحّيت عن هذا الطلب لتعارض المصالح؛" in response.content.decode()
    assert CommitteeVote.objects.get().vote == Vote.RECUSE


def test_the_deciding_vote_through_pages_and_the_decision_shown(client, case, members):
    url = f"/committee/requests/{case.pk}/"
    for member in members[1:]:
        client.force_login(member)
        client.post(url, {"action": "vote", "vote": "reject", "reason": "الدخل كاف"})
    case.refresh_from_db()
    assert case.status == Status.REJECTED
    html = client.get(url).content.decode()
    assert "الدخل كاف" in html and 'name="action" value="vote"' not in html
    response = client.post(url, {"action": "vote", "vote": "approve", "reason": "x"})
    assert response.status_code == 400
    assert "أصدرت اللجنة قرارها في هذا الطلب" in response.content.decode()
    assert Decision.objects.count() == 1


def test_default_committee_member_sees_programs_without_a_committee(client, committee_member):
    case = SupportRequestFactory(program=ProgramFactory(), in_committee=True)
    client.force_login(committee_member)
    assert case.display_reference in client.get("/committee/").content.decode()
    assert client.get(f"/committee/requests/{case.pk}/").status_code == 200


def test_the_case_file_names_the_members_yet_to_vote(member_client, case, members):
    from requests_app.committee import committee_vote_cast

    committee_vote_cast(support_request=case, member=members[2], vote=Vote.ABSTAIN)
    html = member_client.get(f"/committee/requests/{case.pk}/").content.decode()
    waiting = html.split("لم يصوّت بعد")[1].split("</p>")[0]
    assert members[1].first_name in waiting and members[3].first_name in waiting
    assert members[2].first_name not in waiting
