"""A record's timeline lists its messages cheaply."""

import datetime

import pytest
from django.utils import timezone

from channels_app.models import Notification
from channels_app.selectors import notifications_for, notifications_for_many
from channels_app.services import notification_send
from tests.factories import NotificationFactory, RecipientFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_a_sent_notification_points_at_what_it_concerns():
    concerned = UserFactory()  # any saved record: the workflow passes its SupportRequest
    notification = notification_send(
        recipient=RecipientFactory(),
        event=Notification.Event.REQUEST_RECEIVED,
        context={"reference": "R-1"},
        related=concerned,
    )
    assert notification.related == concerned
    assert list(notifications_for(concerned)) == [notification]


def test_notifications_for_lists_one_records_messages_oldest_first_in_one_query(
    django_assert_num_queries,
):
    mine, other = UserFactory(), UserFactory()
    now = timezone.now()
    later = NotificationFactory(related=mine, created_at=now)
    earlier = NotificationFactory(related=mine, created_at=now - datetime.timedelta(days=1))
    NotificationFactory(related=other)
    NotificationFactory()
    notifications_for(mine).first()  # warm the content-type cache
    with django_assert_num_queries(1):
        rows = list(notifications_for(mine))
        assert [n.channel.code for n in rows] == ["phone", "phone"]
    assert rows == [earlier, later]


def test_notifications_for_many_records_is_one_query():
    first, second, third = UserFactory(), UserFactory(), UserFactory()
    a = NotificationFactory(related=first)
    b = NotificationFactory(related=second)
    NotificationFactory(related=third)
    assert set(notifications_for_many([first, second])) == {a, b}
    assert list(notifications_for_many([])) == []


def test_sending_needs_a_saved_record():
    with pytest.raises(ValueError, match="saved"):
        notification_send(
            recipient=RecipientFactory(),
            event=Notification.Event.REQUEST_RECEIVED,
            context={},
            related=UserFactory.build(),
        )
