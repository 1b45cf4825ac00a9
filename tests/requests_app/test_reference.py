"""Reference numbers are short, digit-only, checked, and typed in any digit form."""

from requests_app.reference import clean_reference, display, new_reference


def test_a_new_reference_is_ten_digits_with_a_valid_check_digit():
    for _ in range(200):
        reference = new_reference()
        assert len(reference) == 10 and reference.isdigit() and reference[0] != "0"
        assert clean_reference(reference) == reference


def test_a_reference_typed_with_eastern_arabic_digits_and_dashes_is_understood():
    reference = new_reference()
    eastern = display(reference).translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
    assert clean_reference(eastern) == reference
    assert clean_reference(f" {display(reference)} ") == reference


def test_one_wrong_digit_is_caught_by_the_check_digit():
    reference = new_reference()
    wrong = reference[:3] + str((int(reference[3]) + 1) % 10) + reference[4:]
    assert clean_reference(wrong) == ""


def test_garbage_is_not_a_reference():
    for value in ["", "abc", "123", "<script>", "1" * 30, None]:
        assert clean_reference(value) == ""


def test_submission_draws_again_when_a_reference_is_taken(db, monkeypatch):
    from requests_app import services
    from tests.factories import SupportRequestFactory

    taken = SupportRequestFactory().reference
    draws = iter([taken, taken, "1234567897"])
    monkeypatch.setattr(services, "new_reference", lambda: next(draws))
    assert services.unused_reference() == "1234567897"
