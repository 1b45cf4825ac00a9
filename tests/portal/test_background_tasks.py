"""Production's task queue (django-tasks-db, README: Background tasks): a request stores
one task row with its own work and sends nothing; the worker (``manage.py db_worker``)
works out the message and sends it. The rest of the suite runs tasks immediately."""

import pytest
from django.db import transaction
from django_tasks_db.management.commands import db_worker
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from channels_app import sms
from channels_app.models import Notification
from channels_app.tasks import deliver_notification
from requests_app.models import SupportRequest
from requests_app.services import support_request_transition
from requests_app.tasks import send_status_change_message
from tests.factories import ProgramFactory, SupportRequestFactory

from .conftest import household_data, identity_data

pytestmark = pytest.mark.django_db

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def database_tasks(settings, monkeypatch):
    settings.TASKS = DATABASE_TASKS
    # The worker closes stale connections before each task, as Django does between
    # requests; here that would be the test's own transaction (PostgreSQL).
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)
    sms.outbox.clear()
    yield
    sms.outbox.clear()


def run_worker() -> None:
    """``manage.py db_worker --batch`` in this process (without its signal handlers): every
    ready task, including those the tasks queue, then return."""
    Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test-worker",
        excluded_queue_names=[],
    ).run()


def _apply(client, program):
    assert client.post("/apply/", {"program": program.pk, "privacy_read": "on"}).status_code == 302
    assert client.post("/apply/identity/", identity_data()).status_code == 302
    assert client.post("/apply/household/", household_data()).status_code == 302
    return client.post(
        "/apply/declaration/",
        {"accept_rules": "on", "declare": "on", "declaration_name": "سارة محمد العتيبي"},
    )


def test_an_application_stores_its_message_task_and_the_worker_sends_it(
    client, texts_in_force, database_tasks, django_capture_on_commit_callbacks
):
    program = ProgramFactory(code="no-documents", required_document_types=[])
    with django_capture_on_commit_callbacks(execute=True):
        response = _apply(client, program)
    assert response.status_code == 302 and response["Location"] == "/apply/done/"
    support_request = SupportRequest.objects.get()

    # The request stored the task with the application, and sent nothing.
    task = DBTaskResult.objects.get()
    assert task.task_path == send_status_change_message.module_path
    assert task.status == "READY"
    assert task.args_kwargs["kwargs"]["support_request_id"] == support_request.pk
    assert not Notification.objects.exists()
    assert sms.outbox == []

    run_worker()

    notification = Notification.objects.get()
    assert notification.event == "request_received"
    assert notification.status == Notification.Status.SENT
    assert notification.related_id == support_request.pk
    assert [m.to for m in sms.outbox] == ["+966512345678"]
    assert support_request.display_reference in sms.outbox[0].body
    # Two tasks ran, both successful: the message worked out, then its sending.
    assert list(
        DBTaskResult.objects.order_by("enqueued_at").values_list("task_path", "status")
    ) == [
        (send_status_change_message.module_path, "SUCCESSFUL"),
        (deliver_notification.module_path, "SUCCESSFUL"),
    ]


def test_a_move_rolled_back_leaves_no_task(database_tasks, officer):
    support_request = SupportRequestFactory()
    with pytest.raises(RuntimeError), transaction.atomic():
        support_request_transition(
            support_request=support_request,
            to_status="needs_info",
            actor=officer,
            note="صورة الهوية غير واضحة",
        )
        assert DBTaskResult.objects.count() == 1  # stored in the move's transaction
        raise RuntimeError("something later in the same transaction failed")
    assert not DBTaskResult.objects.exists()
    run_worker()
    assert not Notification.objects.exists() and sms.outbox == []


def test_the_immediate_backend_sends_after_commit_and_stores_no_task(
    client, texts_in_force, django_capture_on_commit_callbacks
):
    sms.outbox.clear()
    program = ProgramFactory(code="no-documents", required_document_types=[])
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        _apply(client, program)
    assert sms.outbox == [] and not Notification.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):  # the commit
        for callback in callbacks:
            callback()
    assert Notification.objects.get().status == Notification.Status.SENT
    assert len(sms.outbox) == 1
    assert not DBTaskResult.objects.exists()
    sms.outbox.clear()


def test_the_back_office_lists_the_tasks_with_their_failures(client, database_tasks):
    from django.contrib.auth import get_user_model

    notification_task = deliver_notification.enqueue(notification_id=987654321)
    DBTaskResult.objects.filter(pk=notification_task.id).update(
        status="FAILED", exception_class_path="channels_app.sms.SmsError"
    )
    root = get_user_model().objects.create_superuser("root", "root@example.org", "x")
    client.force_login(root)
    response = client.get("/admin/django_tasks_database/dbtaskresult/?status__exact=FAILED")
    assert response.status_code == 200
    assert "deliver_notification" in response.content.decode()
