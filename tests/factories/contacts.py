"""Contacts (the contact log) and published content with its reach figures."""

import datetime

import factory
from django.utils import timezone

from channels_app.models import Channel, Interaction, OutreachItem, OutreachReach

from .beneficiaries import BeneficiaryFactory

__all__ = ["InteractionFactory", "OutreachItemFactory", "OutreachReachFactory"]


class InteractionFactory(factory.django.DjangoModelFactory):
    """An incoming phone inquiry from a registered beneficiary, awaiting its answer."""

    class Meta:
        model = Interaction

    channel = factory.LazyFunction(lambda: Channel.objects.get(code="phone"))
    direction = Interaction.Direction.INCOMING
    beneficiary = factory.SubFactory(BeneficiaryFactory)
    category = Interaction.Category.INQUIRY
    summary = "استفسار عن موعد صرف السلة الغذائية"
    occurred_at = factory.LazyFunction(timezone.now)
    response_due_at = factory.LazyAttribute(lambda o: o.occurred_at + datetime.timedelta(hours=48))

    class Params:
        answered = factory.Trait(
            answered_at=factory.LazyAttribute(lambda o: o.occurred_at + datetime.timedelta(hours=2))
        )
        unregistered = factory.Trait(
            beneficiary=None, contact_name="سائل غير مسجل", contact_detail="+966500000001"
        )
        outgoing = factory.Trait(
            direction=Interaction.Direction.OUTGOING,
            category=Interaction.Category.FOLLOW_UP,
            response_due_at=None,
        )


class OutreachItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OutreachItem

    kind = OutreachItem.Kind.POST
    channel = factory.LazyFunction(lambda: Channel.objects.get(code="social_media"))
    title = factory.Sequence(lambda n: f"منشور توعوي {n}")
    url = factory.Sequence(lambda n: f"https://x.com/association/status/{n}")
    published_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=20))


class OutreachReachFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OutreachReach

    item = factory.SubFactory(OutreachItemFactory)
    period_start = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=10))
    period_end = factory.LazyAttribute(lambda o: o.period_start + datetime.timedelta(days=6))
    views = 1000
    reach = 600
    engagements = 40
    downloads = 0
