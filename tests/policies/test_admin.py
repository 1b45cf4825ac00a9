"""The back-office: approval as an action that calls the service, approved versions
read-only, the version diff, the officer's tools, who has not read the policies."""

import pytest
from django.urls import reverse

from policies.models import PolicyAcknowledgement, PolicyDocument, PolicyVersion
from policies.services import policy_version_approve, policy_version_create_draft
from tests.factories import BoardMeetingFactory, PolicyDocumentFactory, PolicyVersionFactory

pytestmark = pytest.mark.django_db
Status = PolicyVersion.Status
APPROVE_URL = "/admin/policies/policyversion/approve/"


def test_a_manager_approves_a_draft_at_a_meeting_from_the_admin(client, manager, draft, meeting):
    client.force_login(manager)
    form = client.get(f"{APPROVE_URL}?ids={draft.pk}")
    assert form.status_code == 200
    assert "اجتماع مجلس الإدارة رقم 3" in form.content.decode()
    response = client.post(f"{APPROVE_URL}?ids={draft.pk}", {"meeting": meeting.pk})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == Status.APPROVED and draft.approved_meeting == meeting


def test_the_admin_action_leads_to_the_approval_page(client, manager, draft):
    client.force_login(manager)
    response = client.post(
        "/admin/policies/policyversion/",
        {"action": "approve_selected", "_selected_action": [draft.pk]},
    )
    assert response.status_code == 302
    assert response["Location"] == f"{APPROVE_URL}?ids={draft.pk}"


def test_approving_without_a_meeting_in_the_admin_shows_the_error_and_saves_nothing(
    client, manager, draft
):
    client.force_login(manager)
    response = client.post(f"{APPROVE_URL}?ids={draft.pk}", {"meeting": ""})
    html = response.content.decode()
    assert response.status_code == 200
    assert "فلا اعتماد دون اجتماع" in html
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT


def test_when_one_of_several_cannot_be_approved_none_is(client, manager, meeting):
    first = PolicyVersionFactory()
    already = PolicyVersionFactory()
    policy_version_approve(version=already, meeting=meeting, actor=manager)
    client.force_login(manager)
    response = client.post(f"{APPROVE_URL}?ids={first.pk},{already.pk}", {"meeting": meeting.pk})
    assert response.status_code == 200
    assert "معتمد ومعمول به من قبل" in response.content.decode()
    first.refresh_from_db()
    assert first.status == Status.DRAFT


def test_two_versions_of_one_document_cannot_be_approved_together(client, manager, meeting, draft):
    second = PolicyVersionFactory(document=draft.document)
    client.force_login(manager)
    response = client.post(f"{APPROVE_URL}?ids={draft.pk},{second.pk}", {"meeting": meeting.pk})
    assert "إصدارين من الوثيقة نفسها" in response.content.decode()
    assert not PolicyVersion.objects.filter(status=Status.APPROVED).exists()


def test_an_officer_cannot_approve(client, officer, draft, meeting):
    client.force_login(officer)
    assert client.get(f"{APPROVE_URL}?ids={draft.pk}").status_code == 403
    client.post(f"{APPROVE_URL}?ids={draft.pk}", {"meeting": meeting.pk})
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT


def test_an_approved_version_is_shown_read_only_and_a_post_changes_nothing(
    client, manager, draft, meeting
):
    policy_version_approve(version=draft, meeting=meeting, actor=manager)
    client.force_login(manager)
    url = f"/admin/policies/policyversion/{draft.pk}/change/"
    html = client.get(url).content.decode()
    assert 'name="body_ar"' not in html
    assert "لم يعد هذا الإصدار مسودة" in html
    response = client.post(url, {"body_ar": "تعديل ممنوع", "body_en": "", "change_note": ""})
    assert response.status_code == 403
    draft.refresh_from_db()
    assert draft.body_ar != "تعديل ممنوع"


def test_a_draft_is_edited_through_the_admin(client, manager, draft):
    client.force_login(manager)
    url = f"/admin/policies/policyversion/{draft.pk}/change/"
    response = client.post(
        url,
        {
            "body_ar": "## نص جديد",
            "body_en": "## New text",
            "change_note": "صياغة",
            "next_review_date": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    draft.refresh_from_db()
    assert draft.body_ar == "## نص جديد"
    assert draft.history.latest().history_user == manager


def test_a_new_version_added_in_the_admin_gets_the_next_number(client, manager, draft):
    client.force_login(manager)
    response = client.post(
        "/admin/policies/policyversion/add/",
        {
            "document": draft.document_id,
            "body_ar": "## الإصدار الثاني",
            "body_en": "",
            "change_note": "",
            "next_review_date": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    second = PolicyVersion.objects.get(document=draft.document, number=2)
    assert second.status == Status.DRAFT and second.created_by == manager


def test_the_new_draft_button_copies_the_latest_text(client, manager, draft):
    client.force_login(manager)
    response = client.post(
        reverse("admin:policies_policydocument_new_draft", args=[draft.document_id])
    )
    second = PolicyVersion.objects.get(document=draft.document, number=2)
    assert response["Location"].endswith(f"/policyversion/{second.pk}/change/")
    assert second.body_ar == draft.body_ar


def test_the_version_diff_shows_what_changed(client, manager, draft, meeting):
    policy_version_approve(version=draft, meeting=meeting, actor=manager)
    policy_version_create_draft(
        document=draft.document, body_ar=draft.body_ar.replace("البند الثاني", "البند المعدل")
    )
    client.force_login(manager)
    url = reverse("admin:policies_policydocument_diff", args=[draft.document_id])
    html = client.get(url).content.decode()
    assert '<span class="del">الثاني' in html
    assert '<span class="ins">المعدل' in html
    assert client.get(url + "?from=1&to=2").status_code == 200
    assert client.get(url + "?from=99&to=abc").status_code == 200  # a warning, not a 500


def test_the_officer_reaches_the_tools_page_in_one_click_from_the_admin_home(client, officer):
    client.force_login(officer)
    home = client.get("/admin/").content.decode()
    assert "/admin/policies/officertools/" in home
    response = client.get("/admin/policies/officertools/", follow=True)
    html = response.content.decode()
    assert response.redirect_chain[-1][0] == "/admin/policies/policydocument/tools/"
    assert "اللائحة الأساسية" in html
    assert "دليل خدمات البحث الاجتماعي" in html
    assert "دليل سياسة الدعم للمستفيدين" in html
    assert "نموذج طلب دعم مستفيد" in html


def test_the_document_changelist_links_to_the_tools_page(client, manager):
    client.force_login(manager)
    html = client.get("/admin/policies/policydocument/").content.decode()
    assert "/admin/policies/policydocument/tools/" in html
    assert "/admin/policies/policydocument/acknowledgements/" in html


def test_staff_acknowledge_and_managers_see_who_has_not(
    client, officer, researcher, manager, meeting
):
    bylaws = PolicyVersionFactory(
        document=PolicyDocumentFactory(kind=PolicyDocument.Kind.BASIC_BYLAWS, title_ar="اللائحة")
    )
    policy_version_approve(version=bylaws, meeting=meeting, actor=manager)
    client.force_login(officer)
    tools = client.get("/admin/policies/policydocument/tools/").content.decode()
    assert "اطّلعت عليه" in tools
    response = client.post(
        reverse("admin:policies_policydocument_acknowledge", args=[bylaws.pk]),
        {"next": "https://evil.example/"},
    )
    assert response["Location"] == "/admin/policies/policydocument/tools/"
    assert PolicyAcknowledgement.objects.filter(user=officer, version=bylaws).exists()
    assert client.get("/admin/policies/policydocument/acknowledgements/").status_code == 403

    client.force_login(manager)
    report = client.get("/admin/policies/policydocument/acknowledgements/").content.decode()
    unread = report.split("لم يطّلعوا بعد")[1].split("</ul>")[0]
    assert "(researcher)" in unread
    assert "(officer)" not in unread


def test_acknowledging_a_draft_is_refused_with_a_message(client, officer, draft):
    client.force_login(officer)
    response = client.post(
        reverse("admin:policies_policydocument_acknowledge", args=[draft.pk]), follow=True
    )
    assert "لا يُقرّ بالاطّلاع إلا على الإصدار المعمول به" in response.content.decode()
    assert not PolicyAcknowledgement.objects.exists()


def test_history_can_be_read_but_not_reverted(client, manager, draft, meeting):
    policy_version_approve(version=draft, meeting=meeting, actor=manager)
    client.force_login(manager)
    history = client.get(f"/admin/policies/policyversion/{draft.pk}/history/")
    assert history.status_code == 200
    first = draft.history.earliest()
    url = f"/admin/policies/policyversion/{draft.pk}/history/{first.history_id}/"
    assert client.post(url, {"body_ar": "قديم"}).status_code == 403
    draft.refresh_from_db()
    assert draft.status == Status.APPROVED


def test_a_meeting_that_approved_something_cannot_be_deleted(client, manager, draft):
    meeting = BoardMeetingFactory()
    policy_version_approve(version=draft, meeting=meeting, actor=manager)
    client.force_login(manager)
    assert client.get(f"/admin/policies/boardmeeting/{meeting.pk}/delete/").status_code == 403


def test_the_meeting_page_lists_members_and_what_it_approved(client, manager, draft, meeting):
    policy_version_approve(version=draft, meeting=meeting, actor=manager)
    client.force_login(manager)
    html = client.get(f"/admin/policies/boardmeeting/{meeting.pk}/change/").content.decode()
    assert "الأعضاء الحاضرون" in html
    assert "الإصدارات المعتمدة في هذا الاجتماع" in html
    assert draft.document.title_ar in html


def test_an_outsider_sees_none_of_it(client, outsider):
    client.force_login(outsider)
    assert client.get("/admin/policies/policydocument/tools/").status_code in (302, 403)


def test_every_policies_admin_page_opens_for_a_manager(client, manager, draft, meeting):
    from policies.models import BoardMember

    policy_version_approve(version=draft, meeting=meeting, actor=manager)
    policy_version_create_draft(document=draft.document)
    client.force_login(manager)
    member = BoardMember.objects.first()
    urls = [
        "/admin/",
        "/admin/policies/",
        "/admin/policies/policydocument/",
        "/admin/policies/policydocument/add/",
        f"/admin/policies/policydocument/{draft.document_id}/change/",
        f"/admin/policies/policydocument/{draft.document_id}/history/",
        "/admin/policies/policyversion/",
        "/admin/policies/policyversion/add/",
        f"/admin/policies/policyversion/{draft.pk}/change/",
        "/admin/policies/boardmeeting/",
        "/admin/policies/boardmeeting/add/",
        f"/admin/policies/boardmeeting/{meeting.pk}/change/",
        "/admin/policies/boardmember/",
        f"/admin/policies/boardmember/{member.pk}/change/",
        "/admin/policies/policyacknowledgement/",
        "/admin/policies/policydocument/tools/",
        "/admin/policies/policydocument/acknowledgements/",
        f"/admin/policies/policydocument/{draft.document_id}/diff/",
    ]
    for url in urls:
        assert client.get(url).status_code == 200, url


def test_the_auditor_reads_the_policies_pages_without_buttons_to_change_them(
    client, auditor, draft
):
    client.force_login(auditor)
    assert client.get("/admin/policies/policydocument/tools/").status_code == 200
    assert client.get(f"/admin/policies/policyversion/{draft.pk}/change/").status_code == 200
    assert client.get(f"{APPROVE_URL}?ids={draft.pk}").status_code == 403


def test_a_new_draft_of_a_document_without_text_opens_the_add_form(client, manager):
    document = PolicyDocumentFactory(kind=PolicyDocument.Kind.SOCIAL_RESEARCH_GUIDE)
    client.force_login(manager)
    response = client.post(reverse("admin:policies_policydocument_new_draft", args=[document.pk]))
    assert response["Location"] == f"/admin/policies/policyversion/add/?document={document.pk}"
    form = client.get(response["Location"]).content.decode()
    assert f'<option value="{document.pk}" selected>' in form
    assert not document.versions.exists()


def test_a_board_member_whose_term_ends_before_it_starts_is_refused(client, manager):
    client.force_login(manager)
    response = client.post(
        "/admin/policies/boardmember/add/",
        {
            "name_ar": "عضو",
            "name_en": "",
            "position": "member",
            "term_start": "2025-01-01",
            "term_end": "2024-01-01",
        },
    )
    assert response.status_code == 200
    assert "لا يمكن أن تنتهي العضوية قبل أن تبدأ" in response.content.decode()


def test_view_on_site_appears_only_for_a_document_in_force(client, manager, draft, meeting):
    client.force_login(manager)
    url = f"/admin/policies/policydocument/{draft.document_id}/change/"
    assert "viewsitelink" not in client.get(url).content.decode()
    policy_version_approve(version=draft, meeting=meeting, actor=manager)
    assert "viewsitelink" in client.get(url).content.decode()
