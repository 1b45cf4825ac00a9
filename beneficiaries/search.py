"""Finding beneficiaries the way staff type: Arabic folded, digits in any script.

``normalize_arabic`` is applied both to the stored name (``Beneficiary.name_normalized``,
kept by the service layer) and to the query, so «أحمد» finds «احمد», «فاطمة» finds
«فاطمه» and «مُحَمَّد» finds «محمد». On PostgreSQL a trigram index (pg_trgm) serves the
contains-search on the folded column; SQLite scans it, which is fine at laptop size."""

import contextlib
import re
import unicodedata

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet

from .validators import normalize_digits, normalize_mobile, strip_invisible

_FOLD = str.maketrans(
    {
        "أ": "ا",
        "إ": "ا",
        "آ": "ا",
        "ٱ": "ا",
        "ى": "ي",
        "ة": "ه",
    }
)
# Tashkeel (fathatan … sukun, U+064B–U+065F), the superscript alef (U+0670), Quranic
# annotation marks (U+06D6–U+06ED) and the tatweel (U+0640).
_MARKS = dict.fromkeys([*range(0x064B, 0x0660), 0x0670, *range(0x06D6, 0x06EE), 0x0640])


def normalize_arabic(text) -> str:
    """The search folding: NFC, أ إ آ ٱ → ا, ى → ي, ة → ه, no tashkeel or tatweel,
    Latin case-folded, digits ASCII, invisible characters gone, single spaces."""
    if not text:
        return ""
    # NFC first so a decomposed «ا + ٓ» becomes «آ» and is then folded like the rest.
    folded = unicodedata.normalize("NFC", str(text)).translate(_FOLD).translate(_MARKS)
    return strip_invisible(normalize_digits(folded)).casefold()


_DIGITS_ONLY = re.compile(r"[\d\s\-+()]+")


def beneficiary_search_filter(query: str) -> Q | None:
    """The condition for one search box: identity or file number or mobile when the
    query is a number, the folded name otherwise. None when there is nothing to look for."""
    text = strip_invisible(normalize_digits(query))
    if not text:
        return None
    if _DIGITS_ONLY.fullmatch(text):
        compact = re.sub(r"\D", "", text)
        condition = Q(id_number=compact) | Q(file_number=compact)
        with contextlib.suppress(ValidationError):
            condition |= Q(mobile=normalize_mobile(text))
        return condition
    upper = text.upper().replace(" ", "")
    # File numbers (M0000123) and passports mix letters and digits: match them exactly.
    return folded_name_contains("name_normalized", text) | Q(file_number=upper) | Q(id_number=upper)


def folded_name_contains(field: str, text: str) -> Q:
    """``field`` (a folded name) contains the folded ``text``. A text that folds to nothing
    (only tatweel or tashkeel) matches no name, not every name."""
    folded = normalize_arabic(text)
    return Q(**{f"{field}__contains": folded}) if folded else Q(pk__in=[])


def beneficiary_search(queryset: QuerySet, query: str) -> QuerySet:
    condition = beneficiary_search_filter(query)
    return queryset if condition is None else queryset.filter(condition)
