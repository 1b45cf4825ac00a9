"""Apply from a phone in Arabic and follow the request, in a real Chromium (issue #6)."""

import datetime

import pytest
from django.utils import timezone

from beneficiaries.validators import national_id_with_check_digit
from policies.models import PolicyVersion
from policies.services import policy_version_approve
from requests_app.models import SupportRequest
from tests.e2e.conftest import PHONE, no_sideways_scroll
from tests.factories import BoardMeetingFactory, ProgramFactory
from tests.factories.beneficiaries import PNG_BYTES

pytestmark = pytest.mark.django_db(transaction=True)

NATIONAL_ID = national_id_with_check_digit("103456789")
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = PNG_BYTES


@pytest.fixture
def program(transactional_db):
    meeting = BoardMeetingFactory()
    for kind in ("privacy_notice", "consent", "declaration"):
        draft = PolicyVersion.objects.filter(document__kind=kind, number=1).first()
        if draft and draft.status == PolicyVersion.Status.DRAFT:
            policy_version_approve(version=draft, meeting=meeting, actor=None)
    return ProgramFactory(
        code="family-support",
        name_ar="دعم الأسر",
        eligibility_ar="الأسر ذات الدخل المحدود",
        required_document_types=["national_id", "family_record"],
    )


@pytest.fixture
def files(tmp_path):
    id_copy = tmp_path / "هوية.pdf"
    id_copy.write_bytes(PDF)
    family = tmp_path / "سجل-الأسرة.png"
    family.write_bytes(PNG)
    return id_copy, family


def _identity(page, id_number=NATIONAL_ID):
    page.get_by_label("رقم الهوية الوطنية أو الإقامة").fill(id_number)
    page.get_by_label("الاسم الكامل (بالعربية)").fill("سارة محمد العتيبي")
    page.get_by_label("أنثى").check()
    page.get_by_label("تاريخ الميلاد (ميلادي)").fill("1990-05-31")
    page.get_by_label("رقم الجوال").fill("٠٥١٢٣٤٥٦٧٨")
    page.get_by_label("المنطقة").select_option("riyadh")
    page.get_by_label("المدينة").fill("الرياض")


def _start(page, url):
    page.goto(url + "/apply/")
    assert page.locator("html").get_attribute("dir") == "rtl"
    page.get_by_label("دعم الأسر").check()
    page.get_by_label("قرأت إشعار الخصوصية أعلاه.").check()
    page.get_by_role("button", name="ابدأ الطلب").click()
    page.wait_for_url("**/apply/identity/")


def test_apply_in_arabic_on_a_phone_with_two_documents_then_track(
    live_server, phone, screenshot, program, files
):
    _start(phone, live_server.url)
    assert no_sideways_scroll(phone)
    _identity(phone)
    screenshot(phone, "identity")
    phone.get_by_role("button", name="حفظ ومتابعة").click()
    phone.wait_for_url("**/apply/household/")
    phone.get_by_label("الحالة الاجتماعية").select_option("widowed")
    phone.get_by_label("عدد أفراد الأسرة (وأنت منهم)").fill("٥")
    phone.get_by_label("العمل").select_option("unemployed")
    phone.get_by_label("صف احتياجك").fill("نحتاج إلى مساعدة في سداد الإيجار")
    assert no_sideways_scroll(phone)
    phone.get_by_role("button", name="حفظ ومتابعة").click()
    phone.wait_for_url("**/apply/documents/")
    inputs = phone.locator("input[type=file]")
    inputs.nth(0).set_input_files(str(files[0]))
    inputs.nth(1).set_input_files(str(files[1]))
    next_year = (timezone.localdate() + datetime.timedelta(days=365)).isoformat()
    phone.locator("#id_expiry_national_id").fill(next_year)
    assert no_sideways_scroll(phone)
    screenshot(phone, "documents")
    phone.get_by_role("button", name="حفظ ومتابعة").click()
    phone.wait_for_url("**/apply/declaration/")
    assert phone.get_by_text("هوية.pdf").is_visible()
    phone.get_by_label("أوافق على تعليمات البرنامج وعلى ما ورد أعلاه.").check()
    phone.get_by_label("أقر بأن البيانات التي قدمتها صحيحة وكاملة.").check()
    phone.get_by_label("اسمك الكامل توقيعًا منك").fill("سارة محمد العتيبي")
    assert no_sideways_scroll(phone)
    phone.get_by_role("button", name="وقّع وأرسل الطلب").click()
    phone.wait_for_url("**/apply/done/")
    reference = phone.locator("[data-reference]").inner_text()
    assert phone.get_by_role("heading", name="استلمنا طلبك").is_visible()
    assert "هـ" in phone.locator(".due").inner_text()
    assert no_sideways_scroll(phone)
    screenshot(phone, "done")
    stored = SupportRequest.objects.get()
    assert stored.display_reference == reference
    assert stored.beneficiary.documents.count() == 2

    phone.get_by_role("link", name="تابع طلبك").last.click()
    phone.wait_for_url("**/track/")
    phone.get_by_label("رقم الطلب").fill(reference)
    phone.get_by_label("رقم الهوية الوطنية أو الإقامة").fill(NATIONAL_ID)
    phone.get_by_role("button", name="اعرض طلبي").click()
    phone.wait_for_load_state()
    assert phone.get_by_text("استلمنا طلبك، وسيتحقق موظف من بياناتك ومستنداتك.").is_visible()
    assert phone.get_by_text("موعد القرار").is_visible()
    assert no_sideways_scroll(phone)
    screenshot(phone, "track")


def test_an_invalid_id_in_eastern_digits_shows_the_arabic_error_and_keeps_the_rest(
    live_server, phone, screenshot, program
):
    _start(phone, live_server.url)
    wrong = NATIONAL_ID[:-1] + str((int(NATIONAL_ID[-1]) + 1) % 10)
    eastern = wrong.translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
    _identity(phone, id_number=eastern)
    phone.get_by_role("button", name="حفظ ومتابعة").click()
    phone.wait_for_load_state()
    summary = phone.locator(".error-summary")
    assert summary.is_visible()
    assert "رقم الهوية غير صحيح" in summary.inner_text()
    assert phone.get_by_label("الاسم الكامل (بالعربية)").input_value() == "سارة محمد العتيبي"
    assert phone.get_by_label("المدينة").input_value() == "الرياض"
    assert phone.get_by_label("رقم الهوية الوطنية أو الإقامة").input_value() == eastern
    # The summary's link takes the keyboard to the field.
    summary.get_by_role("link").first.click()
    assert phone.evaluate("document.activeElement.id") == "id_id_number"
    assert no_sideways_scroll(phone)
    screenshot(phone, "error")


def test_track_with_a_wrong_pair_without_javascript(live_server, browser, program):
    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(live_server.url + "/track/")
        page.get_by_label("رقم الطلب").fill("1234-5678-97")
        page.get_by_label("رقم الهوية الوطنية أو الإقامة").fill(NATIONAL_ID)
        page.get_by_role("button", name="اعرض طلبي").click()
        page.wait_for_load_state()
        assert page.get_by_text("لم نجد طلبًا بهذا الرقم ورقم الهوية").is_visible()
        assert no_sideways_scroll(page)
    finally:
        context.close()
