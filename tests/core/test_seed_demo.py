"""seed_demo makes a living association and its demo users, once."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_seed_demo_creates_a_user_for_each_role_and_prints_credentials():
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    usernames = set(get_user_model().objects.values_list("username", flat=True))
    assert {"admin", "officer", "researcher", "committee1", "manager", "auditor"} <= usernames
    assert "mustafid-demo" in out.getvalue()
    officer = get_user_model().objects.get(username="officer")
    assert officer.is_staff and officer.check_password("mustafid-demo")


def test_seed_demo_if_empty_leaves_a_used_database_alone():
    get_user_model().objects.create_user("someone")
    out = io.StringIO()
    call_command("seed_demo", "--if-empty", stdout=out)
    assert "not loaded" in out.getvalue()
    assert get_user_model().objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_seed_demo_works_after_a_flush_in_a_transactional_test():
    """Transactional tests reload the data migrations seed (tests/conftest.py)."""
    from channels_app.models import Channel

    assert Channel.objects.filter(code="phone").exists()
    call_command("seed_demo", "--beneficiaries", "20", "--requests", "10", stdout=io.StringIO())
