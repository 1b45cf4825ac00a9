"""What each role may do with the association's profile and policies.

Managers keep the policies: documents, versions, board meetings and members, and they
record the board's approvals. Relations officers, social researchers and committee
members read the policies and confirm they have read the version in force (the
managers' "who has not read" page lists everyone who may confirm). The auditor reads
everything (config.roles gives it every view_ permission)."""

_READ_AND_ACKNOWLEDGE = [
    "policies.view_associationprofile",
    "policies.view_policydocument",
    "policies.view_policyversion",
    "policies.view_boardmeeting",
    "policies.view_boardmember",
    "policies.add_policyacknowledgement",
]

GRANTS = {
    "relations_officer": _READ_AND_ACKNOWLEDGE,
    "social_researcher": _READ_AND_ACKNOWLEDGE,
    "committee_member": _READ_AND_ACKNOWLEDGE,
    "manager": [
        *_READ_AND_ACKNOWLEDGE,
        "policies.change_associationprofile",
        "policies.add_policydocument",
        "policies.change_policydocument",
        "policies.add_policyversion",
        "policies.change_policyversion",
        "policies.delete_policyversion",
        "policies.approve_policyversion",
        "policies.add_boardmeeting",
        "policies.change_boardmeeting",
        "policies.delete_boardmeeting",
        "policies.add_boardmember",
        "policies.change_boardmember",
        "policies.delete_boardmember",
        "policies.view_boardattendance",
        "policies.add_boardattendance",
        "policies.change_boardattendance",
        "policies.delete_boardattendance",
        "policies.view_policyacknowledgement",
    ],
}
