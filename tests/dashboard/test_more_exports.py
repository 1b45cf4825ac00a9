"""The contact log, complaints and deliveries lists export like the others (issue #10):
CSV with Arabic intact, sensitive columns only with the permission, every export logged."""

import pytest

from config.dashboard.models import ExportLog
from tests.factories import FeedbackFactory, InteractionFactory

pytestmark = pytest.mark.django_db


def _export(client, url, pks):
    return client.post(
        url, {"action": "export_csv", "_selected_action": [str(pk) for pk in pks], "index": 0}
    )


def test_the_contact_log_exports_and_hides_what_was_said_from_the_auditor(client, officer, auditor):
    item = InteractionFactory(summary="سألت عن موعد الصرف")
    client.force_login(officer)
    body = b"".join(
        _export(client, "/admin/channels_app/interaction/", [item.pk]).streaming_content
    )
    assert "سألت عن موعد الصرف" in body.decode("utf-8-sig")
    client.force_login(auditor)
    response = _export(client, "/admin/channels_app/interaction/", [item.pk])
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "سألت عن موعد الصرف" not in body
    assert ExportLog.objects.count() == 2


def test_complaints_export(client, manager):
    item = FeedbackFactory(message="التأخر في الرد")
    client.force_login(manager)
    body = b"".join(_export(client, "/admin/satisfaction/feedback/", [item.pk]).streaming_content)
    assert "التأخر في الرد" in body.decode("utf-8-sig")
    assert ExportLog.objects.exists()
