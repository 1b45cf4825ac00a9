"""Records that carry their own Arabic and English text (a channel's name, a program's
description) show the one matching the active language, Arabic when English is empty."""

from django.utils.translation import get_language


def pick(arabic: str, english: str) -> str:
    lang = (get_language() or "ar").split("-")[0]
    if lang == "en" and english:
        return english
    return arabic or english
