"""What every staff page pays before its own work (issue 11): the session, the user, the
member's permissions and the authenticator when the member has one, in one query
(config/sessions.py; config/auth.py when the session was read first), and the
association's profile read once. The answers stay Django's."""

import pytest
from django.contrib.auth import BACKEND_SESSION_KEY
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import AnonymousUser, Group, Permission
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

import config.auth
import policies.selectors
from config.auth import forget_permission_names, prefetch_permissions
from config.roles import RELATIONS_OFFICER
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


@pytest.fixture(autouse=True)
def _permission_names_known():
    """The permissions' names are read once per process (config/auth.py): the counts
    below are those of every request after the first."""
    forget_permission_names()
    config.auth._permission_names(())


def _fresh(user):
    return type(user).objects.get(pk=user.pk)


def _django_answers(user):
    backend = ModelBackend()
    user = _fresh(user)
    return (
        backend.get_user_permissions(user),
        backend.get_group_permissions(user),
        backend.get_all_permissions(user),
    )


def test_a_members_permissions_are_one_query_and_the_same_as_djangos(
    officer, django_assert_num_queries
):
    own = Permission.objects.get(codename="view_dashboard")
    officer.user_permissions.add(own)
    expected_user, expected_group, expected_all = _django_answers(officer)
    assert expected_user == {"dashboard.view_dashboard"} and expected_group

    user = _fresh(officer)
    with django_assert_num_queries(1):
        assert user.has_perm("beneficiaries.view_beneficiary")
        assert user.has_perm("dashboard.view_dashboard")
        assert not user.has_perm("policies.change_associationprofile")
        assert user.has_module_perms("beneficiaries")
        assert user.get_all_permissions() == expected_all
        assert user.get_user_permissions() == expected_user
        assert user.get_group_permissions() == expected_group


def test_superusers_inactive_and_anonymous_users_get_djangos_answers(roles):
    boss = UserFactory(username="boss", is_superuser=True, is_staff=True)
    gone = UserFactory(username="gone", is_staff=True, is_active=False, roles=[RELATIONS_OFFICER])
    for user in (boss, gone):
        expected = _django_answers(user)
        fresh = _fresh(user)
        assert (
            fresh.get_user_permissions(),
            fresh.get_group_permissions(),
            fresh.get_all_permissions(),
        ) == expected
    assert not _fresh(gone).has_perm("beneficiaries.view_beneficiary")
    assert _fresh(boss).get_all_permissions() == {
        f"{p.content_type.app_label}.{p.codename}" for p in Permission.objects.all()
    }
    anonymous = AnonymousUser()
    prefetch_permissions(anonymous)
    assert not anonymous.has_perm("beneficiaries.view_beneficiary")


def test_object_permissions_are_left_to_django(officer, django_assert_num_queries):
    user = _fresh(officer)
    with django_assert_num_queries(0):
        assert not user.has_perm("beneficiaries.view_beneficiary", obj=object())


def test_sign_in_stays_djangos_backend(client, officer):
    officer.set_password("a long passphrase 1")
    officer.save()
    assert (
        client.post(
            "/admin/login/", {"username": "officer", "password": "a long passphrase 1"}
        ).status_code
        == 302
    )
    assert client.session[BACKEND_SESSION_KEY] == MODEL_BACKEND
    client.logout()
    client.force_login(officer)
    assert client.session[BACKEND_SESSION_KEY] == MODEL_BACKEND


def test_a_permission_taken_away_ends_on_the_next_request(client, officer):
    client.force_login(officer)
    assert client.get("/admin/beneficiaries/beneficiary/").status_code == 200
    officer.groups.remove(Group.objects.get(name=RELATIONS_OFFICER.group_name))
    assert client.get("/admin/beneficiaries/beneficiary/").status_code == 403


@pytest.fixture
def profile_reads(monkeypatch):
    reads = []
    real = policies.selectors.association_profile

    def counted():
        reads.append(1)
        return real()

    monkeypatch.setattr(policies.selectors, "association_profile", counted)
    return reads


@pytest.mark.urls("tests.core.fixed_cost_urls")
@pytest.mark.parametrize("path", ["/staff-probe/admin/", "/staff-probe/site/"])
def test_a_staff_page_costs_one_query_and_one_profile_read_before_its_own(
    client, officer, path, profile_reads, django_assert_max_num_queries
):
    client.force_login(officer)
    client.get(path)
    profile_reads.clear()
    # The session, the user and the permissions (the header's dashboard link, the two-step
    # rule) in one query (config/sessions.py); the profile comes from the process's memory
    # (policies/selectors.py).
    with django_assert_max_num_queries(1):
        response = client.get(path)
    assert response.status_code == 200
    assert len(profile_reads) == 1


def _signed_in_with(client, user, device_id):
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device_id
    session.save()


@pytest.mark.urls("tests.core.fixed_cost_urls")
def test_a_member_signed_in_with_an_authenticator_pays_no_query_more(
    client, manager, profile_reads, django_assert_max_num_queries
):
    device = TOTPDevice.objects.create(user=manager, name="phone", confirmed=True)
    _signed_in_with(client, manager, device.persistent_id)
    assert client.get("/staff-probe/admin/").status_code == 200
    profile_reads.clear()
    # django-otp's check of the device rides on the session's query.
    with django_assert_max_num_queries(1):
        response = client.get("/staff-probe/admin/")
    assert response.status_code == 200
    assert 'href="/dashboard/"' in response.content.decode()  # the manager's permission
    assert len(profile_reads) == 1


@pytest.mark.parametrize("revoke", ["unconfirm", "delete", "give away"])
def test_an_authenticator_taken_away_ends_access_on_the_next_request(
    client, manager, officer, revoke
):
    device = TOTPDevice.objects.create(user=manager, name="phone", confirmed=True)
    _signed_in_with(client, manager, device.persistent_id)
    assert client.get("/admin/beneficiaries/beneficiary/").status_code == 200
    devices = TOTPDevice.objects.filter(pk=device.pk)
    if revoke == "unconfirm":
        devices.update(confirmed=False)
    elif revoke == "delete":
        devices.delete()
    else:
        devices.update(user=officer)
    response = client.get("/admin/beneficiaries/beneficiary/")
    assert response.status_code == 302
    assert response["Location"].startswith("/account/two-step/")
    assert DEVICE_ID_SESSION_KEY not in client.session


def test_a_session_naming_another_members_authenticator_is_not_verified(client, manager, officer):
    theirs = TOTPDevice.objects.create(user=officer, name="phone", confirmed=True)
    TOTPDevice.objects.create(user=manager, name="phone", confirmed=True)
    _signed_in_with(client, manager, theirs.persistent_id)
    response = client.get("/admin/beneficiaries/beneficiary/")
    assert response.status_code == 302
    assert response["Location"].startswith("/account/two-step/")


def test_the_verified_device_is_djangos_device_and_other_kinds_use_django_otp(
    rf, manager, django_assert_num_queries
):
    from django.contrib.sessions.backends.db import SessionStore

    from config.twofactor import OTPMiddleware

    device = TOTPDevice.objects.create(user=manager, name="phone", confirmed=True)
    request = rf.get("/admin/")
    request.session = SessionStore()
    request.session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    request.user = _fresh(manager)
    OTPMiddleware(lambda r: r)(request)
    with django_assert_num_queries(1):
        assert request.user.is_verified()
        assert request.user.has_perm("dashboard.view_dashboard")
    assert request.user.get_all_permissions() == _django_answers(manager)[2]
    assert request.user.otp_device == device

    # A kind of device this check does not know: django-otp's own lookup (it has none).
    request.session[DEVICE_ID_SESSION_KEY] = "otp_static.staticdevice/1"
    request.user = _fresh(manager)
    OTPMiddleware(lambda r: r)(request)
    assert not request.user.is_verified()
    assert DEVICE_ID_SESSION_KEY not in request.session


def test_a_superuser_signed_in_with_an_authenticator_keeps_every_permission(
    rf, django_assert_num_queries
):
    from django.contrib.sessions.backends.db import SessionStore

    from config.twofactor import OTPMiddleware

    boss = UserFactory(username="boss", is_superuser=True, is_staff=True)
    device = TOTPDevice.objects.create(user=boss, name="phone", confirmed=True)
    request = rf.get("/admin/")
    request.session = SessionStore()
    request.session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    request.user = _fresh(boss)
    OTPMiddleware(lambda r: r)(request)
    expected = _django_answers(boss)[2]
    with django_assert_num_queries(1):
        assert request.user.is_verified()
        assert request.user.get_all_permissions() == expected


def test_the_names_are_read_once_per_process_and_again_when_a_key_is_new(
    officer, django_assert_num_queries
):
    forget_permission_names()
    first, second = _fresh(officer), _fresh(officer)
    with django_assert_num_queries(2):  # the member's keys, then every permission's name
        assert first.has_perm("beneficiaries.view_beneficiary")
    with django_assert_num_queries(1):
        assert second.has_perm("beneficiaries.view_beneficiary")

    # Made without signals (as another process would): its key is new, the names are
    # read again on the spot, and the member has it at once, as with ModelBackend.
    content_type = Permission.objects.get(codename="view_dashboard").content_type
    (new,) = Permission.objects.bulk_create(
        [Permission(codename="fly_kites", name="Fly kites", content_type=content_type)]
    )
    new = Permission.objects.get(codename="fly_kites")
    officer.user_permissions.add(new)
    user = _fresh(officer)
    with django_assert_num_queries(2):
        assert user.has_perm(f"{content_type.app_label}.fly_kites")
    assert user.get_all_permissions() == _django_answers(officer)[2]


def test_a_permission_renamed_is_seen_after_a_save_here_or_the_maximum_age(officer, monkeypatch):
    permission = Permission.objects.get(codename="view_beneficiary")
    assert _fresh(officer).has_perm("beneficiaries.view_beneficiary")
    # Renamed by another process: this one sees it at the latest after NAMES_MAX_AGE.
    Permission.objects.filter(pk=permission.pk).update(codename="look_at_beneficiary")
    monkeypatch.setattr(config.auth, "NAMES_MAX_AGE", 0)
    user = _fresh(officer)
    assert user.has_perm("beneficiaries.look_at_beneficiary")
    assert not user.has_perm("beneficiaries.view_beneficiary")
    assert user.get_all_permissions() == _django_answers(officer)[2]
    monkeypatch.undo()
    # Renamed in this process (a save): seen on the next check.
    permission.refresh_from_db()
    permission.codename = "view_beneficiary"
    permission.save()
    assert _fresh(officer).has_perm("beneficiaries.view_beneficiary")


@pytest.fixture
def shared_cache_reads(monkeypatch):
    """Reads of the shared cache (the database cache in production: one query each)."""
    from django.core.cache import cache

    reads = []
    real = cache.get

    def counted(key, *args, **kwargs):
        reads.append(key)
        return real(key, *args, **kwargs)

    monkeypatch.setattr(cache, "get", counted)
    return reads


def test_the_profile_is_read_from_the_shared_cache_once_per_interval(
    shared_cache_reads, monkeypatch
):
    from policies.models import AssociationProfile

    AssociationProfile.objects.create(pk=1, name_en="First")
    clock = [1000.0]
    monkeypatch.setattr(policies.selectors.time, "monotonic", lambda: clock[0])
    assert policies.selectors.association_profile().name_en == "First"
    assert policies.selectors.association_profile().name_en == "First"
    assert len(shared_cache_reads) == 1
    # Changed by another process (no signal here, no service): shown once the interval is over.
    AssociationProfile.objects.filter(pk=1).update(name_en="Second")
    policies.selectors.cache.delete(policies.selectors._PROFILE_CACHE_KEY)
    clock[0] += policies.selectors._PROFILE_MEMORY_SECONDS - 0.1
    assert policies.selectors.association_profile().name_en == "First"
    clock[0] += 0.2
    assert policies.selectors.association_profile().name_en == "Second"
    assert len(shared_cache_reads) == 2


def test_an_edit_in_this_process_is_shown_at_once(monkeypatch):
    from policies.models import AssociationProfile
    from policies.services import association_profile_update

    monkeypatch.setattr(policies.selectors.time, "monotonic", lambda: 1000.0)  # no expiry
    assert policies.selectors.association_profile().require_two_factor is False
    association_profile_update(profile=AssociationProfile(pk=1, require_two_factor=True))
    assert policies.selectors.association_profile().require_two_factor is True
    # A save that bypasses the service (the demo, a command) forgets this process's copy.
    profile = AssociationProfile.objects.get(pk=1)
    profile.require_two_factor = False
    profile.save()
    policies.selectors.cache.delete(policies.selectors._PROFILE_CACHE_KEY)
    assert policies.selectors.association_profile().require_two_factor is False


def test_a_caller_changing_its_profile_changes_no_other_page():
    first = policies.selectors.association_profile()
    first.name_en = "Changed by a careless caller"
    assert policies.selectors.association_profile().name_en != first.name_en


def test_a_profile_read_during_the_edits_transaction_is_forgotten_at_commit(
    django_capture_on_commit_callbacks,
):
    from policies.models import AssociationProfile
    from policies.services import association_profile_update

    with django_capture_on_commit_callbacks(execute=True):
        association_profile_update(profile=AssociationProfile(pk=1, name_en="New"))
        # Another page read the row before the edit committed, and kept it.
        policies.selectors._profile_in_memory = (
            policies.selectors.time.monotonic(),
            AssociationProfile(pk=1, name_en="Old"),
        )
        policies.selectors.cache.set(
            policies.selectors._PROFILE_CACHE_KEY, AssociationProfile(pk=1, name_en="Old")
        )
    assert policies.selectors.association_profile().name_en == "New"
