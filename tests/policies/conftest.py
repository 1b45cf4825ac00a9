"""Fixtures for the policies tests: a board meeting with members, a document and drafts."""

import pytest

from tests.factories import BoardMeetingFactory, PolicyDocumentFactory, PolicyVersionFactory


@pytest.fixture
def meeting(db):
    return BoardMeetingFactory(number=3)


@pytest.fixture
def document(db):
    return PolicyDocumentFactory()


@pytest.fixture
def draft(document):
    return PolicyVersionFactory(document=document)
