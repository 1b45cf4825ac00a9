"""The default wording: every event, by SMS and e-mail, in Arabic and English."""

import io
import itertools

import pytest
from django.core.management import call_command

from channels_app.models import Notification, NotificationTemplate
from channels_app.notify import SAMPLE_CONTEXT
from channels_app.services import notification_preview

pytestmark = pytest.mark.django_db

COMBINATIONS = list(itertools.product(Notification.Event.values, ["sms", "email"], ["ar", "en"]))


def test_every_event_has_a_default_template_per_transport_and_language():
    seeded = set(NotificationTemplate.objects.values_list("event", "transport", "language"))
    assert seeded == set(COMBINATIONS)


def test_every_event_documents_the_values_its_templates_use():
    assert set(SAMPLE_CONTEXT) == set(Notification.Event.values)


@pytest.mark.parametrize(("event", "transport", "language"), COMBINATIONS)
def test_each_default_template_renders_with_its_documented_values(event, transport, language):
    template = NotificationTemplate.objects.get(event=event, transport=transport, language=language)
    subject, body = notification_preview(template=template)
    assert body
    assert "{{" not in body and "{%" not in body
    if transport == "sms":
        assert len(body) <= 160, f"{len(body)} characters: {body}"
    else:
        assert subject
        assert "R-7K3Q9X" in subject or "F-2M8TQ4" in subject or event == "survey_invitation"


def test_the_demo_adds_a_handful_of_notifications_in_several_states():
    call_command("seed_demo", "--notifications", "12", stdout=io.StringIO())
    statuses = set(Notification.objects.values_list("status", flat=True))
    assert Notification.objects.count() == 12
    assert {"sent", "failed", "skipped_no_address", "skipped_opt_out"} <= statuses
