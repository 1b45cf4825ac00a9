"""Pages that belong to the whole site: the home page, the health check, the logo."""

import mimetypes

from django.db import connection
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_GET

from policies.selectors import association_profile


@require_GET
def home(request):
    from requests_app.portal.services import open_programs

    return render(
        request, "home.html", {"today": timezone.localdate(), "programs": open_programs()}
    )


def csrf_failure(request, reason=""):
    """An expired or replayed form: a plain message in the person's language instead of
    Django's technical page. An application in progress is held server-side, so going
    back and sending the page again loses nothing already saved."""
    return render(request, "403_csrf.html", {"retry_url": request.path}, status=403)


@never_cache
@require_GET
def healthz(request):
    """200 when the app and its database answer, 503 when the database does not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # any database failure means "not healthy", never a 500 page
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


@cache_control(public=True, max_age=3600)
@require_GET
def association_logo(request):
    """The logo is public, but uploads live in private storage: serve it by name."""
    logo = association_profile().logo
    if not logo:
        raise Http404
    content_type = mimetypes.guess_type(logo.name)[0] or "application/octet-stream"
    if not content_type.startswith("image/"):
        raise Http404
    try:
        handle = logo.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = FileResponse(handle, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    return response
