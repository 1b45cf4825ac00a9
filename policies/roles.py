"""What each role may do with the association's profile and policies."""

GRANTS = {
    "relations_officer": ["policies.view_associationprofile"],
    "social_researcher": ["policies.view_associationprofile"],
    "committee_member": ["policies.view_associationprofile"],
    "manager": ["policies.view_associationprofile", "policies.change_associationprofile"],
}
