"""The back-office: buttons call the service, the list shows open work and stays flat."""

import pytest
from django.urls import reverse

from requests_app.models import StatusChange, SupportRequest
from requests_app.workflow import Status
from tests.factories import BeneficiaryFactory, ProgramFactory, SupportRequestFactory

pytestmark = pytest.mark.django_db

LIST = "/admin/requests_app/supportrequest/"


def move_url(support_request, status):
    return reverse("admin:requests_app_supportrequest_move", args=[support_request.pk, status])


def test_the_move_button_calls_the_service_and_records_the_officer(client, officer):
    client.force_login(officer)
    support_request = SupportRequestFactory()
    response = client.post(move_url(support_request, Status.VERIFICATION), {"note": "بدأ التحقق"})
    assert response.status_code == 302
    change = StatusChange.objects.get(support_request=support_request)
    assert (change.to_status, change.actor, change.note) == (
        Status.VERIFICATION,
        officer,
        "بدأ التحقق",
    )


def test_needs_info_without_a_note_is_refused_and_nothing_changes(client, officer):
    client.force_login(officer)
    support_request = SupportRequestFactory(in_verification=True)
    response = client.post(move_url(support_request, Status.NEEDS_INFO), {"note": ""})
    assert response.status_code == 200
    assert "هذا الحقل مطلوب" in response.content.decode() or "required" in response.content.decode()
    support_request.refresh_from_db()
    assert support_request.status == Status.VERIFICATION


def test_an_illegal_move_shows_a_message_and_changes_nothing(client, officer):
    client.force_login(officer)
    support_request = SupportRequestFactory(status=Status.CLOSED)
    response = client.post(
        move_url(support_request, Status.VERIFICATION), {"note": ""}, follow=True
    )
    assert response.status_code == 200
    support_request.refresh_from_db()
    assert support_request.status == Status.CLOSED
    assert not StatusChange.objects.filter(support_request=support_request).exists()


def test_an_auditor_cannot_move_a_request_from_the_back_office(client, auditor):
    client.force_login(auditor)
    support_request = SupportRequestFactory()
    client.post(move_url(support_request, Status.VERIFICATION), {"note": ""})
    support_request.refresh_from_db()
    assert support_request.status == Status.SUBMITTED


def test_the_request_page_has_no_status_field_and_shows_the_moves(client, officer):
    client.force_login(officer)
    support_request = SupportRequestFactory()
    response = client.get(
        reverse("admin:requests_app_supportrequest_change", args=[support_request.pk])
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert 'name="status"' not in html
    assert move_url(support_request, Status.VERIFICATION) in html
    assert move_url(support_request, Status.APPROVED) not in html


def test_the_list_shows_open_work_by_default(client, officer):
    client.force_login(officer)
    open_request = SupportRequestFactory()
    closed = SupportRequestFactory(status=Status.CLOSED)
    html = client.get(LIST).content.decode()
    assert open_request.display_reference in html
    assert closed.display_reference not in html
    html = client.get(LIST + "?state=all").content.decode()
    assert closed.display_reference in html


def test_search_finds_a_request_by_eastern_arabic_reference(client, officer):
    client.force_login(officer)
    support_request = SupportRequestFactory()
    other = SupportRequestFactory()
    eastern = support_request.display_reference.translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
    html = client.get(LIST, {"q": eastern}).content.decode()
    assert support_request.display_reference in html
    assert other.display_reference not in html


def test_overdue_filter_shows_only_late_requests(client, officer):
    import datetime

    from django.utils import timezone

    client.force_login(officer)
    late = SupportRequestFactory(submitted_at=timezone.now() - datetime.timedelta(days=20))
    on_time = SupportRequestFactory()
    html = client.get(LIST, {"due": "overdue"}).content.decode()
    assert late.display_reference in html and on_time.display_reference not in html


def test_the_list_query_count_does_not_grow_with_rows(
    client, officer, django_assert_max_num_queries
):
    client.force_login(officer)
    SupportRequestFactory.create_batch(3)
    with django_assert_max_num_queries(20) as few:
        client.get(LIST)
    SupportRequestFactory.create_batch(30)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(LIST)


def test_staff_intake_registers_a_phone_request_through_the_service(client, officer):
    from channels_app.models import Channel

    client.force_login(officer)
    beneficiary, program = BeneficiaryFactory(), ProgramFactory()
    response = client.post(
        reverse("admin:requests_app_supportrequest_intake"),
        {
            "beneficiary": beneficiary.pk,
            "program": program.pk,
            "channel": Channel.objects.get(code="phone").pk,
            "need": "سلة غذائية",
            "support_kind": "in_kind",
            "urgency": "normal",
            "declaration_name": "سارة محمد",
            "accept_rules": "on",
        },
    )
    assert response.status_code == 302
    support_request = SupportRequest.objects.get(beneficiary=beneficiary)
    assert support_request.channel.code == "phone"
    assert support_request.created_by == officer
    assert support_request.status_changes.get().to_status == Status.SUBMITTED


def test_bulk_assign_to_an_officer(client, manager, officer):
    client.force_login(manager)
    requests = SupportRequestFactory.create_batch(2)
    response = client.post(
        LIST,
        {
            "action": "assign_to_officer",
            "_selected_action": [r.pk for r in requests],
            "apply": "1",
            "officer": officer.pk,
        },
    )
    assert response.status_code == 302
    assert SupportRequest.objects.filter(assigned_officer=officer).count() == 2
