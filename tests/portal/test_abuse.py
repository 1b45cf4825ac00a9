"""Rate limits on the public POSTs, the shared counter, trusted proxies, expired forms."""

import pytest
from django.test import Client, RequestFactory

from config.ratelimit import client_ip, rate_limited
from requests_app.models import PendingApplication

from .conftest import OTHER_ID

pytestmark = pytest.mark.django_db


def test_track_posts_are_limited_per_address_with_a_clear_message(client, settings):
    settings.MUSTAFID_RATELIMITS = {"track": (3, 900)}
    for _attempt in range(3):
        assert client.post("/track/", {"reference": "1", "id_number": OTHER_ID}).status_code == 200
    response = client.post("/track/", {"reference": "1", "id_number": OTHER_ID})
    assert response.status_code == 429
    assert "محاولات كثيرة" in response.content.decode()
    # Another address is not affected.
    other = Client(REMOTE_ADDR="10.0.0.9")
    assert other.post("/track/", {"reference": "1", "id_number": OTHER_ID}).status_code == 200


def test_apply_posts_are_limited(client, settings, program):
    settings.MUSTAFID_RATELIMITS = {"apply": (2, 3600)}
    client.post("/apply/", {})
    client.post("/apply/", {})
    response = client.post("/apply/", {"program": program.pk, "privacy_read": "on"})
    assert response.status_code == 429
    assert not PendingApplication.objects.exists()


def test_the_counter_lives_in_the_database_cache_shared_by_all_processes(settings):
    from django.core.cache import caches

    assert settings.CACHES["ratelimit"]["BACKEND"].endswith("DatabaseCache")
    request = RequestFactory().post("/track/", REMOTE_ADDR="192.0.2.1")
    settings.MUSTAFID_RATELIMITS = {"demo": (1, 60)}
    assert not rate_limited(request, "demo")
    assert rate_limited(request, "demo")
    # The count is a row in the cache table: another process reading it sees it.
    assert any(caches["ratelimit"].get(key) for key in _keys())


def _keys():
    import time

    return [f"rl:demo:192.0.2.1:{int(time.time() // 60)}"]


def test_forwarded_for_is_believed_only_from_a_trusted_proxy(settings):
    factory = RequestFactory()
    forged = factory.get("/", REMOTE_ADDR="203.0.113.5", HTTP_X_FORWARDED_FOR="1.2.3.4")
    assert client_ip(forged) == "203.0.113.5"
    settings.MUSTAFID_TRUSTED_PROXIES = ["10.0.0.0/8"]
    behind = factory.get("/", REMOTE_ADDR="10.1.1.1", HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.7")
    assert client_ip(behind) == "198.51.100.7"  # what the client wrote sits to the left
    assert client_ip(forged) == "203.0.113.5"


def test_an_expired_form_gets_a_friendly_arabic_page(program):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/track/", {"reference": "1", "id_number": OTHER_ID})
    assert response.status_code == 403
    page = response.content.decode()
    assert "انتهت صلاحية النموذج" in page
    assert 'dir="rtl"' in page
