"""Validators never crash on arbitrary Unicode: they return text or raise ValidationError."""

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given, settings

from beneficiaries import validators
from beneficiaries.search import normalize_arabic

from .strategies import NASTY

FUZZ = settings(max_examples=150, deadline=None)

CHECKS = [
    validators.validate_national_id,
    validators.validate_other_identity,
    validators.normalize_mobile,
    validators.validate_iban,
    validators.validate_short_address,
    validators.validate_person_name,
]


@pytest.mark.parametrize("check", CHECKS, ids=lambda f: f.__name__)
@FUZZ
@given(text=NASTY)
def test_a_validator_returns_clean_text_or_a_clear_error(check, text):
    try:
        result = check(text)
    except ValidationError as exc:
        assert all(str(message).strip() for message in exc.messages)
        return
    assert isinstance(result, str)
    assert "\x00" not in result
    assert "\u202e" not in result


@FUZZ
@given(text=NASTY)
def test_digit_and_search_folding_never_fail(text):
    assert isinstance(validators.normalize_digits(text), str)
    folded = normalize_arabic(text)
    assert isinstance(folded, str)
    assert normalize_arabic(folded) == folded  # folding twice changes nothing
