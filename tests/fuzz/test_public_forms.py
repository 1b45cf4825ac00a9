"""Every public form, fed arbitrary Unicode: never a server error, never the input
rendered back as markup (issue #12). New public forms add a line to FORMS."""

import pytest
from django.test import Client, override_settings
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .strategies import MARKUP_PROBE, NASTY, has_raw_markup

FUZZ = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# (method, url, the fields a person fills in)
FORMS = [
    ("post", "/admin/login/", ["username", "password"]),
    ("post", "/i18n/setlang/", ["language", "next"]),
    ("get", "/policies/", ["q", "page"]),
    ("post", "/feedback/", ["kind", "message", "name", "mobile", "email", "request_reference"]),
    ("get", "/feedback/follow/", ["code"]),
    ("post", "/survey/" + "A" * 43 + "/", ["anonymous", "q1", "q2"]),
]


def _check(response):
    assert response.status_code < 500, response.status_code
    if response.get("Content-Type", "").startswith("text/html"):
        assert not has_raw_markup(response.content.decode("utf-8", "replace"))


@pytest.mark.django_db
@pytest.mark.parametrize("method,url,fields", FORMS, ids=[f[1] for f in FORMS])
@FUZZ
@given(data=st.data())
@override_settings(
    MUSTAFID_RATELIMITS=dict.fromkeys(("feedback", "feedback-follow", "survey"), (10**6, 3600))
)
def test_public_forms_never_fail_and_never_echo_markup(method, url, fields, data):
    client = Client(REMOTE_ADDR="198.51.100.23")
    values = {
        field: data.draw(st.one_of(NASTY, st.just(MARKUP_PROBE + "x")), label=field)
        for field in fields
    }
    _check(getattr(client, method)(url, values))


@pytest.mark.django_db
@FUZZ
@given(slug=NASTY)
def test_policy_pages_with_any_address_are_a_clean_404(slug):
    from urllib.parse import quote

    response = Client().get("/policies/" + quote(slug.replace("\x00", ""), safe="") + "/")
    _check(response)
