"""The dashboard, its downloads and the governance report, as each role sees them."""

import csv
import io

import openpyxl
import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from beneficiaries.models import AccessLog
from config.dashboard.models import ExportLog
from config.dashboard.panels import get_panel, register_panel, unregister_panel_source
from tests.factories import (
    BeneficiaryFactory,
    SupportRequestFactory,
    decided_request,
    riyadh,
)

pytestmark = pytest.mark.django_db

URL = "/dashboard/"
PERIOD = {"calendar": "gregorian", "start": "2025-01", "end": "2025-03"}


@pytest.fixture
def some_requests():
    person = BeneficiaryFactory(name_ar="فاطمة الزهراني", region="riyadh", gender="female")
    for days in (2, 4, 20):
        decided_request(submitted=riyadh(2025, 1, 10), days_to_decide=days)
    SupportRequestFactory(beneficiary=person, submitted_at=riyadh(2025, 2, 3))
    return person


def english(client):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})


def test_anonymous_is_sent_to_the_login(client):
    response = client.get(URL)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_outsider_and_committee_member_are_refused(client, outsider, committee_member):
    for user in (outsider, committee_member):
        client.force_login(user)
        assert client.get(URL).status_code == 403


def test_manager_sees_the_figures_in_arabic_with_charts(client, manager, some_requests):
    client.force_login(manager)
    response = client.get(URL, PERIOD)
    assert response.status_code == 200
    text = response.text
    assert 'dir="rtl"' in text and "لوحة المؤشرات" in text
    assert "<svg" in text and 'direction="rtl"' in text
    assert "<table" in text  # the data table beside each chart
    assert "66.7%" in text  # two of three decided within 14 days
    assert "<script" not in text


def test_the_dashboard_in_english_is_left_to_right(client, manager, some_requests):
    client.force_login(manager)
    english(client)
    text = client.get(URL, PERIOD).text
    assert 'dir="ltr"' in text and "Dashboard" in text
    assert 'direction="ltr"' in text and 'direction="rtl"' not in text


def test_a_panel_without_its_source_says_not_yet_available(client, manager):
    source = get_panel("satisfaction").source
    unregister_panel_source("satisfaction")
    try:
        client.force_login(manager)
        text = client.get(URL, PERIOD).text
        assert 'id="panel-satisfaction"' in text
        assert "غير متاح بعد" in text
    finally:
        register_panel("satisfaction", source=source)


def test_a_registered_source_fills_its_panel(client, manager):
    def satisfaction_summary(start, end, program=None):
        assert start < end
        return {"csat": 0.82, "nps": 31.0, "response_rate": 0.4, "counts": {"راضٍ": 8}}

    register_panel("satisfaction", source=satisfaction_summary)
    try:
        client.force_login(manager)
        english(client)
        text = client.get(URL, PERIOD).text
        assert "82.0%" in text and "40.0%" in text and "راضٍ" in text
    finally:
        unregister_panel_source("satisfaction")
    assert not get_panel("satisfaction").available
    from satisfaction.dashboard import satisfaction_source

    register_panel("satisfaction", source=satisfaction_source)


def test_a_reversed_range_is_a_clear_message_not_an_error(client, manager):
    client.force_login(manager)
    response = client.get(URL, {"calendar": "gregorian", "start": "2025-05", "end": "2025-01"})
    assert response.status_code == 200
    assert "قبل" in response.text and 'role="alert"' in response.text


@pytest.mark.parametrize("start", ["2025-13", "abc", "1999/01", "٢٠٢٥-٠١x"])
def test_bad_months_are_explained_and_kept(client, manager, start):
    client.force_login(manager)
    response = client.get(URL, {"calendar": "gregorian", "start": start})
    assert response.status_code == 200
    assert 'role="alert"' in response.text


def test_eastern_arabic_digits_and_hijri_months_are_accepted(client, manager):
    client.force_login(manager)
    response = client.get(URL, {"calendar": "hijri", "start": "١٤٤٦-٠٩", "end": "١٤٤٦-١٠"})
    assert response.status_code == 200
    assert "رمضان 1446" in response.text


def test_a_filter_that_matches_nothing_shows_an_empty_state(client, manager, some_requests):
    client.force_login(manager)
    response = client.get(URL, {**PERIOD, "region": "jouf"})
    assert response.status_code == 200
    assert "لا توجد بيانات" in response.text


def test_the_query_count_does_not_grow_with_the_data(
    client, manager, django_assert_max_num_queries
):
    """Measured with the kept figures forgotten, so every panel's sources run."""
    from config.dashboard.cache import forget
    from config.dashboard.forms import DashboardFilterForm

    form = DashboardFilterForm(PERIOD)
    assert form.is_valid()
    decided_request(submitted=riyadh(2025, 1, 1), days_to_decide=3)
    SupportRequestFactory(submitted_at=timezone.now() - timezone.timedelta(days=40))
    client.force_login(manager)
    client.get(URL, PERIOD)  # warm the profile cache and the session
    forget(manager, form.filters())
    # Every panel has its source now (requests, surveys, complaints, contacts, reach).
    with django_assert_max_num_queries(40) as few:
        client.get(URL, PERIOD)
    baseline = len(few.captured_queries)
    assert any(
        "PERCENTILE_CONT" in q["sql"] or "ORDER BY" in q["sql"] for q in few.captured_queries
    )
    for days in range(1, 30):
        decided_request(submitted=riyadh(2025, 1, 1), days_to_decide=days % 20 + 1)
        SupportRequestFactory(submitted_at=timezone.now() - timezone.timedelta(days=40))
    forget(manager, form.filters())
    with django_assert_max_num_queries(baseline) as more:
        client.get(URL, PERIOD)
    assert len(more.captured_queries) == baseline


def rows_of_csv(response):
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))


def test_a_dashboard_table_downloads_as_csv_and_is_logged(client, manager, some_requests):
    client.force_login(manager)
    url = reverse("dashboard:table-export", args=["channels", "channels", "csv"])
    rows = rows_of_csv(client.get(url, PERIOD))
    assert rows[0] == ["القناة", "الطلبات"]
    assert rows[1][1] == "4"
    log = ExportLog.objects.get()
    assert (log.user, log.what, log.format, log.rows) == (
        manager,
        "dashboard.channels.channels",
        "csv",
        1,
    )
    assert log.filters["start"] == "2025-01"


def test_the_overdue_table_in_excel_has_hijri_columns(client, manager):
    SupportRequestFactory(submitted_at=timezone.now() - timezone.timedelta(days=30))
    client.force_login(manager)
    url = reverse("dashboard:table-export", args=["overdue", "overdue", "xlsx"])
    response = client.get(url, PERIOD)
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    header = [c.value for c in sheet[1]]
    assert "الاستحقاق (هجري)" in " ".join(header) or any("(هجري)" in h for h in header)
    assert sheet.sheet_view.rightToLeft
    assert ExportLog.objects.get().rows == 1


def test_exports_need_the_permission(client, researcher):
    client.force_login(researcher)
    url = reverse("dashboard:table-export", args=["channels", "channels", "csv"])
    assert client.get(url, PERIOD).status_code == 403
    assert not ExportLog.objects.exists()


def test_requests_list_exports_to_excel_with_arabic_and_hijri_dates(client, manager):
    request = SupportRequestFactory(
        beneficiary=BeneficiaryFactory(name_ar="عبدالله القحطاني"),
        submitted_at=riyadh(2025, 3, 1),
    )
    client.force_login(manager)
    response = client.post(
        reverse("admin:requests_app_supportrequest_changelist"),
        {"action": "export_xlsx", "_selected_action": [request.pk]},
    )
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    header = [c.value for c in sheet[1]]
    row = [c.value for c in sheet[2]]
    assert "عبدالله القحطاني" in row
    submitted = header.index("تاريخ التقديم") if "تاريخ التقديم" in header else None
    hijri_cells = [v for v in row if isinstance(v, str) and "رمضان 1446" in v]
    assert hijri_cells, (header, row, submitted)
    assert any("نحتاج" in str(v) for v in row)  # the manager sees the need
    assert ExportLog.objects.get().included_sensitive


def test_requests_export_hides_the_need_from_the_auditor(client, auditor):
    request = SupportRequestFactory()
    client.force_login(auditor)
    response = client.post(
        reverse("admin:requests_app_supportrequest_changelist"),
        {"action": "export_csv", "_selected_action": [request.pk]},
    )
    rows = rows_of_csv(response)
    assert not any("نحتاج" in cell for cell in rows[1])
    assert not ExportLog.objects.get().included_sensitive


def test_beneficiary_export_to_excel_keeps_the_access_log(client, officer):
    person = BeneficiaryFactory(name_ar="نورة العتيبي")
    client.force_login(officer)
    response = client.post(
        reverse("admin:beneficiaries_beneficiary_changelist"),
        {"action": "export_xlsx", "_selected_action": [person.pk]},
    )
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert "نورة العتيبي" in [c.value for c in sheet[2]]
    assert AccessLog.objects.filter(user=officer, action="export", detail="XLSX").exists()
    assert ExportLog.objects.get(what="beneficiaries.beneficiary").rows == 1


def test_the_governance_report_prints_with_the_letterhead(client, manager, some_requests):
    client.force_login(manager)
    response = client.get(reverse("dashboard:report"), PERIOD)
    assert response.status_code == 200
    text = response.text
    assert "تقرير علاقات المستفيدين" in text
    assert "المملكة العربية السعودية" in text
    assert "رجب 1446" in text  # 1 January 2025 in Hijri
    assert "<script" not in text and "onclick" not in text


def test_the_governance_report_in_english_and_as_excel(client, manager, some_requests):
    client.force_login(manager)
    english(client)
    assert "Beneficiary relations report" in client.get(reverse("dashboard:report"), PERIOD).text
    response = client.get(reverse("dashboard:report-xlsx"), PERIOD)
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    values = [c.value for row in sheet.iter_rows() for c in row]
    assert "Requests received" in values
    assert ExportLog.objects.get().what == "dashboard.governance-report"


@override_settings(LANGUAGE_CODE="ar")
def test_the_auditor_sees_the_dashboard_read_only(client, auditor, some_requests):
    client.force_login(auditor)
    assert client.get(URL, PERIOD).status_code == 200


def test_the_back_office_links_to_the_dashboard_for_those_who_may_see_it(client, manager):
    client.force_login(manager)
    assert 'href="/dashboard/"' in client.get("/admin/").text


def test_the_dashboard_leads_back_to_the_back_office_and_signs_out(client, manager):
    client.force_login(manager)
    text = client.get(URL).text
    assert 'href="/admin/"' in text and "لوحة الإدارة" in text
    assert 'action="/admin/logout/"' in text and "تسجيل الخروج" in text
    client.post("/admin/logout/")
    assert client.get(URL).status_code == 302
