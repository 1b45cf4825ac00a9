"""Applications in progress on the public portal."""

import datetime
import secrets

import factory
from django.utils import timezone

from requests_app.models import PendingApplication

from .requests_app import ProgramFactory

__all__ = ["PendingApplicationFactory"]


class PendingApplicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PendingApplication

    token = factory.LazyFunction(lambda: secrets.token_urlsafe(32))
    program = factory.SubFactory(ProgramFactory)
    step = "identity"
    data = factory.LazyFunction(lambda: {"privacy": "privacy-notice standard"})
    expires_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=7))
