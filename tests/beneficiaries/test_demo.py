"""seed_demo fills the registry with realistic, valid Arabic records, in batches."""

import io

import pytest
from django.core.management import call_command

from beneficiaries.models import Beneficiary, BeneficiaryDocument, Consent, HouseholdMember
from beneficiaries.search import normalize_arabic

pytestmark = pytest.mark.django_db(transaction=False)


def seed(count: int) -> str:
    out = io.StringIO()
    call_command("seed_demo", "--beneficiaries", str(count), stdout=out)
    return out.getvalue()


def test_demo_beneficiaries_are_valid_records_with_households_and_documents():
    output = seed(120)
    assert "beneficiaries: 120/120" in output
    assert Beneficiary.objects.count() == 120
    direct = Beneficiary.objects.filter(kind="direct")
    assert direct.exists() and Beneficiary.objects.filter(kind="indirect").exists()
    for person in direct[:40]:
        person.full_clean()  # valid national ID / iqama (Luhn), E.164 mobile, IBAN
        assert person.name_normalized == normalize_arabic(person.name_ar)
        assert person.file_number == f"M{person.pk:07d}"
    for member in HouseholdMember.objects.all()[:40]:
        member.full_clean()
    assert Consent.objects.count() == direct.count()
    assert BeneficiaryDocument.objects.filter(beneficiary__kind="direct").exists()


def test_some_demo_documents_expire_soon_and_some_have_expired():
    seed(400)
    assert BeneficiaryDocument.objects.expiring_within(60).exists()
    from django.utils import timezone

    assert BeneficiaryDocument.objects.filter(expiry_date__lt=timezone.localdate()).exists()


def test_the_demo_is_repeatable_and_does_not_duplicate_a_filled_registry():
    seed(30)
    names = list(Beneficiary.objects.order_by("id").values_list("name_ar", flat=True))
    output = seed(30)
    assert "already has records" in output
    assert list(Beneficiary.objects.order_by("id").values_list("name_ar", flat=True)) == names


def test_records_registered_after_the_demo_get_the_next_file_numbers():
    from beneficiaries.services import beneficiary_create

    seed(10)
    person = beneficiary_create(kind="indirect", name_ar="زائر جديد")
    assert person.pk > Beneficiary.objects.exclude(pk=person.pk).order_by("-pk").first().pk
