"""Arabic search folding, on the stored name and on the query."""

import pytest

from beneficiaries.models import Beneficiary
from beneficiaries.search import beneficiary_search, normalize_arabic
from tests.factories import BeneficiaryFactory


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("أحمد", "احمد"),
        ("إبراهيم", "ابراهيم"),
        ("آمنة", "امنه"),
        ("ٱلله", "الله"),
        ("فاطمة", "فاطمه"),
        ("مصطفى", "مصطفي"),
        ("مُحَمَّد", "محمد"),
        ("محـــمد", "محمد"),
        ("MOHAMMED Ali", "mohammed ali"),
        ("ا\u0653منه", "امنه"),  # decomposed alef + madda, NFC-composed then folded
        ("  نورة   القحطاني ", "نوره القحطاني"),
        ("\u202eسارة\u200b", "ساره"),
        ("رقم ١٢٣", "رقم 123"),
    ],
)
def test_normalize_arabic_folds_both_spellings_to_the_same_text(one, other):
    assert normalize_arabic(one) == normalize_arabic(other)


def test_normalize_arabic_of_nothing_is_empty():
    assert normalize_arabic("") == ""
    assert normalize_arabic(None) == ""


@pytest.mark.django_db
def test_searching_a_folded_spelling_finds_the_stored_one():
    ahmad = BeneficiaryFactory(name_ar="أحمد بن علي")
    fatima = BeneficiaryFactory(name_ar="فاطمة الزهراء")
    everyone = Beneficiary.objects.all()
    assert list(beneficiary_search(everyone, "احمد")) == [ahmad]
    assert list(beneficiary_search(everyone, "فاطمه")) == [fatima]
    assert list(beneficiary_search(everyone, "الزهراء")) == [fatima]


@pytest.mark.django_db
def test_searching_a_mobile_or_id_in_any_digit_form_finds_the_record():
    person = BeneficiaryFactory(mobile="+966512345678")
    others = BeneficiaryFactory.create_batch(2)
    everyone = Beneficiary.objects.all()
    assert list(beneficiary_search(everyone, "٠٥١٢٣٤٥٦٧٨")) == [person]
    assert list(beneficiary_search(everyone, "051 234 5678")) == [person]
    eastern_id = person.id_number.translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
    assert list(beneficiary_search(everyone, eastern_id)) == [person]
    person.refresh_from_db()
    assert list(beneficiary_search(everyone, person.file_number.lower())) == [person]
    assert set(beneficiary_search(everyone, "")) == {person, *others}


@pytest.mark.postgres
@pytest.mark.django_db
def test_postgresql_has_a_trigram_index_on_the_folded_name():
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'beneficiary_name_trgm'")
        (definition,) = cursor.fetchone()
    assert "gin_trgm_ops" in definition
