"""Retention periods and ``apply_retention``: expired data is anonymised or deleted, the
figures stay, a dry run changes nothing, an open case is never touched."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.db.models import Count
from django.test import override_settings
from django.utils import timezone, translation

from beneficiaries import privacy
from beneficiaries.models import AccessLog, Beneficiary
from channels_app.models import Channel, Notification
from requests_app.models import SupportRequest
from requests_app.workflow import Status
from tests.factories import (
    AccessLogFactory,
    BeneficiaryFactory,
    DataSubjectRequestFactory,
    SupportRequestFactory,
)

pytestmark = pytest.mark.django_db

NOW = timezone.now()
LONG_AGO = NOW - datetime.timedelta(days=6 * 366)
RECENT = NOW - datetime.timedelta(days=30)


def _age(beneficiary, when):
    Beneficiary.objects.filter(pk=beneficiary.pk).update(created_at=when, updated_at=when)


def _old_request(beneficiary, status=Status.CLOSED, when=LONG_AGO):
    request = SupportRequestFactory(beneficiary=beneficiary, status=status, submitted_at=when)
    SupportRequest.objects.filter(pk=request.pk).update(
        updated_at=when, closed_at=when if status == Status.CLOSED else None
    )
    return request


@pytest.fixture
def world():
    """Who retention must take, and who it must leave alone."""
    expired = BeneficiaryFactory(name_ar="منتهي المدة", region="asir")
    _age(expired, LONG_AGO)
    _old_request(expired)

    open_case = BeneficiaryFactory(name_ar="طلب مفتوح")
    _age(open_case, LONG_AGO)
    _old_request(open_case, status=Status.COMMITTEE_REVIEW)

    recent = BeneficiaryFactory(name_ar="طلب حديث")
    _age(recent, LONG_AGO)
    _old_request(recent, when=RECENT)

    never_applied = BeneficiaryFactory(name_ar="لم يتقدم بطلب")
    _age(never_applied, NOW - datetime.timedelta(days=3 * 366))

    fresh = BeneficiaryFactory(name_ar="مسجل حديثا")

    pending_dsr = BeneficiaryFactory(name_ar="طلب خصوصية مفتوح")
    _age(pending_dsr, LONG_AGO)
    _old_request(pending_dsr)
    DataSubjectRequestFactory(beneficiary=pending_dsr)
    _age(pending_dsr, LONG_AGO)

    old_log = AccessLogFactory(beneficiary=fresh, at=NOW - datetime.timedelta(days=3 * 366))
    new_log = AccessLogFactory(beneficiary=fresh)
    channel = Channel.objects.get(code="phone")
    old_message = Notification.objects.create(
        recipient_name="منتهي",
        to="+966550000001",
        channel=channel,
        event="request_received",
        language="ar",
        body="نص قديم",
        status="skipped_opt_out",
        created_at=NOW - datetime.timedelta(days=400),
    )
    new_message = Notification.objects.create(
        recipient_name="حديث",
        to="+966550000002",
        channel=channel,
        event="request_received",
        language="ar",
        body="نص حديث",
        status="skipped_opt_out",
    )
    return locals()


def _figures():
    return (
        list(Beneficiary.objects.values("region", "gender", "kind").annotate(n=Count("id"))),
        list(SupportRequest.objects.values("program", "status").annotate(n=Count("id"))),
        Notification.objects.values("event", "status").annotate(n=Count("id")).count(),
        Beneficiary.objects.count(),
        SupportRequest.objects.count(),
        Notification.objects.count(),
    )


def test_the_defaults_are_stated():
    assert privacy.retention_settings() == {
        "closed_request_beneficiary_years": 5,
        "inactive_beneficiary_years": 2,
        "access_log_years": 2,
        "notification_days": 365,
    }
    with translation.override("en"):
        periods = {p["key"]: p["period"] for p in privacy.retention_periods()}
    assert periods["notification_days"] == "365 days"
    with translation.override("ar"):
        periods = {p["key"]: p["period"] for p in privacy.retention_periods()}
    assert periods["access_log_years"] == "سنتين"


@override_settings(MUSTAFID_RETENTION={"access_log_years": 7})
def test_a_deployment_overrides_one_period():
    assert privacy.retention_settings()["access_log_years"] == 7
    assert privacy.retention_settings()["notification_days"] == 365


@override_settings(MUSTAFID_RETENTION={"acess_log_years": 7})
def test_a_misspelt_period_is_an_error_not_a_silent_default():
    with pytest.raises(ValueError, match="acess_log_years"):
        privacy.retention_settings()


def test_the_plan_takes_only_what_has_expired(world):
    plan = privacy.retention_plan()
    assert [b.pk for b in plan.beneficiaries_closed] == [world["expired"].pk]
    assert [b.pk for b in plan.beneficiaries_inactive] == [world["never_applied"].pk]
    assert plan.access_log_count == 1
    assert plan.notification_count == 1


def test_a_dry_run_lists_what_would_change_and_changes_nothing(world):
    before = _figures()
    names = sorted(Beneficiary.objects.values_list("name_ar", flat=True))
    out = io.StringIO()
    call_command("apply_retention", "--dry-run", stdout=out)
    text = out.getvalue()
    assert world["expired"].file_number in text
    assert world["never_applied"].file_number in text
    assert world["open_case"].file_number not in text
    assert "would delete 1 access-log entries" in text
    assert "nothing was changed" in text
    assert _figures() == before
    assert sorted(Beneficiary.objects.values_list("name_ar", flat=True)) == names
    assert AccessLog.objects.count() == 2
    assert not Beneficiary.objects.filter(status=Beneficiary.Status.ANONYMISED).exists()
    world["old_message"].refresh_from_db()
    assert world["old_message"].body == "نص قديم"


def test_the_real_run_anonymises_and_deletes_what_expired_and_keeps_the_figures(world):
    regions_before = list(
        Beneficiary.objects.values("region").annotate(n=Count("id")).order_by("region")
    )
    requests_before = list(
        SupportRequest.objects.values("program", "status").annotate(n=Count("id")).order_by()
    )
    out = io.StringIO()
    call_command("apply_retention", stdout=out)
    assert "anonymised 2 beneficiaries" in out.getvalue()

    def status(name):
        return Beneficiary.objects.get(pk=world[name].pk).status

    assert status("expired") == Beneficiary.Status.ANONYMISED
    assert status("never_applied") == Beneficiary.Status.ANONYMISED
    for kept in ("open_case", "recent", "fresh", "pending_dsr"):
        assert status(kept) == Beneficiary.Status.ACTIVE, kept
    assert Beneficiary.objects.get(pk=world["expired"].pk).region == "asir"
    assert not Beneficiary.objects.filter(name_ar="منتهي المدة").exists()
    assert list(AccessLog.objects.values_list("pk", flat=True)) == [world["new_log"].pk]
    world["old_message"].refresh_from_db()
    world["new_message"].refresh_from_db()
    assert (world["old_message"].body, world["old_message"].to) == ("", "")
    assert world["new_message"].body == "نص حديث"
    # The figures the reports count are the same.
    assert (
        list(Beneficiary.objects.values("region").annotate(n=Count("id")).order_by("region"))
        == regions_before
    )
    assert (
        list(SupportRequest.objects.values("program", "status").annotate(n=Count("id")).order_by())
        == requests_before
    )
    assert Notification.objects.count() == 2
    # Running again finds nothing more to do.
    assert privacy.retention_plan().is_empty


def test_an_open_case_is_never_anonymised_by_retention_even_if_old(world):
    privacy.retention_apply()
    open_case = Beneficiary.objects.get(pk=world["open_case"].pk)
    assert open_case.name_ar == "طلب مفتوح"
    assert open_case.mobile


@override_settings(MUSTAFID_RETENTION={"access_log_years": 0})
def test_a_period_below_one_stops_the_command_with_a_clear_error(world):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="access_log_years"):
        call_command("apply_retention", stdout=io.StringIO())
    assert AccessLog.objects.count() == 2


def test_the_limit_spreads_a_large_backlog_over_several_runs(world):
    second = BeneficiaryFactory()
    _age(second, NOW - datetime.timedelta(days=3 * 366))
    assert privacy.retention_plan().inactive_count == 2
    call_command("apply_retention", "--limit", "1", stdout=io.StringIO())
    assert privacy.retention_plan().inactive_count == 1
    call_command("apply_retention", "--limit", "1", stdout=io.StringIO())
    assert privacy.retention_plan().is_empty


@override_settings(MUSTAFID_RETENTION={"notification_days": 90})
def test_the_privacy_notice_shows_the_periods_in_force_in_both_languages():
    from django.template import Context, Template

    page = Template("{% load privacy_tags %}{% retention_periods_list %}")
    with translation.override("ar"):
        arabic = page.render(Context())
    with translation.override("en"):
        english = page.render(Context())
    assert "سجل الاطلاع (من فتح أي ملف): يُحذف بعد سنتين" in arabic
    assert "90 يومًا" in arabic
    assert "erased after (the count remains) 90 days" in english
    assert "5 years" in english
