"""The session, the member, their permissions and authenticators in one query
(config/sessions.py), with Django's answers: who is signed in, who is signed out, and when."""

import datetime
import inspect
import re

import pytest
from django.contrib import auth
from django.contrib.auth import HASH_SESSION_KEY, SESSION_KEY
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

import config.auth
import config.sessions
from config.models import Session
from config.roles import RELATIONS_OFFICER
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

LIST = "/admin/beneficiaries/beneficiary/"


@pytest.fixture(autouse=True)
def _permission_names_known():
    """The permissions' names are read once per process (config/auth.py)."""
    config.auth.forget_permission_names()
    config.auth._permission_names(())


def _row(client) -> Session:
    return Session.objects.get(session_key=client.session.session_key)


def _signed_in(response) -> bool:
    return response.status_code == 200


def _tables(queries) -> list[str]:
    return [q["sql"] for q in queries]


# --- What it costs ---------------------------------------------------------------------


@pytest.mark.urls("tests.core.fixed_cost_urls")
@pytest.mark.parametrize("path", ["/staff-probe/admin/", "/staff-probe/site/"])
def test_a_staff_page_reads_session_member_and_permissions_in_one_query(
    client, officer, path, django_assert_num_queries
):
    client.force_login(officer)
    client.get(path)
    with django_assert_num_queries(1) as captured:
        response = client.get(path)
    assert response.status_code == 200
    assert "mustafid_session" in captured.captured_queries[0]["sql"]
    assert response.wsgi_request.user == officer
    assert response.wsgi_request.user.get_all_permissions() == ModelBackend().get_all_permissions(
        type(officer).objects.get(pk=officer.pk)
    )


@pytest.mark.urls("tests.core.fixed_cost_urls")
def test_a_member_verified_with_an_authenticator_pays_the_same_one_query(
    client, manager, django_assert_num_queries
):
    device = TOTPDevice.objects.create(user=manager, name="phone", confirmed=True)
    client.force_login(manager)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    client.get("/staff-probe/admin/")
    with django_assert_num_queries(1):
        response = client.get("/staff-probe/admin/")
    assert response.status_code == 200
    assert response.wsgi_request.user.is_verified()
    assert 'href="/dashboard/"' in response.content.decode()  # the manager's permission
    assert response.wsgi_request.user.otp_device == device  # read when asked for


@pytest.mark.urls("tests.core.fixed_cost_urls")
def test_a_superuser_gets_every_permission_from_the_one_query(client, django_assert_num_queries):
    boss = UserFactory(username="boss", is_superuser=True, is_staff=True)
    client.force_login(boss)
    client.get("/staff-probe/admin/")
    expected = {f"{p.content_type.app_label}.{p.codename}" for p in Permission.objects.all()}
    with django_assert_num_queries(1):
        response = client.get("/staff-probe/admin/")
        user = response.wsgi_request.user
        assert user.get_all_permissions() == expected
        assert user.get_user_permissions() == expected


@pytest.mark.urls("tests.core.fixed_cost_urls")
def test_request_user_is_still_read_only_when_used(client, officer, django_assert_num_queries):
    client.force_login(officer)
    with django_assert_num_queries(0):
        assert client.get("/apply/lazy-probe/").content == b"nobody asked"


@pytest.mark.parametrize("path", ["/", "/apply/", "/track/", "/policies/"])
def test_anonymous_public_pages_read_no_session_and_no_member(client, path):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    for sql in _tables(captured.captured_queries):
        assert "mustafid_session" not in sql and "auth_user" not in sql, sql


def test_a_session_read_before_the_member_costs_as_before(rf, officer):
    """A page that reads the session first (the public forms do) loads it Django's way;
    the member, if asked for afterwards, is read on their own, as Django does."""
    client = Client()
    client.force_login(officer)
    request = rf.get("/admin/")
    request.session = config.sessions.SessionStore(client.session.session_key)
    assert request.session[SESSION_KEY] == str(officer.pk)  # loads the session alone
    with CaptureQueriesContext(connection) as captured:
        user = config.sessions.get_user(request)
    assert user == officer
    assert len(captured.captured_queries) == 1
    assert "mustafid_session" not in captured.captured_queries[0]["sql"]


# --- Who is signed in -------------------------------------------------------------------


def test_the_session_row_keeps_whose_session_it_is(client, officer):
    client.force_login(officer)
    assert _row(client).user_id == officer.pk
    client.post("/admin/logout/")
    assert not Session.objects.filter(user_id=officer.pk).exists()


@pytest.mark.parametrize(
    "data, user_id", [({SESSION_KEY: "5"}, 5), ({}, None), ({SESSION_KEY: "not a key"}, None)]
)
def test_the_row_copies_the_member_id_of_the_data_or_none(data, user_id):
    from asgiref.sync import async_to_sync

    store = config.sessions.SessionStore()
    assert store.create_model_instance(data).user_id == user_id
    store = config.sessions.SessionStore()
    assert async_to_sync(store.acreate_model_instance)(data).user_id == user_id


def test_an_expired_session_is_signed_out(client, officer):
    client.force_login(officer)
    assert _signed_in(client.get(LIST))
    Session.objects.update(expire_date=timezone.now() - datetime.timedelta(seconds=1))
    response = client.get(LIST)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert not response.wsgi_request.user.is_authenticated


def test_a_password_change_signs_out_the_other_sessions_and_keeps_this_one(officer):
    officer.set_password("the old passphrase 1")
    officer.save()
    here, elsewhere = Client(), Client()
    for client in (here, elsewhere):
        client.post("/admin/login/", {"username": "officer", "password": "the old passphrase 1"})
        assert _signed_in(client.get(LIST))
    response = here.post(
        "/admin/password_change/",
        {
            "old_password": "the old passphrase 1",
            "new_password1": "a brand new passphrase 2",
            "new_password2": "a brand new passphrase 2",
        },
    )
    assert response.status_code == 302, response.content.decode()[:500]
    assert _signed_in(here.get(LIST))  # update_session_auth_hash kept this session
    gone = elsewhere.get(LIST)
    assert gone.status_code == 302 and "/admin/login/" in gone["Location"]
    assert not elsewhere.session.items()  # flushed, as Django does


def test_a_password_set_elsewhere_signs_everyone_out(client, officer):
    client.force_login(officer)
    assert _signed_in(client.get(LIST))
    officer.set_password("changed by the manager 3")
    officer.save()
    assert client.get(LIST).status_code == 302


def test_a_deactivated_member_is_refused_on_the_next_request(client, officer):
    client.force_login(officer)
    assert _signed_in(client.get(LIST))
    type(officer).objects.filter(pk=officer.pk).update(is_active=False)
    response = client.get(LIST)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert not response.wsgi_request.user.is_authenticated  # as ModelBackend.get_user


def test_a_deleted_member_is_signed_out(client, officer):
    client.force_login(officer)
    assert _signed_in(client.get(LIST))
    type(officer).objects.filter(pk=officer.pk).delete()
    assert client.get(LIST).status_code == 302


def test_logout_deletes_the_session(client, officer):
    client.force_login(officer)
    key = client.session.session_key
    assert Session.objects.filter(session_key=key).exists()
    client.post("/admin/logout/")
    assert not Session.objects.filter(session_key=key).exists()
    assert client.get(LIST).status_code == 302


def test_a_permission_given_or_taken_counts_on_the_next_request(client, roles):
    member = UserFactory(username="newcomer", is_staff=True)
    client.force_login(member)
    assert client.get(LIST).status_code == 403
    member.groups.add(Group.objects.get(name=RELATIONS_OFFICER.group_name))
    assert client.get(LIST).status_code == 200
    member.groups.clear()
    assert client.get(LIST).status_code == 403
    member.user_permissions.add(Permission.objects.get(codename="view_beneficiary"))
    assert client.get(LIST).status_code == 200


def test_a_session_made_with_an_old_secret_key_is_moved_to_the_new_one(client, officer):
    with override_settings(SECRET_KEY="the-old-secret-key-" + "x" * 40):
        client.force_login(officer)
        old_key = client.session.session_key
    with override_settings(
        SECRET_KEY="the-new-secret-key-" + "y" * 40,
        SECRET_KEY_FALLBACKS=["the-old-secret-key-" + "x" * 40],
    ):
        response = client.get(LIST)
        assert _signed_in(response)
        assert client.session.session_key != old_key  # cycled, as Django does
        assert client.session[HASH_SESSION_KEY] == officer.get_session_auth_hash()
    with override_settings(SECRET_KEY="a-third-secret-key-" + "z" * 40):
        assert client.get(LIST).status_code == 302  # no fallback: signed out


def test_a_row_naming_another_member_than_its_data_is_not_believed(client, officer, manager):
    """The member's id in the row is a copy; the session's data decides, as in Django."""
    client.force_login(officer)
    Session.objects.update(user_id=manager.pk)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(LIST)
    assert response.wsgi_request.user == officer
    assert response.status_code == 200
    assert len(captured.captured_queries) > 2  # Django's way: the member read on their own


def test_a_session_saved_before_the_upgrade_still_signs_in(client, officer):
    client.force_login(officer)
    Session.objects.update(user_id=None)  # as the migration moves them
    response = client.get(LIST)
    assert response.status_code == 200
    assert response.wsgi_request.user == officer


class AnotherBackend(ModelBackend):
    """Reads members its own way: the shortcut must not stand in for it."""

    def get_user(self, user_id):
        return super().get_user(user_id)


def test_a_backend_that_reads_members_its_own_way_is_asked(client, officer):
    path = f"{__name__}.AnotherBackend"
    with override_settings(AUTHENTICATION_BACKENDS=[path]):
        client.force_login(officer, backend=path)
        with CaptureQueriesContext(connection) as captured:
            response = client.get("/admin/")
    assert response.wsgi_request.user == officer
    assert len(captured.captured_queries) >= 2  # Django's way: the member read on their own
    assert config.sessions._reads_like_model_backend("django.contrib.auth.backends.ModelBackend")
    assert not config.sessions._reads_like_model_backend(path)


def test_get_user_is_djangos_from_the_session_check_on():
    """config.sessions.get_user copies Django's session-hash check: if Django changes it,
    this fails, and the copy must be read again."""

    def check(function):
        text = inspect.getsource(function)
        text = text[text.index("# Verify the session") : text.index("return user or")]
        return re.sub(r"\s+", "", text)

    assert check(config.sessions.get_user) == check(auth.get_user)


# What config/sessions.py does in Django's stead, the source it was written from (its text,
# whitespace removed, hashed). A Django upgrade that changes any of them fails here: read the
# new source against config.sessions (load_signed_in, get_user) and update the hash.
COPIED_FROM_DJANGO = {
    "django.contrib.auth.get_user": "4334ee8bfd3e8907",
    "django.contrib.auth.backends.ModelBackend.get_user": "94d3b606e919c6c1",
    "django.contrib.auth.backends.ModelBackend.user_can_authenticate": "df4255fcedd646f7",
    "django.contrib.sessions.backends.db.SessionStore.load": "59ffa97dfa47dacd",
    "django.contrib.sessions.backends.db.SessionStore._get_session_from_db": "28e92c416389f0ef",
}


@pytest.mark.parametrize("path", COPIED_FROM_DJANGO)
def test_the_django_code_the_shortcut_stands_in_for_is_unchanged(path):
    import hashlib
    from importlib import import_module

    module_path, _, name = path.rpartition(".")
    try:
        owner = import_module(module_path)
    except ImportError:  # a class's method
        module_path, _, class_name = module_path.rpartition(".")
        owner = getattr(import_module(module_path), class_name)
    text = re.sub(r"\s+", "", inspect.getsource(getattr(owner, name)))
    assert hashlib.sha256(text.encode()).hexdigest()[:16] == COPIED_FROM_DJANGO[path], (
        f"{path} changed in this Django: re-read config/sessions.py against it"
    )


# --- Two-step sign-in ---------------------------------------------------------------------


def test_an_authenticator_taken_away_ends_access_though_read_with_the_session(client, manager):
    device = TOTPDevice.objects.create(user=manager, name="phone", confirmed=True)
    client.force_login(manager)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    assert _signed_in(client.get(LIST))
    TOTPDevice.objects.filter(pk=device.pk).update(confirmed=False)
    response = client.get(LIST)
    assert response.status_code == 302 and response["Location"].startswith("/account/two-step/")
    assert DEVICE_ID_SESSION_KEY not in client.session


# --- Housekeeping ---------------------------------------------------------------------------


def test_clearsessions_removes_the_expired_sessions(officer):
    live, stale = Client(), Client()
    live.force_login(officer)
    stale.force_login(officer)
    Session.objects.filter(session_key=stale.session.session_key).update(
        expire_date=timezone.now() - datetime.timedelta(days=1)
    )
    call_command("clearsessions")
    assert list(Session.objects.values_list("session_key", flat=True)) == [live.session.session_key]


def test_clearsessions_removes_djangos_expired_sessions_left_by_the_upgrade():
    from django.contrib.sessions.models import Session as DjangoSession

    now = timezone.now()
    for key, hours in (("a" * 32, 1), ("b" * 32, -1)):
        DjangoSession.objects.create(
            session_key=key, session_data="", expire_date=now + datetime.timedelta(hours=hours)
        )
    call_command("clearsessions")
    assert list(DjangoSession.objects.values_list("session_key", flat=True)) == ["a" * 32]


def test_the_upgrade_copies_open_sessions_to_the_new_table(officer):
    from importlib import import_module

    from django.apps import apps
    from django.contrib.sessions.models import Session as DjangoSession

    now = timezone.now()
    DjangoSession.objects.create(
        session_key="k" * 32, session_data="data", expire_date=now + datetime.timedelta(hours=1)
    )
    DjangoSession.objects.create(
        session_key="x" * 32, session_data="old", expire_date=now - datetime.timedelta(hours=1)
    )
    migration = import_module("config.migrations.0001_session")
    migration.move_sessions(apps, type("Editor", (), {"connection": connection})())
    moved = Session.objects.get(session_key="k" * 32)
    assert (moved.session_data, moved.user_id) == ("data", None)
    assert not Session.objects.filter(session_key="x" * 32).exists()
    # Kept for a server still on the previous release (a rolling upgrade, or a rollback).
    assert DjangoSession.objects.filter(session_key="k" * 32).exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)  # a second connection sees the session's rows
def test_the_query_runs_prepared_with_the_same_answers(officer, prepared):
    """With prepared statements on (DATABASE_PREPARE_THRESHOLD, config/settings/env.py)
    PostgreSQL types the query's NULL columns and parameters itself: same rows."""
    client = Client()
    client.force_login(officer)
    sql = config.sessions._signed_in_sql("default", type(officer))
    params = [client.session.session_key, timezone.now(), True, True]
    answers = []
    for _ in range(3):
        with prepared.cursor() as cursor:
            cursor.execute(sql, params)
            answers.append(sorted(cursor.fetchall(), key=repr))
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        plain = sorted(cursor.fetchall(), key=repr)
    assert answers[0] == answers[1] == answers[2] == plain
    assert [row[0] for row in plain].count(config.sessions.SIGNED_IN) == 1
    assert prepared.connection._prepared._names  # psycopg did prepare it
