"""Two managers approve two versions of one document at the same moment (PostgreSQL):
the document row lock queues them, so exactly one version ends in force."""

import threading

import pytest
from django.db import connection

from policies.models import PolicyVersion
from policies.services import policy_version_approve
from tests.factories import BoardMeetingFactory, PolicyDocumentFactory, PolicyVersionFactory

Status = PolicyVersion.Status


@pytest.mark.postgres
def test_two_approvals_racing_leave_exactly_one_version_in_force(
    transactional_db, django_user_model
):
    manager = django_user_model.objects.create_user("racer")
    meeting = BoardMeetingFactory()
    document = PolicyDocumentFactory()
    first = PolicyVersionFactory(document=document)
    second = PolicyVersionFactory(document=document)
    start = threading.Barrier(2)
    errors = []

    def approve(version):
        try:
            start.wait(timeout=10)
            policy_version_approve(version=version, meeting=meeting, actor=manager)
        except Exception as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)
        finally:
            connection.close()

    for _round in range(3):
        threads = [threading.Thread(target=approve, args=(v,)) for v in (first, second)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        assert not errors, errors
        pair = sorted(
            PolicyVersion.objects.filter(pk__in=[first.pk, second.pk]).values_list(
                "status", flat=True
            )
        )
        assert pair == [Status.APPROVED, Status.SUPERSEDED]
        assert document.versions.filter(status=Status.APPROVED).count() == 1
        # Start the next round from two fresh drafts.
        first = PolicyVersionFactory(document=document)
        second = PolicyVersionFactory(document=document)
        start = threading.Barrier(2)

    assert document.versions.filter(status=Status.APPROVED).count() == 1
