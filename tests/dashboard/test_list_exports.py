"""Every back-office list exports to CSV and Excel (issue #10): Arabic intact, a Hijri
column beside each date, sensitive columns only with the permission, each download in the
export log, only the rows the list shows, and a fixed number of queries."""

import csv
import datetime
import io

import openpyxl
import pytest
from django.contrib import admin
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.test import RequestFactory
from django.urls import reverse

from beneficiaries.models import AccessLog, BeneficiaryDocument, DataSubjectRequest
from config.dashboard.exports import NOT_EXPORTABLE, ExportMixin
from config.dashboard.models import ExportLog
from requests_app.models import CommitteeVote, ResearchReport, StatusChange
from satisfaction.models import SurveyResponse
from tests.factories import (
    BeneficiaryDocumentFactory,
    BeneficiaryFactory,
    BoardMeetingFactory,
    CommitteeFactory,
    CommitteeMeetingFactory,
    CommitteeUserFactory,
    ConsentFactory,
    DataSubjectRequestFactory,
    NotificationFactory,
    OutreachItemFactory,
    OutreachReachFactory,
    ProgramFactory,
    SupportRequestFactory,
    SurveyInvitationFactory,
    UserFactory,
    riyadh,
)

pytestmark = pytest.mark.django_db

HIJRI = "(هجري)"


def _label(model) -> str:
    return model._meta.label_lower


def _changelist(model) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")


def export(client, model, fmt="csv", pks=None, **query):
    """POST the export action to the list, as the browser does: the selected rows, or
    "select all" across the filtered list when no pks are given."""
    data = {"action": f"export_{fmt}", "index": 0}
    if pks is None:
        data.update({"select_across": "1", ACTION_CHECKBOX_NAME: ["0"]})
    else:
        data[ACTION_CHECKBOX_NAME] = [str(pk) for pk in pks]
    url = _changelist(model)
    if query:
        url += "?" + "&".join(f"{k}={v}" for k, v in query.items())
    response = client.post(url, data)
    assert response.status_code == 200, response
    return response


def read(response) -> list[list]:
    """The download as rows (header first), whichever its format."""
    if response["Content-Type"].startswith("text/csv"):
        text = b"".join(response.streaming_content).decode("utf-8")
        assert text.startswith("\ufeff")  # so Excel reads the Arabic
        return list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    return [["" if c.value is None else c.value for c in row] for row in sheet.iter_rows()]


def as_dicts(rows) -> list[dict]:
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


@pytest.fixture
def superuser(db):
    return UserFactory(username="root", is_staff=True, is_superuser=True)


# --- every list ------------------------------------------------------------------------


def test_every_registered_list_has_the_export_actions_or_a_reason_not_to(superuser):
    request = RequestFactory().get("/admin/")
    request.user = superuser
    missing = []
    for model, model_admin in admin.site._registry.items():
        if _label(model) in NOT_EXPORTABLE:
            continue
        actions = model_admin.get_actions(request)
        if not (
            isinstance(model_admin, ExportMixin)
            and "export_csv" in actions
            and "export_xlsx" in actions
            and model_admin.export_fields
        ):
            missing.append(_label(model))
    assert not missing, (
        f"These back-office lists have no export: {missing}. Add ExportMixin with "
        "export_fields (and export_sensitive_fields) and the export_csv/export_xlsx "
        "actions, or put the list in config.dashboard.exports.NOT_EXPORTABLE with the reason."
    )
    registered = {_label(model) for model in admin.site._registry}
    assert set(NOT_EXPORTABLE) <= registered, "NOT_EXPORTABLE names a list that is gone"


def _exporting_models():
    return sorted(
        (m for m, a in admin.site._registry.items() if isinstance(a, ExportMixin)),
        key=_label,
    )


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("model", _exporting_models(), ids=_label)
def test_every_export_downloads_with_all_its_columns_and_is_logged(client, superuser, model, fmt):
    """Every column name resolves and every query runs (on what the migrations seed)."""
    client.force_login(superuser)
    rows = read(export(client, model, fmt))
    model_admin = admin.site._registry[model]
    request = RequestFactory().get("/")
    request.user = superuser
    columns = model_admin.export_columns(request)
    assert len(rows[0]) >= len(columns)
    assert all(len(row) == len(rows[0]) for row in rows)
    log = ExportLog.objects.get()
    assert (log.user, log.what, log.format) == (superuser, _label(model), fmt)
    assert log.rows == len(rows) - 1
    assert log.included_sensitive == bool(model_admin.export_sensitive_fields)


@pytest.mark.parametrize("model", _exporting_models(), ids=_label)
def test_every_list_offers_the_two_downloads(client, superuser, model):
    client.force_login(superuser)
    response = client.get(_changelist(model))
    assert response.status_code == 200
    # (The bar itself is drawn only above a list with rows.)
    offered = dict(response.context["action_form"].fields["action"].choices)
    assert {"export_csv", "export_xlsx"} <= set(offered)


def test_no_export_holds_a_password_hash_or_a_two_step_secret(client, superuser):
    client.force_login(superuser)
    UserFactory(username="someone", email="someone@example.org")
    rows = read(export(client, _user_model(), "csv"))
    text = repr(rows)
    assert "md5$" not in text and "pbkdf2" not in text
    data = {row["اسم المستخدم"]: row for row in as_dicts(rows)}
    assert data["someone"]["الدخول بخطوتين"] == "لا"


def _user_model():
    from django.contrib.auth import get_user_model

    return get_user_model()


# --- Arabic, Hijri, sensitive columns ------------------------------------------------------


def test_documents_export_in_excel_with_arabic_hijri_and_the_number_only_for_the_officer(
    client, officer, auditor
):
    person = BeneficiaryFactory(name_ar="نورة العتيبي")
    document = BeneficiaryDocumentFactory(
        beneficiary=person,
        number="1234567890",
        expiry_date=datetime.date(2025, 3, 1),  # 1 Ramadan 1446
        verification_note="الصورة غير واضحة",
    )
    client.force_login(officer)
    rows = read(export(client, BeneficiaryDocument, "xlsx", [document.pk]))
    header, row = rows[0], as_dicts(rows)[0]
    assert "تاريخ الانتهاء (هجري)" in header
    assert row["تاريخ الانتهاء"] == "2025-03-01"
    assert "رمضان 1446" in row["تاريخ الانتهاء (هجري)"]
    assert row["المستفيد: رقم الملف"] == person.file_number
    assert row["رقم المستند"] == "1234567890"
    assert row["ملاحظة التحقق"] == "الصورة غير واضحة"
    assert ExportLog.objects.get().included_sensitive
    # The officer saw the numbers: each person's access log says so.
    assert AccessLog.objects.filter(
        beneficiary=person, user=officer, action=AccessLog.Action.EXPORT
    ).exists()

    client.force_login(auditor)
    rows = read(export(client, BeneficiaryDocument, "csv", [document.pk]))
    assert "رقم المستند" not in rows[0] and "ملاحظة التحقق" not in rows[0]
    assert "1234567890" not in repr(rows) and "الصورة غير واضحة" not in repr(rows)
    assert not ExportLog.objects.filter(user=auditor).get().included_sensitive
    assert not AccessLog.objects.filter(user=auditor).exists()


def test_committee_votes_keep_reasons_and_conflicts_for_those_who_may_see_them(
    client, roles, manager, committee_member
):
    member = CommitteeUserFactory(first_name="سعد")
    vote = CommitteeVote.objects.create(
        support_request=SupportRequestFactory(),
        member=member,
        vote="approve",
        reason="الأسرة بلا دخل منذ ستة أشهر",
        conflict_statement="لا تربطني بالمتقدم قرابة",
        recommended_amount="1500.00",
    )
    client.force_login(committee_member)
    rows = read(export(client, CommitteeVote, "xlsx", [vote.pk]))
    text = repr(rows)
    assert member.username in text and "وقت التصويت (هجري)" in rows[0]
    assert "الأسرة بلا دخل" not in text and "قرابة" not in text

    client.force_login(manager)
    row = as_dicts(read(export(client, CommitteeVote, "xlsx", [vote.pk])))[0]
    assert row["السبب"] == "الأسرة بلا دخل منذ ستة أشهر"
    assert row["إفصاح تعارض المصالح"] == "لا تربطني بالمتقدم قرابة"
    assert row["المبلغ الموصى به (ريال)"] == 1500  # a number in Excel, not text
    assert [log.included_sensitive for log in ExportLog.objects.order_by("id")] == [False, True]
    # Only the manager's export (with the reasons) is in the person's access log.
    logged = AccessLog.objects.filter(
        beneficiary=vote.support_request.beneficiary, action=AccessLog.Action.EXPORT
    )
    assert [entry.user for entry in logged] == [manager]


def test_status_changes_hide_their_note_without_the_permission(client, auditor, manager):
    support_request = SupportRequestFactory()
    change = StatusChange.objects.create(
        support_request=support_request,
        from_status="submitted",
        to_status="verification",
        note="اتصلت بالأم وأكدت الوضع الصحي",
    )
    client.force_login(auditor)
    assert "الوضع الصحي" not in repr(read(export(client, StatusChange, "csv", [change.pk])))
    client.force_login(manager)
    row = as_dicts(read(export(client, StatusChange, "csv", [change.pk])))[0]
    assert row["ملاحظة"] == "اتصلت بالأم وأكدت الوضع الصحي"
    assert row["طلب الدعم: رقم الطلب"] == support_request.reference
    assert row["إلى"] == "التحقق من البيانات"  # the choice's label, as on the screen


def test_data_subject_requests_follow_the_list_default_filter_and_the_search(client, officer):
    """An export never holds a row the list does not show: "select all" means all the
    rows of the filtered list (here open requests by default, then a search)."""
    open_one = DataSubjectRequestFactory(details="أريد نسخة من بياناتي")
    closed = DataSubjectRequestFactory(status=DataSubjectRequest.Status.COMPLETED)
    other = DataSubjectRequestFactory()
    client.force_login(officer)
    files = [r["المستفيد: رقم الملف"] for r in as_dicts(read(export(client, DataSubjectRequest)))]
    assert sorted(files) == sorted(
        [open_one.beneficiary.file_number, other.beneficiary.file_number]
    )
    assert closed.beneficiary.file_number not in files

    rows = as_dicts(read(export(client, DataSubjectRequest, q=open_one.beneficiary.file_number)))
    assert [r["المستفيد: رقم الملف"] for r in rows] == [open_one.beneficiary.file_number]
    assert rows[0]["ما طُلب"] == "أريد نسخة من بياناتي"
    assert ExportLog.objects.order_by("id").last().filters == {
        "q": open_one.beneficiary.file_number
    }


def test_a_restricted_list_exports_only_its_own_rows(client, roles):
    """A committee member's meetings list holds their own committee's meetings
    (requests_app.committee_admin), and so does its export: the action receives the
    list's queryset (get_queryset, filters, search)."""
    mine, theirs = CommitteeFactory(), CommitteeFactory()
    member = CommitteeUserFactory()
    mine.members.add(member)
    my_meeting = CommitteeMeetingFactory(committee=mine, place="القاعة الأولى")
    CommitteeMeetingFactory(committee=theirs, place="القاعة الثانية")
    from requests_app.models import CommitteeMeeting

    client.force_login(member)
    rows = as_dicts(read(export(client, CommitteeMeeting, "xlsx")))
    assert [r["مكان الانعقاد"] for r in rows] == ["القاعة الأولى"]
    assert rows[0]["اللجنة: الاسم (بالعربية)"] == mine.name_ar
    assert ExportLog.objects.get().rows == 1
    assert my_meeting.pk


def test_anonymous_survey_answers_name_nobody_and_keep_only_their_month(client, manager):
    invitation = SurveyInvitationFactory()
    named = SurveyResponse.objects.create(
        survey=invitation.survey,
        beneficiary=invitation.beneficiary,
        anonymous=False,
        program=invitation.program,
        channel=invitation.channel,
        submitted_at=riyadh(2025, 3, 2, 11),
    )
    anonymous = SurveyResponse.objects.create(
        survey=invitation.survey,
        beneficiary=None,
        anonymous=True,
        program=invitation.program,
        channel=invitation.channel,
        submitted_at=riyadh(2025, 3, 9, 11),
    )
    client.force_login(manager)
    rows = as_dicts(read(export(client, SurveyResponse, "xlsx", [named.pk, anonymous.pk])))
    first, second = rows  # in the order they were given
    assert first["رقم ملف المجيب"] == invitation.beneficiary.file_number
    assert first["تاريخ الإجابة (للإجابات غير المجهولة)"] == "2025-03-02 11:00"
    assert "رمضان 1446" in first["تاريخ الإجابة (للإجابات غير المجهولة) (هجري)"]
    assert second["رقم ملف المجيب"] == ""
    assert second["تاريخ الإجابة (للإجابات غير المجهولة)"] == ""
    assert (second["سنة الإجابة"], second["شهر الإجابة"]) == (2025, 3)
    assert not any(isinstance(v, str) and "2025-03-09" in v for v in second.values())


def test_survey_invitations_say_whether_never_when(client, manager):
    invitation = SurveyInvitationFactory()
    invitation.responded_at = riyadh(2025, 3, 9, 17).replace(minute=43)
    invitation.save()
    client.force_login(manager)
    row = as_dicts(read(export(client, invitation.__class__, "csv", [invitation.pk])))[0]
    assert row["أجاب"] == "نعم"
    assert "17:43" not in repr(row) and "تم الرد" not in row


def test_the_reach_totals_and_the_board_attendance_export_as_on_the_screen(client, manager):
    item = OutreachItemFactory(title="حملة رمضان للتوعية")
    OutreachReachFactory(item=item, reach=300, views=1000)
    OutreachReachFactory(item=item, reach=200, views=500, period_start=datetime.date(2025, 1, 1))
    client.force_login(manager)
    row = as_dicts(read(export(client, item.__class__, "xlsx", [item.pk])))[0]
    assert (row["العنوان"], row["الأشخاص الذين تم الوصول إليهم"], row["المشاهدات"]) == (
        "حملة رمضان للتوعية",
        500,
        1500,
    )
    meeting = BoardMeetingFactory()
    row = as_dicts(read(export(client, meeting.__class__, "xlsx", [meeting.pk])))[0]
    assert "التاريخ الميلادي (هجري)" in row
    assert row["الأعضاء الحاضرون"] == meeting.attendance.count()


def test_a_name_that_looks_like_a_formula_is_neutralised(client, manager):
    program = ProgramFactory(name_ar='=HYPERLINK("http://x")')
    client.force_login(manager)
    row = as_dicts(read(export(client, program.__class__, "csv", [program.pk])))[0]
    assert row["الاسم (بالعربية)"].startswith("'=")


# --- a fixed number of queries -------------------------------------------------------------


def _queries_for(client, model, fmt, django_assert_max_num_queries) -> int:
    from config import pagination

    pagination._estimates.clear()  # each export asks the planner, as a new query would
    with django_assert_max_num_queries(40) as captured:
        read(export(client, model, fmt))
    return len(captured.captured_queries)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_an_export_is_a_fixed_number_of_queries(
    client, manager, django_assert_max_num_queries, fmt
):
    def add_rows():
        person = BeneficiaryFactory()
        ConsentFactory(beneficiary=person)
        NotificationFactory()
        support_request = SupportRequestFactory(beneficiary=person)
        StatusChange.objects.create(
            support_request=support_request,
            from_status="submitted",
            to_status="verification",
            note="ملاحظة",
        )
        ResearchReport.objects.create(
            support_request=support_request,
            researcher=manager,
            method=ResearchReport._meta.get_field("method").choices[0][0],
            visited_on=datetime.date(2025, 3, 1),
            findings="الأسرة تسكن بالإيجار",
            recommendation="دعم الإيجار",
        )

    from beneficiaries.models import Consent
    from channels_app.models import Notification

    add_rows()
    client.force_login(manager)
    read(export(client, Consent, fmt))  # the association's profile is cached after this
    for model in (Consent, Notification, StatusChange, ResearchReport):
        one = _queries_for(client, model, fmt, django_assert_max_num_queries)
        for _ in range(4):
            add_rows()
        many = _queries_for(client, model, fmt, django_assert_max_num_queries)
        assert many == one, (model, one, many)


def _reaches_a_person(model) -> bool:
    from beneficiaries.models import Beneficiary

    for field in model._meta.get_fields():
        if getattr(field, "related_model", None) is Beneficiary and field.many_to_one:
            return True
        if field.name == "support_request" and (field.many_to_one or field.one_to_one):
            return True
    return False


# Lists with sensitive columns about a person that still leave no access-log line, and why.
NO_ACCESS_LOG = {
    "channels_app.notification": "reaches its person through a generic relation",
}


def test_every_export_of_sensitive_columns_about_a_person_is_in_their_access_log():
    """POL-7.4: whoever takes a person's sensitive data away in a file is in that person's
    access log, on every list, as on the registry's own export (which logs in its own
    ``export_logged``)."""
    missing = [
        _label(model)
        for model, model_admin in admin.site._registry.items()
        if isinstance(model_admin, ExportMixin)
        and model_admin.export_sensitive_fields
        and _reaches_a_person(model)
        and not model_admin.export_access_log_path
        and type(model_admin).export_logged is ExportMixin.export_logged
        and _label(model) not in NO_ACCESS_LOG
    ]
    assert missing == []


def test_the_export_log_masks_long_numbers_in_the_search_and_drops_paging():
    from config.dashboard.exports import logged_filters

    assert logged_filters(
        {"q": "1012345678", "region": "riyadh", "o": "2", "p": "3", "cursor": "a1.x"}
    ) == {"q": "••••••••78", "region": "riyadh"}
    assert logged_filters({"q": "0501234567 أحمد"}) == {"q": "••••••••67 أحمد"}
    assert logged_filters({"q": "١٠١٢٣٤٥٦٧٨"}) == {"q": "••••••••٧٨"}
    assert logged_filters({"q": "M0000123"}) == {"q": "M0000123"}  # a file number stays
    # Typed with separators, as the searches accept them.
    assert logged_filters({"q": "1023 456 789"}) == {"q": "•••• ••• •89"}
    assert logged_filters({"q": "050-123-4567"}) == {"q": "•••-•••-••67"}
    assert logged_filters({"q": "+966 50 123 4567"}) == {"q": "+••• •• ••• ••67"}
    assert logged_filters({"q": "SA03 8000 0000 6080 1016 7519"})["q"].endswith("••19")
    assert "8000" not in logged_filters({"q": "SA03 8000 0000 6080 1016 7519"})["q"]
