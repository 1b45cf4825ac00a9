"""Notifications and the people they are for."""

import factory
from django.utils import timezone

from channels_app.models import Channel, Notification
from channels_app.notify import Recipient

__all__ = ["NotificationFactory", "RecipientFactory"]


class RecipientFactory(factory.Factory):
    """A Recipient as the workflow builds it: by default an Arabic speaker with a mobile."""

    class Meta:
        model = Recipient

    name = factory.Faker("name", locale="ar_SA")
    mobile = factory.Sequence(lambda n: f"+9665{n % 100_000_000:08d}")
    email = ""
    language = "ar"
    preferred_channel_code = "phone"
    opted_out = False

    class Params:
        email_only = factory.Trait(
            mobile="", email=factory.Sequence(lambda n: f"person{n}@example.org")
        )
        english = factory.Trait(language="en", name=factory.Faker("name", locale="en_US"))


class NotificationFactory(factory.django.DjangoModelFactory):
    """A message that was sent by SMS; traits for the other states."""

    class Meta:
        model = Notification

    recipient_name = factory.Faker("name", locale="ar_SA")
    to = factory.Sequence(lambda n: f"+9665{n % 100_000_000:08d}")
    channel = factory.LazyFunction(lambda: Channel.objects.get(code="phone"))
    transport = Notification.Transport.SMS
    event = Notification.Event.REQUEST_RECEIVED
    language = "ar"
    context = factory.LazyFunction(lambda: {"reference": "R-7K3Q9X", "due_date": "2026-08-09"})
    subject = ""
    body = factory.LazyAttribute(lambda n: f"تم استلام طلبك رقم {n.context.get('reference')}")
    status = Notification.Status.SENT
    attempts = 1
    last_attempt_at = factory.LazyFunction(timezone.now)
    sent_at = factory.LazyFunction(timezone.now)

    class Params:
        failed = factory.Trait(
            status=Notification.Status.FAILED,
            sent_at=None,
            error="SmsError: SMS gateway answered HTTP 503: unavailable",
        )
        queued = factory.Trait(
            status=Notification.Status.QUEUED, attempts=0, last_attempt_at=None, sent_at=None
        )
