"""Sealing an issued document: its DOCX is rendered once, in the issuing transaction, and kept with its
SHA-256. Downloads serve the kept bytes; `verify` proves they are still the bytes that were issued."""

from __future__ import annotations

import hashlib

from govpm.projects.models import IssuedDocument

from .compose import compose
from .models import DocumentFile
from .render import render


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def render_docx(document: IssuedDocument) -> bytes:
    return render(compose(document), issued_on=document.issued_on)


def keep(document: IssuedDocument, data: bytes) -> DocumentFile:
    """Store the DOCX of a document just issued. Called by lifecycle.records.issue_document inside the
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
