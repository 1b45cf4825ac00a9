"""The board-approval block in the seeds' own form, for the public pages and the print
view: «تم اعتماد هذه السياسة في اجتماع مجلس الإدارة رقم (٣) المنعقد بتاريخ ١٥ / ٣ / ١٤٤٦هـ
الموافق ١٨ / ٩ / ٢٠٢٤م». Inside the block, Arabic pages use Eastern Arabic digits as the
seeds do; everywhere else the site keeps Western digits."""

from django import template
from django.utils.translation import get_language

from policies.hijri_text import eastern_digits
from policies.selectors import approving_members

register = template.Library()

# A draft printed for the board leaves the meeting number and dates to be filled in by
# hand, as the seeds' blank forms do: «رقم (   ) المنعقد بتاريخ   /   /    هـ».
NBSP = "\u00a0"
_BLANK = "\u2003\u2003"
_BLANK_DATE = "\u2003 / \u2003 / \u2003\u2003"


def _arabic() -> bool:
    return not (get_language() or "ar").startswith("en")


@register.inclusion_tag("policies/_approval_block.html")
def approval_block(version, members="table", signatures=False, board=None):
    """members: "table" (name and position), "details" (a folded list) or "none".
    signatures adds a signature column; board gives the members for a version not yet
    approved (the board serving today), whose meeting number and dates stay blank."""
    meeting = getattr(version, "approved_meeting", None)
    context = {
        "members_style": members,
        "signatures": signatures,
        "is_policy": version.document.is_policy,
        "meeting": meeting,
        "number": _BLANK,
        "hijri": _BLANK_DATE,
        "gregorian": _BLANK_DATE,
        "members": list(board or []),
    }
    if meeting is None:
        return context
    arabic = _arabic()
    day = meeting.date
    gregorian = f"{day.day} / {day.month} / {day.year}"
    hijri = meeting.hijri_as_written.numeric()
    if arabic:
        hijri, gregorian = eastern_digits(hijri), eastern_digits(gregorian)
    context.update(
        number=eastern_digits(meeting.number) if arabic else meeting.number,
        # No-break spaces keep «١٥ / ٣ / ١٤٤٦» on one line; the spaces themselves let
        # the date read day / month / year from the right in Arabic.
        hijri=hijri.replace(" ", NBSP),
        gregorian=gregorian.replace(" ", NBSP),
        members=getattr(version, "approvers", None) or approving_members(meeting),
    )
    return context
