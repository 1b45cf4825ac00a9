"""seed_demo adds deliveries, runs, invitations, answers and feedback, once."""

import io

import pytest
from django.core.management import call_command

from requests_app.models import ProgramRun, ServiceDelivery
from satisfaction import selectors
from satisfaction.models import Feedback, SurveyInvitation, SurveyResponse

pytestmark = pytest.mark.django_db


def test_demo_adds_the_satisfaction_part_once():
    out = io.StringIO()
    call_command("seed_demo", "--beneficiaries", "150", "--requests", "400", stdout=out)
    assert ServiceDelivery.objects.exists()
    assert ProgramRun.objects.exists()
    assert SurveyInvitation.objects.exists()
    assert SurveyResponse.objects.filter(anonymous=True, beneficiary__isnull=True).exists()
    assert Feedback.objects.count() == 40
    # Every anonymous answer is unlinked; every named one points at its invitation.
    assert not SurveyResponse.objects.filter(anonymous=True, invitation__isnull=False).exists()
    import datetime

    from django.utils import timezone

    summary = selectors.satisfaction_summary(
        timezone.localdate() - datetime.timedelta(days=400), timezone.localdate()
    )
    assert summary["csat"] is not None and summary["csat"] > 50
    counts = (ServiceDelivery.objects.count(), SurveyInvitation.objects.count())
    call_command("seed_demo", "--beneficiaries", "150", "--requests", "400", stdout=io.StringIO())
    assert (ServiceDelivery.objects.count(), SurveyInvitation.objects.count()) == counts
