"""/policies/: only the versions in force, each with its board-approval block in the
seeds' form, in Arabic (Eastern Arabic digits inside the block) and in English."""

import pytest
from django.urls import reverse

from policies.models import BoardMember, PolicyDocument
from policies.services import policy_version_approve, policy_version_create_draft
from tests.factories import (
    BoardMeetingFactory,
    BoardMemberFactory,
    PolicyDocumentFactory,
    PolicyVersionFactory,
)

pytestmark = pytest.mark.django_db
# Inside the approval block a date never breaks across lines.
NBSP_SLASH = "\u00a0/\u00a0"


@pytest.fixture
def board():
    return [
        BoardMemberFactory(name_ar="سعد بن عبدالله الرئيس", position=BoardMember.Position.CHAIRMAN),
        BoardMemberFactory(
            name_ar="محمد بن عبدالله النائب", position=BoardMember.Position.VICE_CHAIRMAN
        ),
        BoardMemberFactory(
            name_ar="عبدالله بن علي المالي", position=BoardMember.Position.FINANCIAL_SUPERVISOR
        ),
        BoardMemberFactory(name_ar="أحمد بن منصور العضو", position=BoardMember.Position.MEMBER),
    ]


@pytest.fixture
def policy_in_force(board, manager):
    meeting = BoardMeetingFactory(number=3, members=board)
    document = PolicyDocumentFactory(
        kind=PolicyDocument.Kind.BENEFICIARY_RELATIONS,
        slug="relations",
        title_ar="سياسة تنظيم العلاقة مع المستفيدين",
        title_en="Beneficiary-relations policy",
    )
    version = PolicyVersionFactory(
        document=document,
        body_ar="## أولاً: تمهيد\n\n1. نص الإصدار المعتمد.",
        body_en="## 1. Preamble\n\n1. The approved wording.",
    )
    return policy_version_approve(version=version, meeting=meeting, actor=manager)


def english(client):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    return client


def test_the_list_shows_the_approval_block_in_the_seeds_arabic_form(client, policy_in_force):
    html = client.get("/policies/").content.decode()
    assert "سياسة تنظيم العلاقة مع المستفيدين" in html
    assert (
        "تم اعتماد هذه السياسة في اجتماع مجلس الإدارة رقم (٣) المنعقد بتاريخ "
        "١٥ / ٣ / ١٤٤٦هـ الموافق ١٨ / ٩ / ٢٠٢٤م"
    ).replace(" / ", NBSP_SLASH) in html
    assert "سعد بن عبدالله الرئيس" in html and "رئيس مجلس الإدارة" in html


def test_the_list_shows_dates_in_hijri_and_gregorian_with_western_digits(client, policy_in_force):
    html = client.get("/policies/").content.decode()
    assert '<time class="dual-date" datetime="2024-09-18">' in html
    assert "15 ربيع الأول 1446 هـ" in html and "18 سبتمبر 2024م" in html


def test_the_list_in_english(client, policy_in_force):
    html = english(client).get("/policies/").content.decode()
    assert "Beneficiary-relations policy" in html
    assert (
        "This policy was approved by the board of directors at its meeting no. (3) held on "
        "15 / 3 / 1446 AH, corresponding to 18 / 9 / 2024 CE."
    ).replace(" / ", NBSP_SLASH) in html
    assert "15 Rabi&#x27; al-Awwal 1446 AH" in html or "15 Rabi' al-Awwal 1446 AH" in html
    assert "18 September 2024" in html
    assert "Chairman of the board" in html


def test_the_list_shows_only_versions_in_force(client, policy_in_force, manager):
    draft = policy_version_create_draft(
        document=policy_in_force.document, body_ar="## نص مسودة لم تعتمد بعد"
    )
    PolicyVersionFactory(body_ar="وثيقة لا نسخة معتمدة لها")
    html = client.get("/policies/").content.decode()
    assert "نص الإصدار المعتمد" not in html  # the list links to the text, it does not print it
    detail = client.get("/policies/relations/").content.decode()
    assert "نص الإصدار المعتمد" in detail
    assert "نص مسودة لم تعتمد بعد" not in detail
    assert draft.number == 2
    assert "وثيقة لا نسخة معتمدة لها" not in html


def test_a_superseded_version_leaves_the_public_page(client, policy_in_force, manager):
    second = policy_version_create_draft(
        document=policy_in_force.document, body_ar="## الإصدار الثاني المعتمد"
    )
    policy_version_approve(version=second, meeting=policy_in_force.approved_meeting, actor=manager)
    detail = client.get("/policies/relations/").content.decode()
    assert "الإصدار الثاني المعتمد" in detail
    assert "نص الإصدار المعتمد" not in detail


def test_the_detail_page_renders_the_body_and_the_members_table(client, policy_in_force):
    html = client.get("/policies/relations/").content.decode()
    assert "<h2>أولاً: تمهيد</h2>" in html
    assert "أحمد بن منصور العضو" in html and "عضو" in html
    assert "المشرف المالي" in html
    assert "تم اعتماد هذه السياسة" in html


def test_the_detail_page_in_english_shows_the_translation(client, policy_in_force):
    html = english(client).get("/policies/relations/").content.decode()
    assert "The approved wording." in html
    assert 'lang="en" dir="ltr"' in html


def test_a_document_without_english_text_says_it_is_in_arabic_only(client, policy_in_force):
    policy_in_force.body_en = ""
    policy_in_force.save()
    html = english(client).get("/policies/relations/").content.decode()
    assert "available in Arabic only" in html
    assert 'class="policy-body" lang="ar" dir="rtl"' in html


def test_a_document_not_in_force_or_not_public_is_not_found(client, policy_in_force):
    PolicyVersionFactory(document=PolicyDocumentFactory(slug="draft-only"))
    assert client.get("/policies/draft-only/").status_code == 404
    assert client.get("/policies/no-such-policy/").status_code == 404
    PolicyDocument.objects.filter(slug="relations").update(is_public=False)
    assert client.get("/policies/relations/").status_code == 404
    assert "relations" not in client.get("/policies/").content.decode()


def test_a_markdown_body_cannot_inject_script(client, board, manager):
    meeting = BoardMeetingFactory(members=board)
    version = PolicyVersionFactory(
        document=PolicyDocumentFactory(slug="evil"),
        body_ar="نص <script>alert(1)</script> [رابط](javascript:alert(2)) <img src=x onerror=alert(3)>",
    )
    policy_version_approve(version=version, meeting=meeting, actor=manager)
    html = client.get("/policies/evil/").content.decode()
    assert "<script>alert(1)" not in html
    assert "javascript:" not in html
    assert "onerror" not in html


def test_the_print_view_looks_like_an_official_document(client, policy_in_force):
    from policies.models import AssociationProfile

    AssociationProfile.objects.create(pk=1, name_ar="جمعية الاختبار الأهلية", license_number="1544")
    response = client.get("/policies/relations/print/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "policies/print.css" in html
    assert "جمعية الاختبار الأهلية" in html and "1544" in html
    assert "المملكة العربية السعودية" in html
    assert "تم اعتماد هذه السياسة في اجتماع مجلس الإدارة رقم (٣)" in html
    assert html.count('class="signature-line"') == 4
    assert "ختم الجمعية" in html


def test_the_print_css_sets_a4_pages_and_page_breaks():
    from pathlib import Path

    import policies

    css = (Path(policies.__file__).parent / "static/policies/print.css").read_text()
    assert "size: A4" in css
    assert "break-inside: avoid" in css and "table-header-group" in css
    for physical in ("margin-left", "margin-right", "padding-left", "padding-right"):
        assert physical not in css


def test_staff_print_a_draft_with_blank_meeting_details_and_todays_board(client, officer, board):
    version = PolicyVersionFactory(document=PolicyDocumentFactory(slug="draft-doc"))
    url = f"/policies/draft-doc/versions/{version.number}/print/"
    assert client.get(url).status_code == 302  # to the login page
    client.force_login(officer)
    html = client.get(url).content.decode()
    assert "مسودة" in html
    assert "رقم (\u2003\u2003)" in html
    assert html.count('class="signature-line"') >= 1


def test_someone_without_the_permission_cannot_print_a_draft(client, outsider):
    version = PolicyVersionFactory(document=PolicyDocumentFactory(slug="draft-doc"))
    client.force_login(outsider)
    assert client.get(f"/policies/draft-doc/versions/{version.number}/print/").status_code == 403


def test_the_home_page_links_to_the_policies(client):
    assert 'href="/policies/"' in client.get("/").content.decode()


def test_an_empty_list_says_nothing_is_approved_yet(client):
    html = client.get("/policies/").content.decode()
    assert "لم يعتمد مجلس الإدارة أي سياسة بعد" in html
