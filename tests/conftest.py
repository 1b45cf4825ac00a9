"""Personas every test can ask for: officer, researcher, committee member, manager,
auditor, outsider — real users in the real role groups made by ``setup_roles``."""

import pytest

from config.roles import AUDITOR, COMMITTEE_MEMBER, MANAGER, RELATIONS_OFFICER, SOCIAL_RESEARCHER
from config.roles import setup_roles as _setup_roles
from tests.factories import UserFactory


@pytest.fixture
def roles(db):
    _setup_roles()


@pytest.fixture
def officer(roles):
    return UserFactory(username="officer", is_staff=True, roles=[RELATIONS_OFFICER])


@pytest.fixture
def researcher(roles):
    return UserFactory(username="researcher", is_staff=True, roles=[SOCIAL_RESEARCHER])


@pytest.fixture
def committee_member(roles):
    return UserFactory(username="committee", is_staff=True, roles=[COMMITTEE_MEMBER])


@pytest.fixture
def manager(roles):
    return UserFactory(username="manager", is_staff=True, roles=[MANAGER])


@pytest.fixture
def auditor(roles):
    return UserFactory(username="auditor", is_staff=True, roles=[AUDITOR])


@pytest.fixture
def outsider(db):
    """A logged-in person with no role at all."""
    return UserFactory(username="outsider")


@pytest.fixture(autouse=True)
def _fresh_cache():
    """The profile and rate-limit counters live in the cache: no test sees another's."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


def pytest_collection_modifyitems(config, items):
    from django.db import connection

    if connection.vendor != "postgresql":
        skip = pytest.mark.skip(reason="needs PostgreSQL (set DATABASE_URL=postgres://…)")
        for item in items:
            if "postgres" in item.keywords:
                item.add_marker(skip)


@pytest.fixture
def django_db_serialized_rollback():
    """Transactional tests (threads, the live server) flush the database; reload what the
    migrations seeded (channels, message templates, standard policy texts) for each one."""
    return True
