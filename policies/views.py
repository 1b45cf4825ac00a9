"""Public pages of the policies in force (/policies/) and the print view a board
secretary prints and signs; staff may also print any version, drafts included."""

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from .models import PolicyVersion
from .selectors import board_serving_on, documents_in_force, public_version_in_force


@require_GET
def policy_list(request):
    return render(request, "policies/list.html", {"versions": documents_in_force()})


@require_GET
def policy_detail(request, slug):
    version = public_version_in_force(slug)
    if version is None:
        raise Http404
    return render(request, "policies/detail.html", {"version": version})


@require_GET
def policy_print(request, slug):
    version = public_version_in_force(slug)
    if version is None:
        raise Http404
    return render(request, "policies/print.html", _print_context(version))


@require_GET
def version_print(request, slug, number):
    """Any version, for staff: a draft prints with the current board's signature lines and
    the meeting number and dates left blank, to be filled in at the meeting."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path(), "admin:login")
    if not request.user.has_perm("policies.view_policyversion"):
        raise PermissionDenied
    version = get_object_or_404(
        PolicyVersion.objects.select_related("document", "approved_meeting"),
        document__slug=slug,
        number=number,
    )
    return render(request, "policies/print.html", _print_context(version, staff=True))


def _print_context(version: PolicyVersion, *, staff: bool = False) -> dict:
    today = timezone.localdate()
    board = [] if version.approved_meeting_id else board_serving_on(today)
    return {"version": version, "board": board, "today": today, "staff_copy": staff}
