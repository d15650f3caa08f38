"""Issued documents on the web: the public verification page the QR code leads to, and the
applicant's download. Thin: parse, call a selector, render."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.files.uploadedfile import UploadedFile
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from ventanilla.casework import selectors
from ventanilla.casework.documents import holder_name_masked
from ventanilla.core.errors import NotFoundError
from ventanilla.core.i18n import localized
from ventanilla.identity.models import User
from ventanilla.ledger.selectors import EntryEvidence, entry_evidence

MAX_CHECK_BYTES = 5 * 1024 * 1024


def _uploaded_pdf(upload: UploadedFile | None) -> tuple[bytes, str]:
    """The uploaded file's bytes, or the message saying what is wrong with it."""
    if upload is None or not upload.size:
        return b"", _("Select the PDF file of the document.")
    if upload.size > MAX_CHECK_BYTES:
        return b"", _("The selected file must be smaller than 5 MB.")
    content = upload.read()
    if not content.startswith(b"%PDF-"):
        return b"", _("The selected file must be a PDF.")
    return content, ""


@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest, number: str) -> HttpResponse:
    """Whether a document number is genuine, and whether a file is that document unchanged.
    Public: anyone holding the document may check it, so the holder's name is masked."""
    try:
        document = selectors.document_get_public(number=number)
    except NotFoundError as exc:
        return render(
            request,
            "documents/unknown.html",
            {"number": number, "message": exc.message},
            status=404,
        )
    error, unchanged = "", None
    status = 200
    if request.method == "POST" and document.revoked_at is None:
        content, error = _uploaded_pdf(request.FILES.get("pdf"))
        if error:
            status = 400
        else:
            unchanged = selectors.document_verify(number=document.number, pdf_bytes=content)
    evidence = (
        entry_evidence(leaf_index=document.ledger_index)
        if document.ledger_index is not None
        else None
    )
    return render(
        request,
        "documents/verify.html",
        {
            "document": document,
            "evidence": evidence,
            "ledger_state": _ledger_state(document.sha256, evidence),
            "title": localized(document.title),
            "agency": document.case.agency.local_name,
            "holder": holder_name_masked(document.holder_name),
            "error": error,
            "unchanged": unchanged,
            "max_megabytes": MAX_CHECK_BYTES // (1024 * 1024),
        },
        status=status,
    )


def _ledger_state(sha256: str, evidence: EntryEvidence | None) -> str:
    """What the public ledger says of the document: "proven" (its fingerprint is in the
    signed tree), "pending" (recorded, signed within seconds), "mismatch" (the ledger holds
    another fingerprint or its entry fails its proof: someone changed the record), or
    "none" (issued before the ledger existed)."""
    if evidence is None:
        return "none"
    if evidence.record.get("body", {}).get("document_sha256") != sha256:
        return "mismatch"
    if evidence.checkpoint is None:
        return "pending"
    return "proven" if evidence.proven else "mismatch"


@login_required
@require_GET
def download(request: HttpRequest, number: str) -> HttpResponse:
    """The applicant's own document, as the PDF that was issued (byte for byte)."""
    user = request.user
    assert isinstance(user, User)  # noqa: S101 - login_required ran first
    try:
        found = selectors.document_get_public(number=number)
        document = selectors.document_for_applicant(applicant=user, case=found.case)
    except NotFoundError as exc:
        raise Http404(exc.message) from None
    response = HttpResponse(bytes(document.pdf), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{document.number}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response
