"""Two-step sign-in for staff (issue #12): optional, required for sensitive data when the
association turns it on, and never bypassed by setting up a new phone."""

import pytest
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from policies.models import AssociationProfile
from policies.selectors import association_profile, forget_association_profile


def _code(device, offset=0):
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = __import__("time").time() + offset * device.step
    return f"{totp.token():06d}"


def _require(on=True):
    AssociationProfile.objects.update_or_create(pk=1, defaults={"require_two_factor": on})
    forget_association_profile()
    assert association_profile().require_two_factor is on


@pytest.fixture
def manager_with_phone(manager):
    return manager, TOTPDevice.objects.create(user=manager, name="phone", confirmed=True)


@pytest.mark.django_db
def test_without_a_phone_and_not_required_staff_work_as_before(client, officer):
    client.force_login(officer)
    assert client.get("/admin/").status_code == 200


@pytest.mark.django_db
def test_a_member_with_a_phone_is_asked_for_the_code_before_any_staff_page(
    client, manager_with_phone
):
    manager, device = manager_with_phone
    client.force_login(manager)
    response = client.get("/admin/beneficiaries/beneficiary/")
    assert response.status_code == 302
    assert response["Location"].startswith("/account/two-step/?next=%2Fadmin%2Fbeneficiaries%2F")
    # The public site is not affected.
    assert client.get("/").status_code == 200

    page = client.get(response["Location"])
    assert 'dir="rtl"' in page.content.decode()
    wrong = client.post("/account/two-step/", {"code": "000000", "next": "/admin/"})
    assert wrong.status_code == 200
    assert "الرمز غير صحيح" in wrong.content.decode()
    # A failure slows the next try down (django-otp's throttle); time passes.
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0)

    right = client.post(
        "/account/two-step/",
        {"code": _code(device), "next": "/admin/beneficiaries/beneficiary/"},
    )
    assert right.status_code == 302
    assert right["Location"] == "/admin/beneficiaries/beneficiary/"
    assert client.get("/admin/beneficiaries/beneficiary/").status_code == 200


@pytest.mark.django_db
def test_eastern_arabic_digits_are_accepted(client, manager_with_phone):
    manager, device = manager_with_phone
    client.force_login(manager)
    code = _code(device).translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
    response = client.post("/account/two-step/", {"code": code, "next": "/admin/"})
    assert response.status_code == 302


@pytest.mark.django_db
def test_required_for_sensitive_data_sends_the_manager_to_set_up(client, manager, officer):
    _require()
    client.force_login(manager)  # managers may see sensitive data
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/account/two-step/setup/")

    page = client.get(response["Location"])
    body = page.content.decode()
    assert "<svg" in body  # the QR code, drawn here, no external service
    device = TOTPDevice.objects.get(user=manager, confirmed=False)
    response = client.post("/account/two-step/setup/", {"code": _code(device), "next": "/admin/"})
    assert response.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/admin/").status_code == 200


@pytest.mark.django_db
def test_required_does_not_stop_staff_without_sensitive_access(client, auditor):
    from beneficiaries.models import SENSITIVE_PERMISSION

    _require()
    assert not auditor.has_perm(SENSITIVE_PERMISSION)
    client.force_login(auditor)
    assert client.get("/admin/").status_code == 200


@pytest.mark.django_db
def test_a_password_alone_cannot_replace_the_phone(client, manager_with_phone):
    manager, device = manager_with_phone
    client.force_login(manager)
    response = client.get("/account/two-step/setup/")
    assert response.status_code == 302
    assert response["Location"].startswith("/account/two-step/?next=")
    assert TOTPDevice.objects.filter(user=manager).count() == 1


@pytest.mark.django_db
def test_guessing_codes_is_throttled(client, manager_with_phone):
    manager, device = manager_with_phone
    client.force_login(manager)
    for _ in range(3):
        client.post("/account/two-step/", {"code": "000000"})
    # Even the right code is refused while the device is throttled.
    response = client.post("/account/two-step/", {"code": _code(device)})
    assert response.status_code == 200


@pytest.mark.django_db
def test_next_cannot_send_the_user_to_another_site(client, manager_with_phone):
    manager, device = manager_with_phone
    client.force_login(manager)
    response = client.post(
        "/account/two-step/", {"code": _code(device), "next": "https://evil.example/"}
    )
    assert response["Location"] == "/admin/"


@pytest.mark.django_db
def test_private_files_and_results_also_need_the_code(client, manager_with_phone):
    manager, device = manager_with_phone
    client.force_login(manager)
    for url in (
        "/beneficiaries/documents/1/download/",
        "/requests/deliveries/1/proof/",
        "/satisfaction/results/",
    ):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/account/two-step/?next="), url
    # The public site stays open to a signed-in member.
    for url in ("/", "/policies/", "/apply/", "/track/", "/feedback/"):
        assert client.get(url).status_code == 200, url
