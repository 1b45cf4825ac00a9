"""Every test starts with an empty SMS outbox (settings/test.py sends SMS there)."""

import pytest

from channels_app import sms


@pytest.fixture(autouse=True)
def sms_outbox():
    sms.outbox.clear()
    yield sms.outbox
    sms.outbox.clear()
