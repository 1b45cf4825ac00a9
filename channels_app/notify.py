"""The pieces of the notification service that need no database: who a message is for,
how it travels, and how its text is made.

The workflow builds a ``Recipient`` from a beneficiary (or an applicant who is not
registered yet) and calls ``channels_app.services.notification_send``."""

import datetime
import decimal
import functools
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.template import Context, Engine
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.functional import Promise

from config import hijri

from .models import NotificationEvent, NotificationTransport

# Channel codes (channels_app.channels) that messages go out through.
SMS_CHANNEL_CODE = "phone"
EMAIL_CHANNEL_CODE = "email"
LANGUAGES = ("ar", "en")


@dataclass(frozen=True)
class Recipient:
    """Who a message is for, as the workflow knows them. ``mobile`` in E.164
    (+9665XXXXXXXX); ``preferred_channel_code`` is a ``Channel.code``."""

    name: str
    mobile: str = ""
    email: str = ""
    language: str = "ar"
    preferred_channel_code: str = ""
    opted_out: bool = False


@dataclass(frozen=True)
class Route:
    """How one message will travel: transport "" means there is no address to use."""

    transport: str
    to: str
    channel_code: str


def choose_route(recipient: Recipient, channel_code: str | None = None) -> Route:
    """E-mail when the person prefers e-mail (or the caller asks for it) and has an
    address; SMS for every other preference when there is a mobile; otherwise whichever
    address exists. ``channel_code`` overrides the person's preference for one message."""
    wanted = (channel_code or recipient.preferred_channel_code or "").strip()
    mobile = (recipient.mobile or "").strip()
    email = (recipient.email or "").strip()
    if wanted == EMAIL_CHANNEL_CODE and email:
        return Route(NotificationTransport.EMAIL, email, EMAIL_CHANNEL_CODE)
    if mobile:
        return Route(NotificationTransport.SMS, mobile, SMS_CHANNEL_CODE)
    if email:
        return Route(NotificationTransport.EMAIL, email, EMAIL_CHANNEL_CODE)
    # Nobody to write to: record the channel the person prefers, so staff see that the
    # applicant (say) wanted a letter, or the phone when nothing is known.
    return Route("", "", wanted or SMS_CHANNEL_CODE)


def language_of(recipient: Recipient) -> str:
    lang = (recipient.language or "ar").split("-")[0].lower()
    return lang if lang in LANGUAGES else "ar"


# --- Values given to templates -------------------------------------------------------


def jsonable_context(context: Mapping[str, Any] | None) -> dict[str, Any]:
    """The caller's values as JSON, so they can be stored on the notification, handed
    to a task worker and used again by a retry. Dates become ISO strings, which the
    template filters ``dual_date``, ``hijri`` and ``gregorian`` read back; anything else
    that is not a plain value becomes its text."""
    result: dict[str, Any] = {}
    for key, value in (context or {}).items():
        result[str(key)] = _jsonable(value)
    return result


def _jsonable(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, Promise):
        return str(value)
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return str(value)


def as_date(value: Any) -> datetime.date | datetime.datetime | None:
    """A date from a date, a datetime or the ISO text ``jsonable_context`` made of one."""
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, str) and value:
        try:
            return parse_datetime(value) if "T" in value else parse_date(value)
        except ValueError:
            return None
    return None


def dual_date_text(value: Any, lang: str | None = None) -> str:
    """«12 صفر 1448 هـ (25 يوليو 2026م)»: the Hijri date with its Gregorian equivalent,
    as plain text for an SMS or an e-mail; the Gregorian date alone out of range.
    Non-dates are returned as they are."""
    day = as_date(value)
    if day is None:
        return "" if value is None else str(value)
    gregorian = hijri.format_gregorian(day, lang)
    hijri_text = hijri.format_hijri(day, lang)
    return f"{hijri_text} ({gregorian})" if hijri_text else gregorian


# Values to try a template with (the back-office preview, the tests): the keys each
# event's default templates use. Every event may also use recipient_name,
# association_name, association_phone and association_website, added when rendering.
SAMPLE_CONTEXT: dict[str, dict[str, Any]] = {
    NotificationEvent.REQUEST_RECEIVED: {
        "reference": "R-7K3Q9X",
        "program": "السلة الغذائية",
        "due_date": "2026-08-09",
        "track_url": "https://example.org/track/",
    },
    NotificationEvent.INFO_NEEDED: {
        "reference": "R-7K3Q9X",
        "note": "صورة سارية من صك الإعالة",
        "track_url": "https://example.org/track/",
    },
    NotificationEvent.REFERRED_RESEARCH: {"reference": "R-7K3Q9X"},
    NotificationEvent.REFERRED_EXTERNAL: {
        "reference": "R-7K3Q9X",
        "referred_to": "جمعية الإسكان الخيرية",
        "referred_to_contact": "0112345678",
        "reason": "الطلب يتعلق بالسكن",
    },
    NotificationEvent.DECIDED_APPROVED: {
        "reference": "R-7K3Q9X",
        "program": "السلة الغذائية",
        "note": "",
    },
    NotificationEvent.DECIDED_REJECTED: {
        "reference": "R-7K3Q9X",
        "program": "السلة الغذائية",
        "reason": "الدخل أعلى من حد الاستحقاق",
    },
    NotificationEvent.SERVICE_DELIVERED: {"reference": "R-7K3Q9X", "program": "السلة الغذائية"},
    NotificationEvent.SURVEY_INVITATION: {
        "reference": "R-7K3Q9X",
        "survey_url": "https://example.org/survey/Xy12/",
    },
    NotificationEvent.FEEDBACK_RECEIVED: {"reference": "F-2M8TQ4"},
    NotificationEvent.FEEDBACK_REPLY: {
        "reference": "F-2M8TQ4",
        "reply": "شكرًا لملاحظتك، عدّلنا مواعيد الاستقبال.",
    },
}


# --- Rendering --------------------------------------------------------------------------


@functools.cache
def text_engine() -> Engine:
    """A Django template engine for plain text (SMS, e-mail): no HTML escaping, the
    project's date filters in their plain-text form, nothing that reads files."""
    return Engine(
        builtins=["config.templatetags.mustafid", "channels_app.text_filters"],
        autoescape=False,
    )


def render_text(source: str, context: Mapping[str, Any]) -> str:
    """Render one template text; raises ``TemplateSyntaxError`` (or whatever a filter
    raised) for the caller to record. Call it with the recipient's language active."""
    template = text_engine().from_string(source)
    return template.render(Context(dict(context), autoescape=False)).strip()


def one_line(text: str) -> str:
    """An e-mail subject: the template's lines joined, runs of spaces folded."""
    return " ".join(text.split())


# The GSM 03.38 basic alphabet: a message only in these characters fits 160 per SMS;
# anything else (Arabic) is sent as UCS-2, 70 per SMS.
_GSM_BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
_GSM_EXTENDED = set("^{}\\[~]|€")


def sms_parts(text: str) -> tuple[int, int]:
    """(characters, SMS parts) a text costs: 160/153 per part in the GSM alphabet,
    70/67 in UCS-2 (any Arabic letter)."""
    if all(ch in _GSM_BASIC or ch in _GSM_EXTENDED for ch in text):
        length = sum(2 if ch in _GSM_EXTENDED else 1 for ch in text)
        single, multi = 160, 153
    else:
        # UCS-2 counts UTF-16 code units: a character outside the BMP (an emoji) is two.
        length = len(text.encode("utf-16-le")) // 2
        single, multi = 70, 67
    if length <= single:
        return length, 1
    return length, -(-length // multi)
