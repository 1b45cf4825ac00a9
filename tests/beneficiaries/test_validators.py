"""Saudi identifiers as people type them: any digits, spaces, dashes; clear errors."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from beneficiaries.validators import (
    iban_with_check_digits,
    national_id_with_check_digit,
    normalize_digits,
    normalize_mobile,
    strip_invisible,
    validate_iban,
    validate_national_id,
    validate_person_name,
    validate_short_address,
)

VALID_CITIZEN = national_id_with_check_digit("100000000")  # 1000000008
VALID_RESIDENT = national_id_with_check_digit("234567891")  # 2345678912


def wrong_check_digit(number: str) -> str:
    return number[:-1] + str((int(number[-1]) + 1) % 10)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("٠١٢٣٤٥٦٧٨٩", "0123456789"),
        ("۰۱۲۳۴۵۶۷۸۹", "0123456789"),
        ("رقم ١٢ و 34", "رقم 12 و 34"),
        ("", ""),
        (None, ""),
    ],
)
def test_normalize_digits_turns_eastern_arabic_and_persian_digits_into_ascii(typed, expected):
    assert normalize_digits(typed) == expected


def test_valid_citizen_and_resident_numbers_pass_and_come_back_as_ascii():
    assert validate_national_id(VALID_CITIZEN) == VALID_CITIZEN
    assert validate_national_id(VALID_RESIDENT) == VALID_RESIDENT


def test_national_id_typed_in_eastern_arabic_digits_is_accepted():
    eastern = VALID_CITIZEN.translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
    assert validate_national_id(eastern) == VALID_CITIZEN


def test_national_id_with_spaces_and_dashes_is_accepted():
    spaced = f" {VALID_CITIZEN[:3]} {VALID_CITIZEN[3:6]}-{VALID_CITIZEN[6:]} "
    assert validate_national_id(spaced) == VALID_CITIZEN


@pytest.mark.parametrize(
    "typed",
    [
        "123456789",  # nine digits
        "12345678901",  # eleven digits
        "3000000000",  # starts with 3
        "0000000000",
        "12345abcde",
        "",
        "١٢٣",
    ],
)
def test_national_id_of_wrong_shape_is_rejected_with_the_expected_format(typed):
    with pytest.raises(ValidationError) as caught:
        validate_national_id(typed)
    assert caught.value.code == "id_format"


def test_national_id_with_a_wrong_check_digit_is_rejected():
    with pytest.raises(ValidationError) as caught:
        validate_national_id(wrong_check_digit(VALID_CITIZEN))
    assert caught.value.code == "id_checksum"


def test_an_iqama_number_must_start_with_2_and_a_national_id_with_1():
    assert validate_national_id(VALID_RESIDENT, id_type="iqama") == VALID_RESIDENT
    with pytest.raises(ValidationError):
        validate_national_id(VALID_CITIZEN, id_type="iqama")
    with pytest.raises(ValidationError):
        validate_national_id(VALID_RESIDENT, id_type="national_id")


def test_the_id_error_reads_in_arabic_and_in_english():
    with translation.override("ar"), pytest.raises(ValidationError) as caught:
        validate_national_id("3000000000")
    with translation.override("ar"):
        assert caught.value.messages == ["رقم الهوية يجب أن يتكون من 10 أرقام ويبدأ بـ 1 أو 2"]
    with translation.override("en"):
        assert caught.value.messages == ["The ID number must be 10 digits starting with 1 or 2."]


@pytest.mark.parametrize(
    "typed",
    [
        "0512345678",
        "512345678",
        "+966512345678",
        "00966512345678",
        "966512345678",
        "051 234 5678",
        "051-234-5678",
        "+966 51 234 5678",
        "٠٥١٢٣٤٥٦٧٨",
        "۰۵۱۲۳۴۵۶۷۸",
    ],
)
def test_saudi_mobiles_in_every_usual_form_become_e164(typed):
    assert normalize_mobile(typed) == "+966512345678"


@pytest.mark.parametrize(
    "typed",
    [
        "0112345678",  # a Riyadh landline
        "05123",  # too short
        "051234567890",  # too long
        "+971501234567",  # a UAE mobile
        "mobile",
        "",
        "0" * 500,
    ],
)
def test_anything_but_a_saudi_mobile_is_rejected(typed):
    with pytest.raises(ValidationError) as caught:
        normalize_mobile(typed)
    assert caught.value.code == "mobile"


def test_the_mobile_error_says_what_is_expected_in_arabic():
    with translation.override("ar"), pytest.raises(ValidationError) as caught:
        normalize_mobile("123")
    with translation.override("ar"):
        assert "05" in caught.value.messages[0]
        assert "رقم" in caught.value.messages[0]


GOOD_IBAN = "SA0380000000608010167519"


@pytest.mark.parametrize(
    "typed",
    [
        GOOD_IBAN,
        "sa03 8000 0000 6080 1016 7519",
        "SA03-8000-0000-6080-1016-7519",
        "SA٠٣80000000608010167519",
        iban_with_check_digits("10" + "0000000000000000AB"),
    ],
)
def test_good_saudi_ibans_pass_in_compact_upper_case(typed):
    result = validate_iban(typed)
    assert result.startswith("SA") and len(result) == 24 and " " not in result


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("SA0480000000608010167519", "iban_checksum"),  # check digits wrong
        ("SA0380000000608010167518", "iban_checksum"),  # account digit wrong
        ("AE070331234567890123456", "iban_format"),  # not Saudi
        ("SA038000000060801016751", "iban_format"),  # one short
        ("", "iban_format"),
    ],
)
def test_bad_ibans_are_rejected(typed, code):
    with pytest.raises(ValidationError) as caught:
        validate_iban(typed)
    assert caught.value.code == code


def test_short_address_is_four_letters_and_four_digits():
    assert validate_short_address("rrrd ٢٩٢٩") == "RRRD2929"
    with pytest.raises(ValidationError):
        validate_short_address("RRR2929")


def test_names_lose_invisible_and_direction_override_characters():
    assert strip_invisible("\u202eمحمد\u200b  علي\u202c") == "محمد علي"
    assert validate_person_name("  عبد\u200dالله  ") == "عبدالله"


@pytest.mark.parametrize(
    "typed",
    ["<script>alert(1)</script>", "محمد123", "a@b", "", "\u202e\u200b", "ا" * 10_240],
)
def test_names_with_markup_digits_or_excess_length_are_rejected(typed):
    with pytest.raises(ValidationError):
        validate_person_name(typed)


def test_arabic_and_english_names_with_usual_punctuation_pass():
    for name in ["عبدالرحمن بن محمد آل سعود", "مُحَمَّد", "Mary-Jane O'Neil", "J. Smith"]:
        assert validate_person_name(name)
