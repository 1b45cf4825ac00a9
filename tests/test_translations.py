"""The Arabic catalogues are complete and their compiled .mo files are current."""

import gettext
import json
import re
from pathlib import Path

import django
import polib
import pytest

ROOT = Path(__file__).resolve().parents[1]
CATALOGS = sorted(
    p for p in ROOT.glob("**/locale/ar/LC_MESSAGES/django.po") if ".venv" not in p.parts
)


def test_there_is_a_catalog_for_the_project_and_each_app():
    owners = {p.relative_to(ROOT).parts[0] for p in CATALOGS}
    assert {
        "locale",
        "policies",
        "beneficiaries",
        "channels_app",
        "requests_app",
        "satisfaction",
    } <= owners


@pytest.mark.parametrize("po_path", CATALOGS, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_message_is_translated_and_none_is_fuzzy(po_path):
    catalog = polib.pofile(str(po_path))
    untranslated = [entry.msgid for entry in catalog.untranslated_entries()]
    fuzzy = [entry.msgid for entry in catalog.fuzzy_entries()]
    assert not untranslated, f"untranslated: {untranslated}"
    assert not fuzzy, f"fuzzy: {fuzzy}"


@pytest.mark.parametrize("po_path", CATALOGS, ids=lambda p: str(p.relative_to(ROOT)))
def test_the_compiled_catalog_matches_the_po_file(po_path):
    mo_path = po_path.with_suffix(".mo")
    assert mo_path.exists(), f"{mo_path} is missing: run make messages"
    with mo_path.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    for entry in polib.pofile(str(po_path)).translated_entries():
        if entry.msgid_plural:
            continue
        key = f"{entry.msgctxt}\x04{entry.msgid}" if entry.msgctxt else entry.msgid
        assert compiled._catalog.get(key) == entry.msgstr, f"{mo_path} is stale: run make messages"


def test_a_message_reads_the_same_in_every_catalog():
    """Django looks a message up in one merged catalogue (LOCALE_PATHS first, then the
    apps in INSTALLED_APPS order): the same English text translated two ways in two apps
    shows one app's words in the other's pages ("Retired" on the application form read
    as a retired policy). A text whose meaning differs takes a context (pgettext)."""
    translations = {}
    for po_path in CATALOGS:
        owner = str(po_path.relative_to(ROOT).parent.parent.parent)
        for entry in polib.pofile(str(po_path)).translated_entries():
            value = entry.msgstr or tuple(sorted(entry.msgstr_plural.items()))
            translations.setdefault((entry.msgctxt, entry.msgid), {})[owner] = value
    clashes = {
        key[1] if key[0] is None else f"{key[0]}|{key[1]}": found
        for key, found in translations.items()
        if len(set(map(str, found.values()))) > 1
    }
    assert not clashes, clashes


@pytest.mark.django_db
def test_the_admin_scripts_speak_arabic(client, officer):
    """Every string of the admin's JavaScript (the calendar, the clock, the time-zone note
    beside a date field…) is in the Arabic catalogue the admin serves: Django 6.1's own
    lacks 13, which locale/ar/LC_MESSAGES/djangojs.po adds."""
    client.force_login(officer)
    client.cookies["django_language"] = "ar"
    body = client.get("/admin/jsi18n/").content.decode()
    catalog = json.loads(re.search(r"const newcatalog = (\{.*?\});\n", body, re.S).group(1))
    admin_locale = Path(django.__file__).parent / "contrib" / "admin" / "locale"
    english = polib.pofile(str(admin_locale / "en" / "LC_MESSAGES" / "djangojs.po"))
    keys = [
        f"{entry.msgctxt}\x04{entry.msgid}" if entry.msgctxt else entry.msgid for entry in english
    ]
    missing = [key for key in keys if key not in catalog]
    assert not missing, missing
    note = "Note: Enter times in the %(timezone)s timezone. (You are %(offset)s hour behind.)"
    assert (
        catalog[note][3]
        == "ملاحظة: أدخل الأوقات بتوقيت %(timezone)s. (أنت متأخر عنه بـ %(offset)s ساعات.)"
    )
