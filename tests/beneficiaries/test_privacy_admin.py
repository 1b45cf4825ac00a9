"""The privacy back-office: the data-subject request queue and its steps, the export,
the record of processing activities, the breach register and consent withdrawal."""

import datetime
import json

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from beneficiaries.models import AccessLog, BreachRecord, Consent, DataSubjectRequest
from tests.factories import (
    BeneficiaryFactory,
    BreachRecordFactory,
    ConsentFactory,
    DataSubjectRequestFactory,
)

pytestmark = pytest.mark.django_db

QUEUE = reverse("admin:beneficiaries_datasubjectrequest_changelist")
ROPA = reverse("admin:beneficiaries_processing_record")
BREACHES = reverse("admin:beneficiaries_breachrecord_changelist")


def step_url(dsr, step):
    return reverse("admin:beneficiaries_datasubjectrequest_step", args=[dsr.pk, step])


def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


# --- the queue ----------------------------------------------------------------------------


def test_the_queue_shows_open_requests_and_overdue_ones_stand_out(
    client, officer, django_assert_max_num_queries
):
    late = DataSubjectRequestFactory(
        received_at=timezone.now() - datetime.timedelta(days=40),
        due_at=timezone.now() - datetime.timedelta(days=10),
    )
    on_time = DataSubjectRequestFactory()
    done = DataSubjectRequestFactory(status=DataSubjectRequest.Status.COMPLETED)
    for _ in range(5):
        DataSubjectRequestFactory()
    client.force_login(officer)
    with django_assert_max_num_queries(12):
        response = client.get(QUEUE)
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('class="privacy-overdue"') == 1
    assert late.beneficiary.file_number in html
    assert on_time.beneficiary.file_number in html
    assert done.beneficiary.file_number not in html
    overdue_only = client.get(QUEUE, {"state": "overdue"}).content.decode()
    assert late.beneficiary.file_number in overdue_only
    assert on_time.beneficiary.file_number not in overdue_only


def test_an_officer_records_a_request_and_it_is_due_in_thirty_days(client, officer):
    person = BeneficiaryFactory()
    client.force_login(officer)
    received = timezone.localtime() - datetime.timedelta(days=2)
    response = client.post(
        reverse("admin:beneficiaries_datasubjectrequest_add"),
        {
            "beneficiary": person.pk,
            "kind": "correction",
            "details": "تاريخ الميلاد خاطئ",
            "received_at_0": received.strftime("%Y-%m-%d"),
            "received_at_1": received.strftime("%H:%M:%S"),
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    dsr = DataSubjectRequest.objects.get()
    assert dsr.created_by == officer
    assert (dsr.due_at - dsr.received_at) == datetime.timedelta(days=30)


def test_a_request_received_in_the_future_is_refused_with_an_arabic_message(client, officer):
    person = BeneficiaryFactory()
    client.force_login(officer)
    future = timezone.localtime() + datetime.timedelta(days=2)
    response = client.post(
        reverse("admin:beneficiaries_datasubjectrequest_add"),
        {
            "beneficiary": person.pk,
            "kind": "access",
            "details": "نص كتبه الموظف",
            "received_at_0": future.strftime("%Y-%m-%d"),
            "received_at_1": "10:00:00",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "لا يمكن أن يكون تاريخ الورود في المستقبل." in html
    assert "نص كتبه الموظف" in html
    assert not DataSubjectRequest.objects.exists()


def test_the_steps_verify_extend_and_answer_through_the_admin(client, officer):
    dsr = DataSubjectRequestFactory()
    client.force_login(officer)
    page = client.get(reverse("admin:beneficiaries_datasubjectrequest_change", args=[dsr.pk]))
    assert "لم يُتحقق من الهوية بعد" in page.content.decode()
    assert step_url(dsr, "complete") not in page.content.decode()

    response = client.post(step_url(dsr, "extend"), {"reason": ""})
    assert response.status_code == 200
    assert "هذا الحقل مطلوب" in response.content.decode()
    response = client.post(step_url(dsr, "extend"), {"reason": "أرشيف ورقي"})
    assert response.status_code == 302
    response = client.post(step_url(dsr, "extend"), {"reason": "مرة ثانية"})
    assert "ولا يمكن تمديده ثانية" in response.content.decode()

    response = client.post(step_url(dsr, "complete"), {"outcome": "سلمت"})
    assert "تحقق من هوية صاحب الطلب قبل الرد عليه." in response.content.decode()

    response = client.post(step_url(dsr, "verify"), {"method": "in_person", "note": "بطاقة"})
    assert response.status_code == 302
    response = client.post(step_url(dsr, "complete"), {"outcome": "سلمت النسخة"})
    assert response.status_code == 302
    dsr.refresh_from_db()
    assert dsr.status == DataSubjectRequest.Status.COMPLETED
    assert dsr.verified_by == officer and dsr.closed_by == officer


def test_people_without_change_permission_cannot_take_steps(client, auditor):
    dsr = DataSubjectRequestFactory()
    client.force_login(auditor)
    assert client.get(QUEUE).status_code == 200
    response = client.post(step_url(dsr, "verify"), {"method": "in_person"})
    assert response.status_code == 403
    dsr.refresh_from_db()
    assert dsr.verified_at is None


# --- the export -----------------------------------------------------------------------------


def test_the_export_needs_a_verified_identity_and_the_sensitive_data_permission(
    client, officer, auditor
):
    dsr = DataSubjectRequestFactory()
    html_url = reverse("admin:beneficiaries_datasubjectrequest_export", args=[dsr.pk])
    json_url = reverse("admin:beneficiaries_datasubjectrequest_export_json", args=[dsr.pk])
    client.force_login(officer)
    assert client.get(html_url).status_code == 403
    DataSubjectRequest.objects.filter(pk=dsr.pk).update(
        verified_at=timezone.now(), verification_method="in_person"
    )
    response = client.get(html_url)
    html = response.content.decode()
    assert response.status_code == 200
    assert dsr.beneficiary.name_ar in html
    assert 'dir="rtl"' in html
    assert "سجل المستفيد" in html and "سجل الاطلاع" in html
    assert 'class="dual-date"' in html and "هـ" in html  # dates in Hijri and Gregorian
    response = client.get(json_url)
    data = json.loads(response.content)
    assert response["Content-Disposition"].startswith("attachment")
    assert data["sections"]["beneficiary"]["id_number"] == dsr.beneficiary.id_number
    assert (
        AccessLog.objects.filter(
            beneficiary=dsr.beneficiary, action=AccessLog.Action.EXPORT
        ).count()
        == 2
    )
    client.force_login(auditor)
    assert client.get(html_url).status_code == 403
    assert client.get(json_url).status_code == 403


def test_the_export_page_reads_in_english_too(client, officer):
    dsr = DataSubjectRequestFactory(verified=True)
    client.force_login(officer)
    english(client)
    html = client.get(
        reverse("admin:beneficiaries_datasubjectrequest_export", args=[dsr.pk])
    ).content.decode()
    assert 'dir="ltr"' in html
    assert "Beneficiary record" in html and "Messages sent" in html


# --- record of processing activities ----------------------------------------------------------


@pytest.mark.parametrize("persona", ["manager", "auditor"])
def test_the_record_of_processing_is_arabic_by_default(client, persona, request):
    client.force_login(request.getfixturevalue(persona))
    response = client.get(ROPA)
    html = response.content.decode()
    assert response.status_code == 200
    assert 'lang="ar" dir="rtl"' in html
    assert "سجل أنشطة المعالجة" in html
    assert "تسجيل المستفيدين ودراسة طلبات الدعم" in html
    assert "الأساس النظامي" in html and "الضمانات" in html
    # Retention comes from the settings in force.
    assert "سجل الاطلاع (من فتح أي ملف): يُحذف بعد سنتين" in html


def test_the_record_of_processing_in_english_follows_the_retention_settings(
    client, manager, settings
):
    settings.MUSTAFID_RETENTION = {"access_log_years": 3}
    client.force_login(manager)
    english(client)
    html = client.get(ROPA).content.decode()
    assert 'lang="en" dir="ltr"' in html
    assert "Registering beneficiaries and handling support requests" in html
    assert "Legal basis" in html and "Safeguards" in html
    assert "Access log entries (who opened which file): deleted after 3 years" in html
    # ?lang= gives the other language for printing without switching the site.
    html = client.get(ROPA, {"lang": "ar"}).content.decode()
    assert 'lang="ar" dir="rtl"' in html and "الأغراض" in html


@pytest.mark.parametrize("persona", ["officer", "outsider"])
def test_the_record_of_processing_needs_its_permission(client, persona, request):
    user = request.getfixturevalue(persona)
    client.force_login(user)
    response = client.get(ROPA)
    assert response.status_code in (302, 403)
    assert "تسجيل المستفيدين ودراسة طلبات الدعم" not in response.content.decode()


# --- breach register ------------------------------------------------------------------------------


def test_the_breach_clock_is_72_hours_from_detection():
    detected = timezone.now() - datetime.timedelta(hours=71)
    breach = BreachRecordFactory(detected_at=detected)
    assert breach.regulator_due_at == detected + datetime.timedelta(hours=72)
    assert not breach.regulator_overdue()
    assert 0 < breach.regulator_hours_left() <= 1
    assert breach.regulator_overdue(now=detected + datetime.timedelta(hours=73))
    breach.regulator_notified_at = detected + datetime.timedelta(hours=80)
    assert breach.regulator_overdue()  # notified, but late
    breach.regulator_notified_at = detected + datetime.timedelta(hours=70)
    assert not breach.regulator_overdue()


def test_the_breach_register_makes_a_late_notification_stand_out(
    client, manager, django_assert_max_num_queries
):
    late = BreachRecordFactory(detected_at=timezone.now() - datetime.timedelta(hours=80))
    BreachRecordFactory(detected_at=timezone.now() - datetime.timedelta(hours=10))
    BreachRecordFactory(
        detected_at=timezone.now() - datetime.timedelta(days=10),
        regulator_notified_at=timezone.now() - datetime.timedelta(days=9),
    )
    client.force_login(manager)
    with django_assert_max_num_queries(10):
        html = client.get(BREACHES).content.decode()
    assert html.count('class="privacy-overdue"') == 1
    assert "متأخر: أبلغ الجهة المختصة الآن" in html
    assert "أُبلغت في الموعد" in html
    english(client)
    html = client.get(
        reverse("admin:beneficiaries_breachrecord_change", args=[late.pk])
    ).content.decode()
    assert "overdue: notify the regulator now" in html


def test_a_manager_records_a_breach(client, manager):
    client.force_login(manager)
    now = timezone.localtime()
    response = client.post(
        reverse("admin:beneficiaries_breachrecord_add"),
        {
            "detected_at_0": now.strftime("%Y-%m-%d"),
            "detected_at_1": now.strftime("%H:%M:%S"),
            "description": "فقدان حاسوب",
            "data_categories": "الأسماء",
            "people_affected": "30",
            "severity": "high",
            "actions": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert BreachRecord.objects.get().recorded_by == manager


def test_an_officer_cannot_open_the_breach_register(client, officer):
    client.force_login(officer)
    assert client.get(BREACHES).status_code == 403


# --- consent withdrawal by staff --------------------------------------------------------------------


def test_staff_withdraw_a_consent_with_a_note_and_it_is_recorded(client, officer):
    consent = ConsentFactory(purpose=Consent.Purpose.CONTACT)
    client.force_login(officer)
    changelist = reverse("admin:beneficiaries_consent_changelist")
    confirm = client.post(
        changelist, {"action": "withdraw_selected", "_selected_action": [consent.pk]}
    )
    assert confirm.status_code == 200
    assert "سحب الموافقة يوقف كل الرسائل" in confirm.content.decode()
    response = client.post(
        changelist,
        {
            "action": "withdraw_selected",
            "_selected_action": [consent.pk],
            "post": "yes",
            "note": "اتصال هاتفي",
        },
    )
    assert response.status_code == 302
    consent.refresh_from_db()
    assert consent.withdrawn_at is not None
    assert consent.withdrawal_note == "اتصال هاتفي"
    assert consent.history.first().history_user == officer


def test_a_withdrawal_without_a_note_changes_nothing(client, officer):
    consent = ConsentFactory()
    client.force_login(officer)
    response = client.post(
        reverse("admin:beneficiaries_consent_changelist"),
        {"action": "withdraw_selected", "_selected_action": [consent.pk], "post": "yes"},
    )
    assert response.status_code == 200
    consent.refresh_from_db()
    assert consent.withdrawn_at is None


# --- roles -------------------------------------------------------------------------------------------


def test_the_roles_get_the_privacy_permissions(officer, manager, auditor, researcher):
    assert officer.has_perms(
        ["beneficiaries.add_datasubjectrequest", "beneficiaries.change_datasubjectrequest"]
    )
    assert not officer.has_perm("beneficiaries.anonymise_beneficiary")
    assert not officer.has_perm("beneficiaries.view_processing_record")
    assert manager.has_perms(
        [
            "beneficiaries.anonymise_beneficiary",
            "beneficiaries.view_processing_record",
            "beneficiaries.add_breachrecord",
            "beneficiaries.change_breachrecord",
        ]
    )
    assert auditor.has_perms(
        [
            "beneficiaries.view_processing_record",
            "beneficiaries.view_breachrecord",
            "beneficiaries.view_datasubjectrequest",
        ]
    )
    assert not auditor.has_perm("beneficiaries.change_datasubjectrequest")
    assert not auditor.has_perm("beneficiaries.anonymise_beneficiary")
    assert not researcher.has_perm("beneficiaries.view_datasubjectrequest")


def test_the_step_pages_open_in_arabic_and_warn_before_a_deletion(client, manager):
    dsr = DataSubjectRequestFactory(kind="deletion", verified=True)
    client.force_login(manager)
    html = client.get(step_url(dsr, "complete")).content.decode()
    assert 'dir="rtl"' in html
    assert "الرد على طلب الإتلاف يخفي هوية المستفيد" in html
    assert client.get(step_url(dsr, "unknown")).status_code == 403


def test_the_queue_links_to_the_record_of_processing_and_the_breach_register(
    client, manager, officer
):
    client.force_login(manager)
    html = client.get(QUEUE).content.decode()
    assert ROPA in html and BREACHES in html
    client.force_login(officer)
    html = client.get(QUEUE).content.decode()
    assert ROPA not in html and BREACHES not in html


def test_the_add_form_opens_for_an_officer(client, officer):
    client.force_login(officer)
    response = client.get(reverse("admin:beneficiaries_datasubjectrequest_add"))
    assert response.status_code == 200
    assert 'name="received_at_0"' in response.content.decode()
