import pytest


@pytest.fixture(autouse=True)
def _english_messages():
    """Service errors are matched on their English text; pages are tested in Arabic."""
    from django.utils import translation

    with translation.override("en"):
        yield
