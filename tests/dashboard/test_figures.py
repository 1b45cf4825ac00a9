"""Each figure against a small hand-computed fixture."""

import datetime

import pytest
from django.utils import timezone

from beneficiaries.models import Beneficiary
from config.dashboard import selectors
from config.dashboard.periods import GREGORIAN, HIJRI, Month, Period, months_between
from config.dashboard.selectors import DashboardFilters
from requests_app.workflow import Status
from tests.factories import (
    BeneficiaryFactory,
    ProgramFactory,
    SupportRequestFactory,
    decided_request,
    delivered_request,
    riyadh,
)

pytestmark = pytest.mark.django_db


def period(first="2025-01", last="2025-03", calendar=GREGORIAN):
    y1, m1 = map(int, first.split("-"))
    y2, m2 = map(int, last.split("-"))
    return Period(calendar, tuple(months_between(Month(calendar, y1, m1), Month(calendar, y2, m2))))


@pytest.fixture
def ten_decided():
    """Ten requests decided in Feb 2025 after 1..10 days (promise 14, one request 20):
    decision days 1,2,3,4,5,6,7,8,9,20 → median 5.5 days, p90 = 9 + 0.1*(20-9) = 10.1;
    on time: 9 of 10."""
    program = ProgramFactory(decision_days=14)
    for days in [1, 2, 3, 4, 5, 6, 7, 8, 9, 20]:
        decided_request(submitted=riyadh(2025, 1, 25), days_to_decide=days, program=program)
    return program


def test_median_p90_and_on_time_share_of_ten_known_requests(ten_decided):
    data = selectors.time_to_decision(DashboardFilters(period=period()))
    assert data["decided"] == 10
    assert data["on_time"] == 9
    assert data["on_time_share"] == pytest.approx(0.9)
    assert data["median_hours"] / 24 == pytest.approx(5.5, abs=0.01)
    assert data["p90_hours"] / 24 == pytest.approx(10.1, abs=0.01)


def test_a_period_with_no_decisions_gives_no_share_rather_than_a_division_by_zero(ten_decided):
    data = selectors.time_to_decision(DashboardFilters(period=period("2024-01", "2024-02")))
    assert data == {
        "decided": 0,
        "on_time": 0,
        "on_time_share": None,
        "median_hours": None,
        "p90_hours": None,
    }


def test_a_single_decision_is_its_own_median_and_p90():
    decided_request(submitted=riyadh(2025, 2, 1), days_to_decide=3)
    data = selectors.time_to_decision(DashboardFilters(period=period()))
    assert data["median_hours"] == pytest.approx(72, abs=0.1)
    assert data["p90_hours"] == pytest.approx(72, abs=0.1)


def test_received_decided_delivered_per_month():
    SupportRequestFactory(submitted_at=riyadh(2025, 1, 5))
    SupportRequestFactory(submitted_at=riyadh(2025, 1, 31, 23))
    SupportRequestFactory(submitted_at=riyadh(2025, 3, 1, 0))
    SupportRequestFactory(submitted_at=riyadh(2025, 4, 1, 0))  # outside
    decided_request(submitted=riyadh(2025, 2, 1), days_to_decide=2)
    delivered_request(submitted=riyadh(2024, 12, 1), delivered=riyadh(2025, 3, 10))
    filters = DashboardFilters(period=period())
    assert selectors.received_per_month(filters) == [2, 1, 1]
    assert selectors.decided_per_month(filters) == [0, 1, 0]
    delivered = selectors.delivered_per_month(filters)
    assert delivered["per_month"] == [0, 0, 1]
    assert delivered["served"] == 1


def test_hijri_month_boundaries_count_by_umm_al_qura_days():
    # Ramadan 1446 = 2025-03-01 .. 2025-03-29; Shawwal 1446 starts 2025-03-30.
    SupportRequestFactory(submitted_at=riyadh(2025, 2, 28, 23))  # Sha'ban
    SupportRequestFactory(submitted_at=riyadh(2025, 3, 1, 0))  # 1 Ramadan
    SupportRequestFactory(submitted_at=riyadh(2025, 3, 29, 23))  # 29 Ramadan
    SupportRequestFactory(submitted_at=riyadh(2025, 3, 30, 0))  # 1 Shawwal
    hijri = period("1446-09", "1446-10", calendar=HIJRI)
    assert hijri.start == riyadh(2025, 3, 1, 0)
    assert selectors.received_per_month(DashboardFilters(period=hijri)) == [2, 1]


def test_overdue_list_leaves_out_paused_clocks_and_decided_requests():
    old = timezone.now() - datetime.timedelta(days=30)
    late = SupportRequestFactory(submitted_at=old, status=Status.VERIFICATION)
    later = SupportRequestFactory(
        submitted_at=old - datetime.timedelta(days=5), status=Status.COMMITTEE_REVIEW
    )
    SupportRequestFactory(submitted_at=old, waiting_for_applicant=True)  # paused
    decided_request(submitted=old, days_to_decide=20)  # decided late, not overdue now
    SupportRequestFactory()  # due in two weeks
    data = selectors.overdue(DashboardFilters(period=period()))
    assert data["total"] == 2
    assert [r.pk for r in data["rows"]] == [later.pk, late.pk]


def test_overdue_list_is_limited_but_the_total_is_not():
    old = timezone.now() - datetime.timedelta(days=30)
    for _i in range(3):
        SupportRequestFactory(submitted_at=old)
    data = selectors.overdue(DashboardFilters(period=period()), limit=2)
    assert data["total"] == 3 and len(data["rows"]) == 2


def test_backlog_by_stage_and_channel_mix_follow_the_program_filter():
    program = ProgramFactory()
    SupportRequestFactory(
        program=program, status=Status.VERIFICATION, submitted_at=riyadh(2025, 1, 2)
    )
    SupportRequestFactory(
        program=program, status=Status.VERIFICATION, submitted_at=riyadh(2025, 1, 3)
    )
    SupportRequestFactory(status=Status.COMMITTEE_REVIEW, submitted_at=riyadh(2025, 1, 3))
    backlog = dict(selectors.backlog_by_stage(DashboardFilters(period=period(), program=program)))
    assert backlog[Status.VERIFICATION] == 2 and backlog[Status.COMMITTEE_REVIEW] == 0
    mix = selectors.channel_mix(DashboardFilters(period=period()))
    assert [(row["channel__code"], row["n"]) for row in mix] == [("website", 3)]


def test_beneficiaries_by_region_gender_and_age_band():
    on = datetime.date(2025, 3, 31)  # the period's last day
    young = BeneficiaryFactory(region="riyadh", gender="female", birth_date=on.replace(year=2010))
    adult = BeneficiaryFactory(region="riyadh", gender="male", birth_date=datetime.date(1995, 4, 1))
    senior = BeneficiaryFactory(
        region="makkah", gender="male", birth_date=datetime.date(1960, 1, 1)
    )
    for person in (young, adult, senior):
        SupportRequestFactory(beneficiary=person, submitted_at=riyadh(2025, 2, 1))
    SupportRequestFactory(beneficiary=adult, submitted_at=riyadh(2025, 2, 2))  # counted once
    Beneficiary.objects.create(
        kind="indirect", name_ar="متابع", name_normalized="متابع", created_at=riyadh(2025, 1, 9)
    )
    data = selectors.beneficiaries_profile(DashboardFilters(period=period()))
    assert (
        data["direct"] == 3
        and selectors.indirect_registered(DashboardFilters(period=period())) == 1
    )
    assert data["region_riyadh"] == 2 and data["region_makkah"] == 1
    assert data["gender_male"] == 2 and data["gender_female"] == 1
    # adult: born 1995-04-01 is 29 on 2025-03-31 → the 18–29 band.
    assert data["age_0"] == 1 and data["age_18"] == 1 and data["age_60"] == 1
    only_makkah = selectors.beneficiaries_profile(
        DashboardFilters(period=period(), region="makkah")
    )
    makkah = DashboardFilters(period=period(), region="makkah")
    assert only_makkah["direct"] == 1 and selectors.indirect_registered(makkah) == 0


@pytest.mark.postgres
def test_postgresql_computes_the_percentiles_in_one_query(ten_decided, django_assert_num_queries):
    with django_assert_num_queries(1) as captured:
        data = selectors.time_to_decision(DashboardFilters(period=period()))
    assert "PERCENTILE_CONT" in captured.captured_queries[0]["sql"]
    assert data["median_hours"] / 24 == pytest.approx(5.5, abs=0.01)
