"""Checks for the identifiers people type about themselves: digits in any script, Saudi
national ID / iqama numbers, Saudi mobiles, Saudi IBANs, names and short addresses.

Every ``normalize_*`` / ``validate_*`` function takes what a person typed (Eastern Arabic
or Persian digits, spaces, dashes) and either returns the canonical text or raises a
``ValidationError`` whose message says what is wrong and what is expected, in the
active language (Arabic first, English second)."""

import re
import unicodedata

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Eastern Arabic (٠-٩, U+0660…) and Persian/Urdu (۰-۹, U+06F0…) digits → ASCII.
_DIGITS = {0x0660 + i: str(i) for i in range(10)} | {0x06F0 + i: str(i) for i in range(10)}
# Characters that change how text is displayed without being seen: bidi embeddings and
# overrides (U+202A–U+202E), isolates (U+2066–U+2069), marks (U+200E/F, U+061C),
# zero-width space/joiners (U+200B–U+200D), word joiner (U+2060) and the BOM (U+FEFF).
# In a name they are only ever a mistake or a spoofing trick («‮dic.exe»).
_INVISIBLE = dict.fromkeys(
    [*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x200B, 0x200C, 0x200D, 0x200E, 0x200F]
    + [0x061C, 0x2060, 0xFEFF]
)
_SEPARATORS = re.compile(r"[\s\-_.()/]+")
_NAME_PUNCTUATION = set(" .'-ـ’")

MAX_NAME_LENGTH = 200


def normalize_digits(text) -> str:
    """Eastern Arabic and Persian digits to ASCII; everything else unchanged."""
    if text is None:
        return ""
    return str(text).translate(_DIGITS)


def strip_invisible(text) -> str:
    """Text without bidi overrides and zero-width characters, NFC, single-spaced."""
    if text is None:
        return ""
    cleaned = unicodedata.normalize("NFC", str(text)).translate(_INVISIBLE)
    return " ".join(cleaned.split())


def compact(value) -> str:
    """Digits normalised, spaces and dashes gone: what people add to be readable."""
    return _SEPARATORS.sub("", normalize_digits(value).strip())


def _luhn_ok(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        digit = int(char)
        if index % 2 == 1:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return total % 10 == 0


def national_id_with_check_digit(first_nine: str) -> str:
    """The 10-digit number whose first nine digits are given (demo data, tests)."""
    for check in "0123456789":
        if _luhn_ok(first_nine + check):
            return first_nine + check
    raise ValueError(first_nine)  # pragma: no cover - one check digit always fits


def validate_national_id(value, *, id_type: str | None = None) -> str:
    """A Saudi national ID (starts with 1) or iqama number (starts with 2): 10 digits and a
    Luhn check digit. Returns the number as 10 ASCII digits; raises ValidationError.

    ``id_type="national_id"`` insists on a citizen's 1, ``id_type="iqama"`` on a 2."""
    number = compact(value)
    if not re.fullmatch(r"[12]\d{9}", number):
        raise ValidationError(
            _("The ID number must be 10 digits starting with 1 or 2."), code="id_format"
        )
    if id_type == "national_id" and number[0] != "1":
        raise ValidationError(
            _("A Saudi national ID starts with 1; a number starting with 2 is an iqama."),
            code="id_not_citizen",
        )
    if id_type == "iqama" and number[0] != "2":
        raise ValidationError(
            _("An iqama number starts with 2; a number starting with 1 is a national ID."),
            code="id_not_resident",
        )
    if not _luhn_ok(number):
        raise ValidationError(
            _(
                "This ID number is not valid: its last (check) digit does not match. "
                "Check the number against the card."
            ),
            code="id_checksum",
        )
    return number


def validate_other_identity(value) -> str:
    """A passport, GCC or other identity number: 5 to 20 letters and digits."""
    number = compact(value).upper()
    if not re.fullmatch(r"[A-Z0-9]{5,20}", number):
        raise ValidationError(
            _("The identity number must be 5 to 20 Latin letters or digits."),
            code="identity_format",
        )
    return number


def normalize_mobile(value) -> str:
    """A Saudi mobile number as E.164 (+9665XXXXXXXX). Accepts 05XXXXXXXX, 5XXXXXXXX,
    +9665…, 009665… and 9665…, in any digits, with spaces or dashes; raises
    ValidationError for anything that is not a Saudi mobile."""
    number = compact(value)
    if number.startswith("00"):
        number = "+" + number[2:]
    elif number.startswith("966"):
        number = "+" + number
    error = ValidationError(
        _("Enter a Saudi mobile number: 10 digits starting with 05, e.g. 0512345678."),
        code="mobile",
    )
    if not number or len(number) > 20:
        raise error
    try:
        parsed = phonenumbers.parse(number, "SA")
    except phonenumbers.NumberParseException as exc:
        raise error from exc
    if (
        parsed.country_code != 966
        or not phonenumbers.is_valid_number(parsed)
        or phonenumbers.number_type(parsed) != phonenumbers.PhoneNumberType.MOBILE
    ):
        raise error
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def validate_iban(value) -> str:
    """A Saudi IBAN: SA, 2 check digits, 2-digit bank code, 18 account characters, with
    a correct mod-97 check. Returns it compact and upper-case; raises ValidationError."""
    iban = compact(value).upper()
    if not re.fullmatch(r"SA\d{4}[0-9A-Z]{18}", iban):
        raise ValidationError(
            _("The IBAN must be SA followed by 22 digits (24 characters in all)."),
            code="iban_format",
        )
    rearranged = iban[4:] + iban[:4]
    as_number = "".join(str(int(char, 36)) for char in rearranged)
    if int(as_number) % 97 != 1:
        raise ValidationError(
            _(
                "This IBAN is not valid: its check digits do not match. Copy it from the bank certificate."
            ),
            code="iban_checksum",
        )
    return iban


def validate_short_address(value) -> str:
    """The Saudi National Address short code: 4 letters and 4 digits, e.g. RRRD2929."""
    code = compact(value).upper()
    if not re.fullmatch(r"[A-Z]{4}\d{4}", code):
        raise ValidationError(
            _("The short address is 4 Latin letters and 4 digits, e.g. RRRD2929."),
            code="short_address",
        )
    return code


def validate_person_name(value) -> str:
    """A person's name in Arabic or Latin letters: returns it cleaned of invisible
    characters; raises ValidationError for digits, symbols or markup."""
    name = strip_invisible(value)
    if not name:
        raise ValidationError(_("Enter the name."), code="name_required")
    if len(name) > MAX_NAME_LENGTH:
        raise ValidationError(
            _("The name is too long: at most %(limit)d characters.") % {"limit": MAX_NAME_LENGTH},
            code="name_length",
        )
    for char in name:
        if char in _NAME_PUNCTUATION:
            continue
        category = unicodedata.category(char)
        if category[0] not in ("L", "M"):
            raise ValidationError(
                _(
                    "A name may contain only letters, spaces, dots, apostrophes and hyphens "
                    "(no digits or symbols such as < > or @)."
                ),
                code="name_characters",
            )
    return name


def iban_with_check_digits(bban: str) -> str:
    """The Saudi IBAN for a 22-character bank code + account (demo data, tests)."""
    rearranged = bban.upper() + "SA00"
    remainder = int("".join(str(int(char, 36)) for char in rearranged)) % 97
    return f"SA{98 - remainder:02d}{bban.upper()}"
