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
def _fresh_cache(request):
    """The profile, the planner's estimates and the rate-limit counters are remembered
    between requests: no test sees another's."""
    from django.core.cache import cache

    from config import pagination
    from policies.selectors import forget_profile_in_memory

    cache.clear()
    forget_profile_in_memory()
    pagination._estimates.clear()  # the planner's estimates, remembered a minute per query
    yield
    cache.clear()
    forget_profile_in_memory()
    pagination._estimates.clear()
    # The rate-limit counters are a database table that a test's rollback empties, but a
    # live-server test commits them and the flush after it does not know the table.
    if "live_server" in request.fixturenames or "transactional_db" in request.fixturenames:
        from config.ratelimit import rate_limit_reset

        with request.getfixturevalue("django_db_blocker").unblock():
            rate_limit_reset()


def pytest_collection_modifyitems(config, items):
    from django.db import connection

    # A transactional test (threads, the live server) ends by emptying every table, which
    # would also remove what the data migrations seed (channels, message templates, the
    # standard policy texts) for the tests after it. Serialized rollback reloads it.
    for item in items:
        marker = item.get_closest_marker("django_db")
        transactional = (marker is not None and marker.kwargs.get("transaction")) or {
            "transactional_db",
            "live_server",
        } & set(getattr(item, "fixturenames", ()))
        if transactional:
            kwargs = dict(marker.kwargs) if marker else {}
            kwargs.update(transaction=True, serialized_rollback=True)
            item.add_marker(pytest.mark.django_db(**kwargs), append=False)

    if connection.vendor != "postgresql":
        skip = pytest.mark.skip(reason="needs PostgreSQL (set DATABASE_URL=postgres://…)")
        for item in items:
            if "postgres" in item.keywords:
                item.add_marker(skip)


# The serialized copy of the seeded data lives on the connection object, and Playwright's
# event loop can leave the main thread with a fresh connection object without it. Keep the
# copy here and give it back to whichever connection a transactional test starts with.
_SERIALIZED_CONTENTS: dict[str, str] = {}


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup):
    from django.db import connections

    for alias in connections:
        contents = getattr(connections[alias], "_test_serialized_contents", None)
        if contents is not None:
            _SERIALIZED_CONTENTS[alias] = contents
    yield


def _restore_serialized_contents():
    from django.db import connections
    from django.test import TransactionTestCase

    original = TransactionTestCase._fixture_setup.__func__

    def _fixture_setup(cls):
        for alias, contents in _SERIALIZED_CONTENTS.items():
            if cls.serialized_rollback and not hasattr(
                connections[alias], "_test_serialized_contents"
            ):
                connections[alias]._test_serialized_contents = contents
        original(cls)

    TransactionTestCase._fixture_setup = classmethod(_fixture_setup)


_restore_serialized_contents()
