"""What each role may do in the registry. Sensitive data (income, IBAN, health, case
notes, documents) needs ``view_sensitive_data``: relations officers and managers have
it; the auditor never gets it (config.roles leaves it out of the auditor's reads)."""

_RECORDS = ["beneficiary", "householdmember", "beneficiarydocument", "consent"]


def _perms(*actions: str, models=_RECORDS) -> list[str]:
    return [f"beneficiaries.{action}_{model}" for action in actions for model in models]


GRANTS = {
    "relations_officer": [
        *_perms("view", "add", "change"),
        "beneficiaries.view_sensitive_data",
        # PDPL: officers receive and handle data-subject requests and withdraw consents.
        *_perms("view", "add", "change", models=["datasubjectrequest"]),
    ],
    "social_researcher": _perms("view"),
    # Committee members read the people in their own committee's cases, in the case file
    # (/committee/); the registry itself is not theirs to browse (POL-7.4).
    "committee_member": [],
    "manager": [
        *_perms("view", "add", "change"),
        "beneficiaries.view_sensitive_data",
        "beneficiaries.view_accesslog",
        # PDPL: requests (deletion included), the record of processing, the breach register.
        *_perms("view", "add", "change", models=["datasubjectrequest", "breachrecord"]),
        "beneficiaries.anonymise_beneficiary",
        "beneficiaries.view_processing_record",
    ],
}
# The auditor reads the new records through config.roles (every view_ permission).
