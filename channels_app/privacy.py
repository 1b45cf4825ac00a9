"""channels_app's part of a beneficiary's data export and anonymisation (PDPL, issue #12):
the contact log. Registered in the app's ready()."""

from django.utils.translation import gettext_lazy as _

from beneficiaries.privacy import (
    _scrub_history,
    field_labels,
    model_rows,
    register_anonymiser,
    register_subject_data_section,
)

INTERACTION_FIELDS = [
    "occurred_at",
    "channel",
    "direction",
    "category",
    "summary",
    "support_request",
]


def _interactions(beneficiary):
    from .models import Interaction

    return model_rows(
        Interaction.objects.filter(beneficiary=beneficiary)
        .select_related("channel", "support_request")
        .order_by("occurred_at", "pk"),
        INTERACTION_FIELDS,
    )


def anonymise(beneficiary) -> None:
    """What was said goes; that a contact happened, on which channel and when, stays."""
    from .models import Interaction

    scrub = {"summary": "", "contact_name": "", "contact_detail": ""}
    Interaction.objects.filter(beneficiary=beneficiary).update(**scrub)
    _scrub_history(Interaction, {"beneficiary_id": beneficiary.pk}, scrub)


def register() -> None:
    from .models import Interaction

    register_subject_data_section(
        "interactions",
        _interactions,
        label=_("Contacts with the association"),
        labels=field_labels(Interaction, INTERACTION_FIELDS),
    )
    register_anonymiser("channels_app.interactions", anonymise)
