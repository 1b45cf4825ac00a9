"""Request reference numbers people can read over the phone.

Ten digits in groups (``4831-7759-26``): digits only, because Latin letters are hard to
dictate for Arabic speakers; random, so a reference reveals nothing about how many
requests exist; the last digit is a Luhn check digit, so a mistyped digit or two swapped
neighbours is caught before any database lookup."""

import secrets

from beneficiaries.validators import normalize_digits

LENGTH = 10


def _luhn_check_digit(body: str) -> str:
    total = 0
    for index, char in enumerate(reversed(body)):
        digit = int(char)
        if index % 2 == 0:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return str((10 - total % 10) % 10)


def new_reference() -> str:
    """A fresh reference, stored without separators (format it with ``display``)."""
    body = str(secrets.randbelow(9 * 10 ** (LENGTH - 2)) + 10 ** (LENGTH - 2))  # no leading zero
    return body + _luhn_check_digit(body)


def clean_reference(value: str) -> str:
    """Normalise what a person typed (Eastern Arabic digits, spaces, dashes); "" if it cannot be one."""
    digits = "".join(ch for ch in normalize_digits(value or "") if ch.isdigit())
    if len(digits) != LENGTH or _luhn_check_digit(digits[:-1]) != digits[-1]:
        return ""
    return digits


def display(reference: str) -> str:
    return (
        f"{reference[:4]}-{reference[4:8]}-{reference[8:]}"
        if len(reference) == LENGTH
        else reference
    )
