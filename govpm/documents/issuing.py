"""Sealing an issued document: its DOCX is rendered once, in the issuing transaction, and kept with its
SHA-256. Downloads serve the kept bytes; `verify` proves they are still the bytes that were issued."""

from __future__ import annotations

import hashlib
from pathlib import Path

from django.conf import settings

from govpm.officialdoc import pdf
from govpm.officialdoc.render import render
from govpm.projects.models import IssuedDocument

from .compose import compose
from .models import DocumentFile
from .numbering import next_number


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def render_docx(document: IssuedDocument) -> bytes:
    return render(compose(document), issued_on=document.issued_on)


def seal(document: IssuedDocument) -> None:
    """Number, render, hash, save and keep a document the lifecycle has just drawn up (unsaved, no number
    yet). The lifecycle calls this through `projects.lifecycle.records.issue_document`, inside the
    action's transaction; it is registered there by DocumentsConfig.ready, because projects sits below
    documents and may not import it."""
    document.number = next_number(document.issuer, document.issued_on.year)
    data = render_docx(document)
    document.sha256 = sha256(data)
    document.save()
    keep(document, data)


def keep(document: IssuedDocument, data: bytes) -> DocumentFile:
    """Store the DOCX of a document just issued. Called by `seal` inside the
    action's transaction, so a refusal later in the action rolls the file back with the document."""
    assert document.sha256 == sha256(data), "the stored hash must be the hash of the stored bytes"
    return DocumentFile.objects.create(document=document, docx=data, sha256=document.sha256, size=len(data))


def docx_bytes(document: IssuedDocument) -> bytes:
    return bytes(DocumentFile.objects.values_list("docx", flat=True).get(document=document))


def verify(document: IssuedDocument) -> bool:
    """True when the kept DOCX still hashes to the SHA-256 recorded at issue, on the document and on
    its file alike."""
    row = DocumentFile.objects.filter(document=document).values("docx", "sha256").first()
    if row is None or not document.sha256:
        return False
    return sha256(bytes(row["docx"])) == document.sha256 == row["sha256"]


def pdf_path(document: IssuedDocument) -> Path:
    return Path(settings.MEDIA_ROOT) / "documents" / "pdf" / f"{document.sha256}.pdf"


def ensure_pdf(document: IssuedDocument) -> Path:
    """The cached PDF of a document, converting it first if needed. Safe to call from the worker and
    from several requests at once: each writes a private file and renames it into place."""
    path = pdf_path(document)
    if path.exists():
        return path
    return pdf.store(path, pdf.convert(docx_bytes(document)))


def warm_pdf_cache(limit: int = 20) -> int:
    """A worker job: convert documents whose PDF is not cached yet, a few at a time. Returns how many."""
    done = 0
    for document in IssuedDocument.objects.exclude(sha256="").order_by("-id").only("id", "sha256")[:500]:
        if done >= limit:
            break
        if not pdf_path(document).exists():
            ensure_pdf(document)
            done += 1
    return done
