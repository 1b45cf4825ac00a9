"""Users and roles."""

import factory
from django.contrib.auth import get_user_model

__all__ = ["UserFactory"]


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name", locale="ar_SA")
    last_name = factory.Faker("last_name", locale="ar_SA")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.django.Password("correct-horse-battery")
    is_staff = False

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        """UserFactory(roles=[RELATIONS_OFFICER]) puts the user in those groups."""
        if not create or not extracted:
            return
        from config.roles import group_for

        for role in extracted:
            self.groups.add(group_for(role))
