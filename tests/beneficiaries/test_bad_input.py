"""Whatever people type: a clear error in their language, never a 500, never markup."""

import pytest
from django.urls import reverse
from django.utils import translation

from beneficiaries.models import Beneficiary
from tests.beneficiaries.test_admin import ADD, CHANGELIST, registration
from tests.factories import BeneficiaryFactory

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert('x')</script>"
HOSTILE_NAMES = [
    pytest.param(SCRIPT, id="script-tag"),
    pytest.param("\u202eمحمد\u202c", id="rtl-override"),
    pytest.param("عبد\u200bالله\u200d", id="zero-width"),
    pytest.param("ا" * 10_240, id="10-kb"),
    pytest.param("\u0000null", id="nul-byte"),
    pytest.param("<img src=x onerror=alert(1)>", id="img-onerror"),
]


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_a_hostile_name_in_the_registration_form_never_crashes_or_renders(client, officer, name):
    client.force_login(officer)
    response = client.post(ADD, registration(name_ar=name))
    assert response.status_code in (200, 302)
    if response.status_code == 200:
        assert SCRIPT not in response.text
        assert "<img src=x" not in response.text
    else:
        person = Beneficiary.objects.get()
        assert "\u202e" not in person.name_ar and "\u200b" not in person.name_ar


def test_a_script_tag_is_refused_as_a_direct_beneficiarys_name_with_a_clear_message(
    client, officer
):
    client.force_login(officer)
    response = client.post(ADD, registration(name_ar=SCRIPT))
    assert "الاسم يتكون من حروف" in response.text
    assert "&lt;script&gt;" in response.text  # what was typed is kept, escaped


def test_a_ten_kilobyte_name_is_refused_with_the_limit(client, officer):
    client.force_login(officer)
    response = client.post(ADD, registration(name_ar="ب" * 10_240))
    assert response.status_code == 200
    assert "200" in str(response.context["adminform"].form.errors["name_ar"])


@pytest.mark.parametrize("name", HOSTILE_NAMES[:3] + HOSTILE_NAMES[5:])
def test_stored_hostile_nicknames_are_escaped_in_the_list_and_the_record(client, officer, name):
    person = BeneficiaryFactory(kind="indirect", name_ar=name, id_type="", id_number="")
    client.force_login(officer)
    for url in (CHANGELIST, reverse("admin:beneficiaries_beneficiary_change", args=[person.pk])):
        response = client.get(url)
        assert response.status_code == 200
        assert SCRIPT not in response.text
        assert "<img src=x" not in response.text


@pytest.mark.parametrize(
    "query", [SCRIPT, "\u202e", "٠٥", "ا" * 10_240, "%", "_", "'; DROP TABLE x; --", "+", "٠"]
)
def test_any_search_text_is_answered_without_an_error(client, officer, query):
    BeneficiaryFactory()
    client.force_login(officer)
    response = client.get(CHANGELIST, {"q": query})
    assert response.status_code == 200
    assert SCRIPT not in response.text


@pytest.mark.parametrize(
    ("field", "value", "arabic"),
    [
        ("mobile", "12345", "رقم جوال سعوديًا"),
        ("iban", "SA00 1234", "الآيبان"),
        ("short_address", "12", "العنوان المختصر"),
        ("id_number", "1234567890", "رقم التحقق"),
    ],
)
def test_each_bad_identifier_gets_its_own_arabic_message(client, officer, field, value, arabic):
    client.force_login(officer)
    response = client.post(ADD, registration(**{field: value}))
    assert response.status_code == 200
    assert arabic in str(response.context["adminform"].form.errors[field])


def test_the_same_errors_read_in_english(client, officer):
    client.force_login(officer)
    client.cookies["django_language"] = "en"
    response = client.post(ADD, registration(id_number="123"))
    with translation.override("en"):
        assert "10 digits starting with 1 or 2" in response.text
