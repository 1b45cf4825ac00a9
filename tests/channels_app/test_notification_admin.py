"""The back-office: messages are read and retried, templates are edited by managers."""

import pytest
from django.urls import reverse

from channels_app.models import Channel, Notification, NotificationTemplate
from tests.factories import NotificationFactory, UserFactory

pytestmark = pytest.mark.django_db

LIST_URL = reverse("admin:channels_app_notification_changelist")


def retry(client, notifications, capture):
    with capture(execute=True):
        return client.post(
            LIST_URL,
            {"action": "retry_selected", "_selected_action": [n.pk for n in notifications]},
            follow=True,
        )


def test_an_officer_retries_failed_messages_from_the_list(
    client, officer, sms_outbox, django_capture_on_commit_callbacks
):
    failed = NotificationFactory(failed=True)
    sent = NotificationFactory()
    client.force_login(officer)
    response = retry(client, [failed, sent], django_capture_on_commit_callbacks)
    assert response.status_code == 200
    failed.refresh_from_db()
    sent.refresh_from_db()
    assert failed.status == Notification.Status.SENT
    assert failed.attempts == 2
    assert sent.attempts == 1  # a sent message is left alone
    assert len(sms_outbox) == 1
    shown = [str(m) for m in response.context["messages"]]
    assert len(shown) == 2  # one says what was retried, one what was left alone


def test_the_auditor_sees_messages_but_cannot_retry_them(
    client, auditor, sms_outbox, django_capture_on_commit_callbacks
):
    failed = NotificationFactory(failed=True)
    client.force_login(auditor)
    assert client.get(LIST_URL).status_code == 200
    retry(client, [failed], django_capture_on_commit_callbacks)
    failed.refresh_from_db()
    assert failed.status == Notification.Status.FAILED
    assert sms_outbox == []


def test_a_committee_member_does_not_see_messages(client, committee_member):
    client.force_login(committee_member)
    assert client.get(LIST_URL).status_code == 403


def test_a_message_cannot_be_edited_added_or_deleted_in_the_back_office(client, manager):
    notification = NotificationFactory()
    client.force_login(manager)
    change_url = reverse("admin:channels_app_notification_change", args=[notification.pk])
    page = client.get(change_url)
    assert page.status_code == 200
    assert notification.body in page.content.decode()
    client.post(change_url, {"body": "changed", "status": "sent"})
    notification.refresh_from_db()
    assert notification.body != "changed"
    assert client.get(reverse("admin:channels_app_notification_add")).status_code == 403
    delete_url = reverse("admin:channels_app_notification_delete", args=[notification.pk])
    assert client.get(delete_url).status_code == 403


def test_the_message_page_links_to_what_it_concerns(admin_client):
    concerned = UserFactory(username="concerned-user")
    notification = NotificationFactory(related=concerned)
    page = admin_client.get(
        reverse("admin:channels_app_notification_change", args=[notification.pk])
    )
    assert reverse("admin:auth_user_change", args=[concerned.pk]) in page.content.decode()


def test_the_list_filters_and_search_work(admin_client):
    failed = NotificationFactory(failed=True, recipient_name="منيرة العنزي")
    NotificationFactory(recipient_name="عبدالعزيز السبيعي")
    for query in [
        "status__exact=failed",
        "transport__exact=sms",
        "event__exact=request_received",
        f"channel__id__exact={failed.channel_id}",
        "q=منيرة",
    ]:
        response = admin_client.get(f"{LIST_URL}?{query}")
        assert response.status_code == 200, query
    response = admin_client.get(f"{LIST_URL}?status__exact=failed")
    assert list(response.context["cl"].result_list) == [failed]


def test_the_list_makes_the_same_number_of_queries_for_5_or_50_rows(
    admin_client, django_assert_max_num_queries
):
    channels = list(Channel.objects.all())

    def make(count):
        for index in range(count):
            NotificationFactory(channel=channels[index % len(channels)], failed=index % 3 == 0)

    make(5)
    admin_client.get(LIST_URL)  # warm caches (content types, session)
    with django_assert_max_num_queries(8) as few:
        assert admin_client.get(LIST_URL).status_code == 200
    make(45)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = admin_client.get(LIST_URL)
    assert len(response.context["cl"].result_list) == 50


def test_a_manager_edits_a_template_and_the_next_message_uses_it(
    client, manager, django_capture_on_commit_callbacks
):
    from channels_app.services import notification_send
    from tests.factories import RecipientFactory

    template = NotificationTemplate.objects.get(
        event=Notification.Event.REFERRED_RESEARCH, transport="sms", language="ar"
    )
    client.force_login(manager)
    url = reverse("admin:channels_app_notificationtemplate_change", args=[template.pk])
    response = client.post(url, {"subject": "", "body": "طلبك {{ reference }} عند الباحث."})
    assert response.status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        notification = notification_send(
            recipient=RecipientFactory(),
            event=Notification.Event.REFERRED_RESEARCH,
            context={"reference": "R-55"},
        )
    notification.refresh_from_db()
    assert notification.body == "طلبك R-55 عند الباحث."
    assert template.history.count() == 1  # the change is in the template's history


def test_a_template_with_broken_syntax_is_refused_with_a_clear_message(client, manager):
    template = NotificationTemplate.objects.get(
        event=Notification.Event.REFERRED_RESEARCH, transport="sms", language="ar"
    )
    client.force_login(manager)
    url = reverse("admin:channels_app_notificationtemplate_change", args=[template.pk])
    broken = "طلبك {% if reference %} بلا نهاية"
    response = client.post(url, {"subject": "", "body": broken})
    assert response.status_code == 200
    html = response.content.decode()
    assert "لا يمكن استعمال هذا النص قالبًا" in html
    assert "بلا نهاية" in html  # what the manager typed is still there
    template.refresh_from_db()
    assert "بلا نهاية" not in template.body


def test_an_email_template_needs_a_subject(client, manager):
    template = NotificationTemplate.objects.get(
        event=Notification.Event.REFERRED_RESEARCH, transport="email", language="en"
    )
    client.force_login(manager)
    url = reverse("admin:channels_app_notificationtemplate_change", args=[template.pk])
    response = client.post(url, {"subject": " ", "body": "Dear {{ recipient_name }}"})
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["subject"]


def test_the_template_page_shows_a_preview_and_its_sms_length(client, manager):
    template = NotificationTemplate.objects.get(
        event=Notification.Event.REQUEST_RECEIVED, transport="sms", language="ar"
    )
    client.force_login(manager)
    html = client.get(
        reverse("admin:channels_app_notificationtemplate_change", args=[template.pk])
    ).content.decode()
    assert "تم استلام طلبك رقم R-7K3Q9X" in html
    assert "{{ due_date }}" in html  # the values a manager may use


def test_an_officer_reads_templates_but_cannot_change_them(client, officer):
    template = NotificationTemplate.objects.first()
    client.force_login(officer)
    url = reverse("admin:channels_app_notificationtemplate_change", args=[template.pk])
    assert client.get(url).status_code == 200
    client.post(url, {"subject": "x", "body": "changed by an officer"})
    template.refresh_from_db()
    assert template.body != "changed by an officer"


def test_nobody_deletes_a_template(admin_client):
    template = NotificationTemplate.objects.first()
    url = reverse("admin:channels_app_notificationtemplate_delete", args=[template.pk])
    assert admin_client.get(url).status_code == 403


def test_roles_grant_reading_messages_retrying_and_editing_templates(
    officer, researcher, manager, auditor
):
    assert officer.has_perm("channels_app.view_notification")
    assert officer.has_perm("channels_app.retry_notification")
    assert not officer.has_perm("channels_app.change_notificationtemplate")
    assert researcher.has_perm("channels_app.view_notification")
    assert manager.has_perm("channels_app.change_notificationtemplate")
    assert auditor.has_perm("channels_app.view_notification")
    assert not auditor.has_perm("channels_app.retry_notification")


def test_a_second_template_for_the_same_event_transport_and_language_is_refused(client, manager):
    client.force_login(manager)
    response = client.post(
        reverse("admin:channels_app_notificationtemplate_add"),
        {
            "event": Notification.Event.INFO_NEEDED,
            "transport": "sms",
            "language": "ar",
            "subject": "",
            "body": "نسخة ثانية",
        },
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors
    assert NotificationTemplate.objects.filter(event="info_needed", transport="sms").count() == 2
