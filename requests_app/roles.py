"""What each role may do with programs and requests."""

_READ = [
    "requests_app.view_program",
    "requests_app.view_supportrequest",
    "requests_app.view_statuschange",
    "requests_app.view_documentcheck",
    "requests_app.view_researchreport",
    "requests_app.view_referral",
    "requests_app.view_servicedelivery",
    "requests_app.view_programrun",
]
_DELIVER = [
    "requests_app.add_servicedelivery",
    "requests_app.add_programrun",
    "requests_app.change_programrun",
]

GRANTS = {
    "relations_officer": [
        *_READ,
        "requests_app.verify_supportrequest",
        "requests_app.deliver_supportrequest",
        "requests_app.add_supportrequest",
        "requests_app.change_referral",
        "requests_app.view_applicantupdate",
        "requests_app.change_applicantupdate",
        *_DELIVER,
    ],
    "social_researcher": [*_READ, "requests_app.research_supportrequest"],
    # The committee reads cases in its own queue (/committee/), not in the back-office.
    "committee_member": [
        "requests_app.view_program",
        "requests_app.decide_supportrequest",
        "requests_app.view_committee",
        "requests_app.view_committeemeeting",
        "requests_app.add_committeevote",
        "requests_app.view_committeevote",
        "requests_app.view_decision",
    ],
    "manager": [
        *_READ,
        "requests_app.add_program",
        "requests_app.change_program",
        "requests_app.verify_supportrequest",
        "requests_app.deliver_supportrequest",
        "requests_app.add_supportrequest",
        "requests_app.change_referral",
        "requests_app.view_applicantupdate",
        "requests_app.change_applicantupdate",
        "requests_app.view_committee",
        "requests_app.add_committee",
        "requests_app.change_committee",
        "requests_app.view_committeemeeting",
        "requests_app.add_committeemeeting",
        "requests_app.change_committeemeeting",
        "requests_app.view_committeevote",
        "requests_app.view_decision",
        *_DELIVER,
    ],
}
