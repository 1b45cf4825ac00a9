"""The data migration loads the standard texts, in Arabic with an English translation,
as drafts for the board to approve."""

import pytest

from policies.models import PolicyDocument, PolicyVersion
from policies.rendering import render_markdown

pytestmark = pytest.mark.django_db
Kind = PolicyDocument.Kind


def standard(kind):
    return PolicyVersion.objects.select_related("document").get(document__kind=kind, number=1)


def test_the_standard_beneficiary_relations_policy_is_loaded_in_arabic_as_a_draft():
    version = standard(Kind.BENEFICIARY_RELATIONS)
    assert version.status == PolicyVersion.Status.DRAFT
    assert version.document.title_ar == "سياسة تنظيم العلاقة مع المستفيدين"
    text = version.body_ar
    # The seeds' own wording, clause by clause (POL-1 … POL-7).
    for phrase in (
        "تضع الجمعية السياسات والإجراءات التي تنظم علاقتها بجميع الأطراف",
        "مع مراجعتها باستمرار والتعديل عليها وتعميمها بما يكفل حقوق المستفيد",
        "والوصول إليهم بأسهل الطرق دون الحاجة إلى طلب المستفيد",
        "مستفيد مباشر",
        "مستفيد غير مباشر",
        "أداة للتقويم والتطوير لا للعقاب والتشهير",
        "مناديب المكاتب الفرعية",
        "البريد الإلكتروني",
        "اللائحة الأساسية للجمعية",
        "دليل خدمات البحث الاجتماعي",
        "استقبال المستفيد بلباقة واحترام",
        "وعلى الموظف مطابقة البيانات والتأكد من صلاحيتها وقت التقديم",
        "وأنه مسؤول مسؤولية مباشرة عن صحة المعلومات",
        "رغبة من المستفيد في الاستفادة وموافقة على تعليماته",
        "يتم إحالته للجمعية المختصة",
    ):
        assert phrase in text, phrase


def test_the_policy_follows_the_pol_clause_numbering():
    html = str(render_markdown(standard(Kind.BENEFICIARY_RELATIONS).body_ar))
    assert html.count("<h2>") == 7
    # Section seven, «handling a beneficiary», has the thirteen POL-7 steps.
    seventh = html.split("<h2>")[7]
    assert seventh.count("<li>") == 13


def test_the_standard_policy_has_an_english_translation():
    text = standard(Kind.BENEFICIARY_RELATIONS).body_en
    assert "## 7. Handling a beneficiary" in text
    assert "consent to that program's rules" in text


def test_the_privacy_notice_covers_what_the_pdpl_asks():
    version = standard(Kind.PRIVACY_NOTICE)
    for heading in (
        "الغرض من جمع البيانات",
        "البيانات التي نجمعها",
        "مدة الاحتفاظ بالبيانات",
        "حقوقك",
        "التواصل والشكاوى",
    ):
        assert heading in version.body_ar
    for heading in (
        "Why we collect",
        "What data we collect",
        "How long we keep",
        "Your rights",
        "Contact",
    ):
        assert heading in version.body_en
    assert "نظام حماية البيانات الشخصية" in version.body_ar


def test_the_declaration_and_consent_texts_say_what_pol_7_6_and_7_9_say():
    declaration = standard(Kind.DECLARATION)
    assert "صحيحة" in declaration.body_ar and "مسؤول مسؤولية مباشرة" in declaration.body_ar
    consent = standard(Kind.CONSENT)
    assert "أوافق على تعليماته وشروطه" in consent.body_ar
    assert "consent" in consent.body_en


def test_the_standard_texts_are_public_documents_with_stable_addresses():
    slugs = set(PolicyDocument.objects.values_list("slug", flat=True))
    assert {"beneficiary-relations-policy", "privacy-notice", "consent", "declaration"} <= slugs
