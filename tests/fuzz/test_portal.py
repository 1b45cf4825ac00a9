"""The public portal's forms (/apply/ steps, /track/) fed arbitrary Unicode: never a
server error, never the input rendered back as markup, on SQLite and PostgreSQL."""

import pytest
from django.test import Client, override_settings
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.portal.conftest import household_data, identity_data, program  # noqa: F401

from .strategies import MARKUP_PROBE, NASTY, has_raw_markup

FUZZ = settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
TEXT = st.one_of(NASTY, st.just(MARKUP_PROBE + "x"))
NO_LIMITS = override_settings(MUSTAFID_RATELIMITS={"apply": (10**6, 60), "track": (10**6, 60)})


def _check(response):
    assert response.status_code < 500, response.status_code
    if response.get("Content-Type", "").startswith("text/html"):
        assert not has_raw_markup(response.content.decode("utf-8", "replace"))


def _started(program):  # noqa: F811
    client = Client(REMOTE_ADDR="198.51.100.24")
    response = client.post("/apply/", {"program": program.pk, "privacy_read": "on"})
    assert response.status_code == 302
    return client


@NO_LIMITS
@pytest.mark.django_db
@FUZZ
@given(data=st.data())
def test_identity_step_survives_anything(program, data):  # noqa: F811
    client = _started(program)
    fields = ["id_number", "name_ar", "name_en", "birth_date", "mobile", "email", "city"]
    values = identity_data(**{f: data.draw(TEXT, label=f) for f in fields})
    _check(client.post("/apply/identity/", values))


@NO_LIMITS
@pytest.mark.django_db
@FUZZ
@given(data=st.data())
def test_household_step_survives_anything(program, data):  # noqa: F811
    client = _started(program)
    client.post("/apply/identity/", identity_data())
    fields = ["household_size", "monthly_income", "amount_requested", "need"]
    values = household_data(**{f: data.draw(TEXT, label=f) for f in fields})
    _check(client.post("/apply/household/", values))


@NO_LIMITS
@pytest.mark.django_db
@FUZZ
@given(reference=TEXT, id_number=TEXT)
def test_track_survives_anything(reference, id_number):
    _check(Client().post("/track/", {"reference": reference, "id_number": id_number}))
