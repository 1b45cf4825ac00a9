"""A delivery's proof is private: served only here, to staff who may see requests."""

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from beneficiaries.models import SENSITIVE_PERMISSION

from .models import ServiceDelivery

_EXTENSIONS = {"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png"}


@never_cache
@require_GET
def delivery_proof(request, pk: int):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    # A receipt or transfer slip is a private file like the registry's documents: it
    # needs the sensitive-data permission too (the auditor reads lists, not files).
    if not (
        request.user.has_perm("requests_app.view_servicedelivery")
        and request.user.has_perm(SENSITIVE_PERMISSION)
    ):
        raise PermissionDenied
    delivery = get_object_or_404(ServiceDelivery, pk=pk)
    if not delivery.proof or delivery.proof_content_type not in _EXTENSIONS:
        raise Http404
    try:
        handle = delivery.proof.open("rb")
    except (FileNotFoundError, ValueError) as exc:
        raise Http404 from exc
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=f"delivery-{delivery.pk}{_EXTENSIONS[delivery.proof_content_type]}",
        content_type=delivery.proof_content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response
