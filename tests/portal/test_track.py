"""/track/: the right pair opens the request; any wrong pair gets one neutral answer."""

import pytest

from beneficiaries.models import BeneficiaryDocument
from requests_app.models import StatusChange
from requests_app.services import support_request_request_info, support_request_start_verification
from requests_app.workflow import Status
from tests.factories import BeneficiaryFactory, SupportRequestFactory

from .conftest import NATIONAL_ID, OTHER_ID, pdf

pytestmark = pytest.mark.django_db

NEUTRAL = "لم نجد طلبًا بهذا الرقم ورقم الهوية"


@pytest.fixture
def support_request(program):
    beneficiary = BeneficiaryFactory(id_type="national_id", id_number=NATIONAL_ID)
    request = SupportRequestFactory(beneficiary=beneficiary, program=program)
    StatusChange.objects.create(support_request=request, from_status="", to_status="submitted")
    return request


def _open(client, support_request, id_number=NATIONAL_ID):
    return client.post(
        "/track/", {"reference": support_request.display_reference, "id_number": id_number}
    )


def test_the_right_pair_shows_status_timeline_and_due_date(client, support_request):
    response = _open(client, support_request)
    assert response.status_code == 302
    page = client.get("/track/").content.decode()
    assert support_request.display_reference in page
    assert "استلمنا طلبك" in page
    assert "موعد القرار" in page
    assert "هـ" in page  # the Hijri date beside the Gregorian one
    assert "يومًا متبقيًا" in page or "أيام متبقية" in page


def test_eastern_arabic_digits_and_dashes_are_understood(client, support_request):
    eastern = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
    response = client.post(
        "/track/",
        {
            "reference": support_request.display_reference.translate(eastern),
            "id_number": NATIONAL_ID.translate(eastern),
        },
    )
    assert response.status_code == 302


@pytest.mark.parametrize("case", ["wrong_id", "unknown_reference", "malformed_reference"])
def test_a_wrong_pair_gets_one_neutral_message(client, support_request, case):
    data = {"reference": support_request.display_reference, "id_number": NATIONAL_ID}
    if case == "wrong_id":
        data["id_number"] = OTHER_ID
    elif case == "unknown_reference":
        data["reference"] = "1234-5678-97" if support_request.reference != "1234567897" else "1"
    else:
        data["reference"] = "abc"
    response = client.post("/track/", data)
    assert response.status_code == 200
    page = response.content.decode()
    assert NEUTRAL in page
    assert "mustafid_track" not in response.cookies or not response.cookies["mustafid_track"].value


def test_the_neutral_page_is_identical_for_an_existing_and_an_unknown_reference(
    client, support_request
):
    import re

    def page(reference):
        html = client.post("/track/", {"reference": reference, "id_number": OTHER_ID}).content
        html = html.decode().replace(reference, "REF")
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)

    assert page(support_request.display_reference) == page("1234-5678-97")


def test_internal_notes_stay_internal(client, support_request, officer):
    support_request_start_verification(
        support_request=support_request, actor=officer, note="ملاحظة داخلية عن الأسرة"
    )
    support_request_request_info(
        support_request=support_request, actor=officer, note="نحتاج صورة سجل الأسرة"
    )
    _open(client, support_request)
    page = client.get("/track/").content.decode()
    assert "نحتاج صورة سجل الأسرة" in page
    assert "ملاحظة داخلية" not in page
    assert "المهلة متوقفة" in page


def test_the_applicant_uploads_exactly_what_is_missing_and_the_request_returns(
    client, support_request, officer
):
    support_request_start_verification(support_request=support_request, actor=officer)
    support_request_request_info(support_request=support_request, actor=officer, note="المستندات")
    _open(client, support_request)
    page = client.get("/track/").content.decode()
    assert 'name="file_national_id"' in page and 'name="file_family_record"' in page
    response = client.post(
        "/track/documents/",
        {"file_national_id": pdf("id.pdf"), "file_family_record": pdf("family.pdf")},
    )
    assert response.status_code == 302
    support_request.refresh_from_db()
    assert support_request.status == Status.VERIFICATION
    assert BeneficiaryDocument.objects.filter(beneficiary=support_request.beneficiary).count() == 2


def test_a_bad_file_on_the_tracking_page_changes_nothing(client, support_request, officer):
    support_request_request_info(support_request=support_request, actor=officer, note="المستندات")
    _open(client, support_request)
    response = client.post(
        "/track/documents/",
        {"file_national_id": pdf("id.pdf", content=b"MZ" + b"0" * 50), "file_family_record": pdf()},
    )
    assert response.status_code == 200
    assert "PDF" in response.content.decode()
    support_request.refresh_from_db()
    assert support_request.status == Status.NEEDS_INFO
    assert not BeneficiaryDocument.objects.exists()


def test_withdrawing_needs_a_reason_and_then_withdraws(client, support_request):
    _open(client, support_request)
    response = client.post("/track/withdraw/", {"reason": ""})
    assert response.status_code == 200
    assert "اكتب السبب" in response.content.decode()
    response = client.post("/track/withdraw/", {"reason": "لم أعد بحاجة"})
    assert response.status_code == 302
    support_request.refresh_from_db()
    assert support_request.status == Status.WITHDRAWN
    change = support_request.status_changes.last()
    assert change.actor is None and change.note == "لم أعد بحاجة"
    page = client.get("/track/").content.decode()
    assert "اسحب طلبي" not in page


def test_actions_without_the_tracking_cookie_are_refused(client, support_request):
    response = client.post("/track/withdraw/", {"reason": "x"})
    assert response.status_code == 302
    support_request.refresh_from_db()
    assert support_request.status == Status.SUBMITTED


def test_a_forged_tracking_cookie_opens_nothing(client, support_request):
    client.cookies["mustafid_track"] = str(support_request.pk)
    page = client.get("/track/").content.decode()
    assert support_request.display_reference not in page


def test_closing_forgets_the_request(client, support_request):
    _open(client, support_request)
    client.post("/track/leave/")
    assert support_request.display_reference not in client.get("/track/").content.decode()


def test_tracking_in_english(english, support_request):
    _open(english, support_request)
    page = english.get("/track/").content.decode()
    assert 'dir="ltr"' in page and "Decision due by" in page
    response = english.post("/track/", {"reference": "1", "id_number": OTHER_ID})
    assert "We could not find a request" in response.content.decode()


def test_the_honeypot_on_track_finds_nothing(client, support_request):
    response = client.post(
        "/track/",
        {
            "reference": support_request.display_reference,
            "id_number": NATIONAL_ID,
            "website": "x",
        },
    )
    assert response.status_code == 302
    assert support_request.display_reference not in client.get("/track/").content.decode()


def test_the_status_page_reads_a_bounded_number_of_queries(
    client, support_request, django_assert_max_num_queries
):
    _open(client, support_request)
    with django_assert_max_num_queries(12):
        client.get("/track/")


def test_the_applicant_stops_messages_from_the_tracking_page(client, support_request, officer):
    from beneficiaries.models import Consent
    from beneficiaries.selectors import beneficiary_has_withdrawn_consent
    from channels_app.sms import outbox

    _open(client, support_request)
    page = client.get("/track/").content.decode()
    assert "إيقاف الرسائل" in page
    response = client.post("/track/stop-messages/")
    assert response.status_code == 302
    beneficiary = support_request.beneficiary
    assert beneficiary_has_withdrawn_consent(beneficiary)
    consent = Consent.objects.get(beneficiary=beneficiary, purpose="contact")
    assert consent.withdrawn_at is not None and "/track/" in consent.withdrawal_note
    assert "لا نرسل إليك أي رسائل" in client.get("/track/").content.decode()
    # The request goes on, silently: the next move sends no SMS.
    outbox.clear()
    support_request_start_verification(support_request=support_request, actor=officer)
    assert not outbox


def test_stopping_messages_needs_the_tracking_cookie(client, support_request):
    response = client.post("/track/stop-messages/")
    assert response.status_code == 302
    from beneficiaries.selectors import beneficiary_has_withdrawn_consent

    assert not beneficiary_has_withdrawn_consent(support_request.beneficiary)


def test_a_real_reference_with_letters_for_the_id_is_a_neutral_answer_not_an_error(
    client, support_request
):
    for id_number in ("ابتثجحخدذر", "é234567890", "😀"):
        response = client.post(
            "/track/", {"reference": support_request.reference, "id_number": id_number}
        )
        assert response.status_code < 500
