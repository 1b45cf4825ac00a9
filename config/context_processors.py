"""Context every page needs: the association's identity from its editable profile."""

from policies.selectors import association_profile


def association(request):
    return {"association": association_profile()}
