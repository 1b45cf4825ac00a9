import pytest

from tests.factories import (
    CommitteeFactory,
    CommitteeUserFactory,
    ProgramFactory,
    SupportRequestFactory,
)


@pytest.fixture(autouse=True)
def _english_messages():
    """Service errors are matched on their English text; pages say which language they test."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def members(roles):
    return [CommitteeUserFactory(username=f"member{i}", first_name=f"عضو{i}") for i in (1, 2, 3, 4)]


@pytest.fixture
def chair(members):
    return members[0]


@pytest.fixture
def committee(members, chair):
    return CommitteeFactory(members=members, chair=chair)


@pytest.fixture
def program(committee):
    return ProgramFactory(committee=committee, quorum=3)


@pytest.fixture
def case(program):
    """A request before the committee."""
    return SupportRequestFactory(program=program, in_committee=True, amount_requested=2000)
