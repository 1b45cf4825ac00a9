"""The page a locked-out staff member sees (django-axes calls this instead of its own)."""

from django.conf import settings
from django.shortcuts import render


def lockout_response(request, original_response=None, credentials=None):
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(
        request,
        "registration/locked_out.html",
        {"failure_limit": settings.AXES_FAILURE_LIMIT, "minutes": minutes},
        status=429,
    )


def lockout_username(request, credentials=None) -> str:
    """The username django-axes counts failures for, cut to the length a username can
    have: a 10,000-character "username" is a failed login, not a database error."""
    username = (credentials or {}).get("username")
    if username is None and request is not None:
        username = request.POST.get("username", "")
    return str(username or "").replace("\x00", "")[:150]
