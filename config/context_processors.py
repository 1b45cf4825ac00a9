"""Context every page needs: the association's identity from its editable profile."""

from policies.selectors import request_association_profile


def association(request):
    return {"association": request_association_profile(request)}
