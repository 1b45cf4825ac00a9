"""Django 6.1's Arabic catalogue lacks a few strings staff see on every list (the
actions bar); config/django_strings.py carries them in the project catalogue."""

import pytest

from tests.factories import BeneficiaryFactory

pytestmark = pytest.mark.django_db


def test_admin_list_actions_bar_is_arabic(client, officer):
    BeneficiaryFactory()
    client.force_login(officer)
    response = client.get("/admin/beneficiaries/beneficiary/", HTTP_ACCEPT_LANGUAGE="ar")
    html = response.content.decode()
    assert response.status_code == 200
    assert "نفّذ" in html and "- اختر -" in html
    assert ">Run<" not in html and "- Select an option -" not in html


def test_english_keeps_django_wording(client, officer):
    BeneficiaryFactory()
    client.force_login(officer)
    client.cookies["django_language"] = "en"
    html = client.get("/admin/beneficiaries/beneficiary/").content.decode()
    assert ">Run<" in html and "- Select an option -" in html


def test_the_sign_in_buttons_say_tasjil_al_dukhul(client):
    html = client.get("/admin/login/").content.decode()
    assert "تسجيل الدخول" in html and 'value="ادخل"' not in html
    assert "تسجيل الدخول" in client.get("/committee/login/").content.decode()
