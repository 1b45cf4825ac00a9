"""Documents are private (DESIGN.md): served only here, to staff allowed to see them."""

import unicodedata
from pathlib import PurePosixPath

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .models import AccessLog, BeneficiaryDocument
from .selectors import can_download_documents
from .services import access_log_record

_EXTENSIONS = {"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png"}


def download_name(document: BeneficiaryDocument) -> str:
    """The name the file is saved under: the uploaded name without control or
    direction-changing characters, with the extension of what the file really is."""
    name = "".join(
        char for char in document.original_name if unicodedata.category(char)[0] != "C"
    ).strip()
    stem = PurePosixPath(name).stem.strip(". ") or f"document-{document.pk}"
    return f"{stem[:100]}{_EXTENSIONS.get(document.content_type, '')}"


@never_cache
@require_GET
def document_download(request, pk: int):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not can_download_documents(request.user):
        raise PermissionDenied
    document = get_object_or_404(BeneficiaryDocument, pk=pk)
    content_type = document.content_type
    if content_type not in _EXTENSIONS:
        raise Http404
    try:
        handle = document.file.open("rb")
    except (FileNotFoundError, ValueError) as exc:
        raise Http404 from exc
    access_log_record(
        beneficiary=document.beneficiary_id,
        user=request.user,
        action=AccessLog.Action.DOWNLOAD,
        request=request,
        detail=f"{document.get_document_type_display()} #{document.pk}",
    )
    response = FileResponse(
        handle, as_attachment=True, filename=download_name(document), content_type=content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response
