"""The two-week promise (POL-7.7): due at submission + the program's days, paused while
the request waits on the applicant."""

import datetime

import pytest
from django.utils import timezone

from requests_app.services import support_request_answer_info, support_request_request_info
from requests_app.workflow import Status
from tests.factories import SupportRequestFactory

pytestmark = pytest.mark.django_db


def test_days_left_counts_down_to_the_due_date():
    now = timezone.now()
    support_request = SupportRequestFactory(submitted_at=now - datetime.timedelta(days=4))
    assert support_request.days_left(now) == 10
    assert not support_request.is_overdue(now)


def test_a_request_past_its_due_date_is_overdue():
    now = timezone.now()
    support_request = SupportRequestFactory(submitted_at=now - datetime.timedelta(days=16))
    assert support_request.days_left(now) == -2
    assert support_request.is_overdue(now)


def test_the_clock_pauses_while_waiting_for_the_applicant_and_resumes_after(officer, monkeypatch):
    start = timezone.now() - datetime.timedelta(days=20)
    support_request = SupportRequestFactory(in_verification=True, submitted_at=start)
    original_due = support_request.decision_due_at

    clock = [start + datetime.timedelta(days=3)]
    monkeypatch.setattr("django.utils.timezone.now", lambda: clock[0])
    support_request_request_info(
        support_request=support_request, actor=officer, note="أرفق صك الإعالة"
    )
    support_request.refresh_from_db()
    assert support_request.clock_paused_at == start + datetime.timedelta(days=3)
    assert support_request.days_left(start + datetime.timedelta(days=30)) is not None
    assert not support_request.is_overdue(start + datetime.timedelta(days=30))

    clock[0] = start + datetime.timedelta(days=8)
    support_request_answer_info(support_request=support_request, note="أرفقته")
    support_request.refresh_from_db()
    assert support_request.status == Status.VERIFICATION
    assert support_request.clock_paused_at is None
    assert support_request.decision_due_at == original_due + datetime.timedelta(days=5)


def test_a_decided_request_has_no_days_left():
    support_request = SupportRequestFactory(status=Status.APPROVED)
    assert support_request.days_left() is None
    assert not support_request.is_overdue()
