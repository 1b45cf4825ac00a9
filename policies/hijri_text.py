"""The Hijri date of a board meeting as the minutes write it.

Secretaries type what the minutes say: «١٥/٣/١٤٤٦هـ», «1446-03-15», «15 ربيع الأول 1446 هـ».
We keep that text as typed and read the year, month and day out of it, so the date can
be checked (it must exist in the Umm al-Qura calendar) and compared with the Hijri date
computed from the Gregorian one."""

import datetime
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from hijridate import Hijri

from config.hijri import parse_hijri

_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
_EASTERN = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")

# Month names as people write them, folded (see _fold) → month number.
_MONTH_NAMES = {
    "محرم": 1,
    "صفر": 2,
    "ربيع الاول": 3,
    "ربيع اول": 3,
    "ربيع الثاني": 4,
    "ربيع الاخر": 4,
    "ربيع ثاني": 4,
    "جمادي الاولي": 5,
    "جمادي الاول": 5,
    "جمادي الثانيه": 6,
    "جمادي الاخره": 6,
    "جمادي الاخر": 6,
    "رجب": 7,
    "شعبان": 8,
    "رمضان": 9,
    "شوال": 10,
    "ذو القعده": 11,
    "ذي القعده": 11,
    "ذو الحجه": 12,
    "ذي الحجه": 12,
    "muharram": 1,
    "safar": 2,
    "rabi al-awwal": 3,
    "rabi al-thani": 4,
    "rabi al-akhir": 4,
    "jumada al-ula": 5,
    "jumada al-awwal": 5,
    "jumada al-akhirah": 6,
    "jumada al-thani": 6,
    "rajab": 7,
    "shaban": 8,
    "ramadan": 9,
    "shawwal": 10,
    "dhu al-qadah": 11,
    "dhul qadah": 11,
    "dhu al-hijjah": 12,
    "dhul hijjah": 12,
}

# «هـ» or «AH» standing alone or right after the year, never the last letter of a word.
_NOTATION = re.compile(r"(?<![^\W\d_])(هـ|ه|A\.?H\.?)(?![^\W\d_])", re.IGNORECASE)
# Words minutes put around a date that say nothing about it.
_IGNORED_WORDS = {
    "يوم",
    "بتاريخ",
    "تاريخ",
    "الموافق",
    "الاحد",
    "الاثنين",
    "الثلاثاء",
    "الاربعاء",
    "الخميس",
    "الجمعه",
    "السبت",
    "sunday",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "on",
}
_TASHKEEL = re.compile(r"[\u064B-\u0652\u0640]")


def normalize_digits(text: str) -> str:
    """Eastern Arabic and Persian digits → ASCII."""
    return text.translate(_DIGITS)


def eastern_digits(text: str) -> str:
    """ASCII digits → Eastern Arabic, as the seeds write the approval block."""
    return str(text).translate(_EASTERN)


def _fold(text: str) -> str:
    text = _TASHKEEL.sub("", text)
    text = text.replace("أ", "ا").replace("إ", "ا").replace("آ", "ا")
    text = text.replace("ى", "ي").replace("ة", "ه").replace("'", "").replace("’", "")
    return " ".join(text.lower().split())


@dataclass(frozen=True)
class HijriParts:
    year: int
    month: int
    day: int

    def to_gregorian(self) -> datetime.date:
        return parse_hijri(self.year, self.month, self.day)

    def numeric(self, *, eastern: bool = False) -> str:
        """«15 / 3 / 1446»: day first, spaced so that it reads the same right to left."""
        text = f"{self.day} / {self.month} / {self.year}"
        return eastern_digits(text) if eastern else text


def _split(text: str) -> tuple[int, int, int]:
    """(year, month, day) from the typed text, before checking the date exists."""
    cleaned = _NOTATION.sub(" ", normalize_digits(text)).strip()
    numbers = re.findall(r"\d+", cleaned)
    words = " ".join(
        word
        for word in _fold(re.sub(r"[\d/\\.,،]+|(?<=\s)-|-(?=\s)", " ", cleaned)).split()
        if word not in _IGNORED_WORDS and word != "-"
    )
    if len(numbers) == 2 and words:
        month = _MONTH_NAMES.get(words)
        if month is None:
            raise ValueError("month name")
        first, last = int(numbers[0]), int(numbers[1])
        day, year = (first, last) if last > 31 else (last, first)
        return year, month, day
    if len(numbers) != 3 or words:
        raise ValueError("shape")
    a, b, c = (int(n) for n in numbers)
    if len(numbers[0]) >= 3:  # 1446/03/15, 1446-3-15
        return a, b, c
    return c, b, a  # 15/3/1446


def _isolated(text: str) -> str:
    # First-strong isolate: «1445-13-01» keeps its own order inside an Arabic sentence.
    return f"\u2068{text}\u2069"


def parse_hijri_text(text: str) -> HijriParts:
    """Read a Hijri date as written; ValidationError, in the person's language, when the
    text is not a date or names a day that does not exist (1445-13-01, 1446-02-31)."""
    text = (text or "").strip()
    if not text:
        raise ValidationError(_("Type the Hijri date as the minutes write it."), code="required")
    try:
        year, month, day = _split(text)
    except ValueError:
        raise ValidationError(
            _(
                "«%(text)s» is not a Hijri date we can read. Write it as day/month/year, "
                "for example 15/3/1446."
            ),
            code="hijri_unreadable",
            params={"text": _isolated(text)},
        ) from None
    check_hijri_exists(year, month, day, text=text)
    return HijriParts(year, month, day)


def check_hijri_exists(year: int, month: int, day: int, *, text: str = "") -> None:
    """ValidationError unless year-month-day is a day of the Umm al-Qura calendar."""
    text = _isolated(text or f"{year}-{month:02d}-{day:02d}")
    if not 1343 <= year <= 1500:
        raise ValidationError(
            _("«%(text)s»: the Hijri year must be between 1343 and 1500."),
            code="hijri_year",
            params={"text": text},
        )
    if not 1 <= month <= 12:
        raise ValidationError(
            _("«%(text)s» does not exist: the Hijri year has 12 months, not %(month)s."),
            code="hijri_month",
            params={"text": text, "month": month},
        )
    length = Hijri(year, month, 1).month_length()
    if not 1 <= day <= length:
        raise ValidationError(
            _("«%(text)s» does not exist: %(month_name)s %(year)s has %(length)s days."),
            code="hijri_day",
            params={
                "text": text,
                "month_name": _hijri_month_name(month),
                "year": year,
                "length": length,
            },
        )
    try:
        parse_hijri(year, month, day)
    except ValueError:  # pragma: no cover - the checks above cover hijridate's rules
        raise ValidationError(
            _("«%(text)s» is not a Hijri date that exists."),
            code="hijri_invalid",
            params={"text": text},
        ) from None


def _hijri_month_name(month: int) -> str:
    from django.utils.translation import get_language

    lang = "en" if (get_language() or "ar").startswith("en") else "ar"
    return Hijri(1446, month, 1).month_name(lang)
