"""The support-request workflow as data (DESIGN.md, POL-7).

One mapping says where each status may go; ``support_request_transition`` is the only
code that reads it and the only code that assigns ``SupportRequest.status``."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    VERIFICATION = "verification", _("Data verification")
    NEEDS_INFO = "needs_info", _("Waiting for the applicant")
    REFERRED_RESEARCH = "referred_research", _("With the social researcher")
    REFERRED_EXTERNAL = "referred_external", _("Referred to another association")
    COMMITTEE_REVIEW = "committee_review", _("Research committee review")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    IN_DELIVERY = "in_delivery", _("Service being delivered")
    DELIVERED = "delivered", _("Service delivered")
    CLOSED = "closed", _("Closed")
    WITHDRAWN = "withdrawn", _("Withdrawn")


S = Status

ALLOWED_MOVES: dict[str, frozenset[str]] = {
    S.SUBMITTED: frozenset(
        {S.VERIFICATION, S.NEEDS_INFO, S.REFERRED_RESEARCH, S.REFERRED_EXTERNAL, S.WITHDRAWN}
    ),
    S.VERIFICATION: frozenset(
        {S.COMMITTEE_REVIEW, S.NEEDS_INFO, S.REFERRED_RESEARCH, S.REFERRED_EXTERNAL, S.WITHDRAWN}
    ),
    S.NEEDS_INFO: frozenset({S.VERIFICATION, S.WITHDRAWN}),
    S.REFERRED_RESEARCH: frozenset({S.VERIFICATION, S.REFERRED_EXTERNAL, S.WITHDRAWN}),
    S.COMMITTEE_REVIEW: frozenset({S.APPROVED, S.REJECTED, S.NEEDS_INFO, S.WITHDRAWN}),
    S.APPROVED: frozenset({S.IN_DELIVERY}),
    S.IN_DELIVERY: frozenset({S.DELIVERED}),
    S.DELIVERED: frozenset({S.CLOSED}),
    S.REJECTED: frozenset({S.CLOSED}),
    S.REFERRED_EXTERNAL: frozenset({S.CLOSED}),
    S.CLOSED: frozenset(),
    S.WITHDRAWN: frozenset(),
}

# Statuses in which the request is still the association's work in progress: one open
# request per beneficiary per program (a partial unique constraint uses this list).
OPEN_STATUSES = [
    S.SUBMITTED,
    S.VERIFICATION,
    S.NEEDS_INFO,
    S.REFERRED_RESEARCH,
    S.COMMITTEE_REVIEW,
    S.APPROVED,
    S.IN_DELIVERY,
]
# Before a decision the two-week clock runs (POL-7.7); it pauses in NEEDS_INFO.
AWAITING_DECISION = [
    S.SUBMITTED,
    S.VERIFICATION,
    S.NEEDS_INFO,
    S.REFERRED_RESEARCH,
    S.COMMITTEE_REVIEW,
]
FINAL_STATUSES = [S.CLOSED, S.WITHDRAWN]

# Moves only a committee decision makes (issue 7 records the Decision).
DECISION_MOVES = frozenset({S.APPROVED, S.REJECTED})

# Permission a staff member needs to move a request INTO a status. The applicant (no
# actor) may only answer a request for information or withdraw.
MOVE_PERMISSIONS: dict[str, str] = {
    S.VERIFICATION: "requests_app.verify_supportrequest",
    S.NEEDS_INFO: "requests_app.verify_supportrequest",
    S.REFERRED_RESEARCH: "requests_app.verify_supportrequest",
    S.REFERRED_EXTERNAL: "requests_app.verify_supportrequest",
    S.COMMITTEE_REVIEW: "requests_app.verify_supportrequest",
    S.WITHDRAWN: "requests_app.verify_supportrequest",
    S.IN_DELIVERY: "requests_app.deliver_supportrequest",
    S.DELIVERED: "requests_app.deliver_supportrequest",
    S.CLOSED: "requests_app.verify_supportrequest",
    S.APPROVED: "requests_app.decide_supportrequest",
    S.REJECTED: "requests_app.decide_supportrequest",
}
APPLICANT_MOVES = frozenset({(S.NEEDS_INFO, S.VERIFICATION)}) | frozenset(
    (source, S.WITHDRAWN) for source, targets in ALLOWED_MOVES.items() if S.WITHDRAWN in targets
)
# A researcher returns a referred request to verification once the report is filed.
RESEARCHER_MOVES = frozenset({(S.REFERRED_RESEARCH, S.VERIFICATION)})

# Moves that must say why, because the applicant reads the note.
NOTE_REQUIRED = frozenset({S.NEEDS_INFO, S.REFERRED_EXTERNAL, S.WITHDRAWN})


def allowed_targets(status: str) -> frozenset[str]:
    return ALLOWED_MOVES.get(status, frozenset())
