"""The one timeline (issue #9) carries the committee's votes and the deliveries too."""

import pytest
from django.utils import timezone

from requests_app.models import CommitteeVote, ServiceDelivery
from requests_app.selectors import request_timeline
from tests.factories import ApprovedRequestFactory, CommitteeUserFactory

pytestmark = pytest.mark.django_db


def test_votes_and_deliveries_appear_in_order_on_the_request_and_beneficiary_pages(client, manager):
    support_request = ApprovedRequestFactory()
    member = CommitteeUserFactory(username="member-x")
    CommitteeVote.objects.create(
        support_request=support_request,
        member=member,
        vote="approve",
        reason="الأسرة مستحقة",
        cast_at=timezone.now() - timezone.timedelta(days=2),
    )
    ServiceDelivery.objects.create(
        support_request=support_request,
        kind="in_kind",
        quantity=3,
        reference="RCPT-77",
        delivered_by=manager,
    )
    kinds = [entry.kind for entry in request_timeline(support_request)]
    assert kinds.index("vote") < kinds.index("delivery")

    client.force_login(manager)
    page = client.get(f"/admin/requests_app/supportrequest/{support_request.pk}/change/").text
    assert "الأسرة مستحقة" in page and "RCPT-77" in page
    page = client.get(
        f"/admin/beneficiaries/beneficiary/{support_request.beneficiary_id}/change/"
    ).text
    assert "RCPT-77" in page


def test_an_officer_does_not_read_the_committee_members_votes(client, officer):
    support_request = ApprovedRequestFactory()
    CommitteeVote.objects.create(
        support_request=support_request,
        member=CommitteeUserFactory(username="member-y"),
        vote="reject",
        reason="سبب داخلي للجنة",
    )
    assert not officer.has_perm("requests_app.view_committeevote")
    client.force_login(officer)
    page = client.get(f"/admin/requests_app/supportrequest/{support_request.pk}/change/").text
    assert "سبب داخلي للجنة" not in page
