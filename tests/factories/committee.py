"""Research committees, their meetings and their members."""

import factory
from django.utils import timezone

from config.roles import COMMITTEE_MEMBER
from requests_app.models import Committee, CommitteeMeeting

from .core import UserFactory

__all__ = ["CommitteeFactory", "CommitteeMeetingFactory", "CommitteeUserFactory"]


class CommitteeUserFactory(UserFactory):
    """A user of the committee-member role (needs the ``roles`` fixture for the group)."""

    username = factory.Sequence(lambda n: f"member{n}")
    is_staff = True

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        if create:
            from config.roles import group_for

            for role in extracted or [COMMITTEE_MEMBER]:
                self.groups.add(group_for(role))


class CommitteeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Committee
        skip_postgeneration_save = True

    name_ar = factory.Sequence(lambda n: f"لجنة {n}")
    name_en = factory.Sequence(lambda n: f"Committee {n}")

    @factory.post_generation
    def members(self, create, extracted, **kwargs):
        if create and extracted:
            self.members.add(*extracted)


class CommitteeMeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CommitteeMeeting
        skip_postgeneration_save = True

    committee = factory.SubFactory(CommitteeFactory)
    number = factory.Sequence(lambda n: n + 1)
    held_on = factory.LazyFunction(timezone.localdate)
    place = "مقر الجمعية"
