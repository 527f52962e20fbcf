"""Small, realistic files for the demo and the scenarios: a one-page PDF and a DOCX per material, made
here rather than shipped, so each names its project. Uploaded through the real service."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile

from govpm.accounts.models import User

from . import catalog, services


def pdf_bytes(title: str) -> bytes:
    """A valid one-page PDF with one line of (ASCII) text; the xref offsets are computed, not guessed."""
    text = title.encode("ascii", "replace").decode("ascii").replace("(", "[").replace(")", "]")
    stream = f"BT /F1 14 Tf 72 760 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


def docx_bytes(title: str, lines: list[str]) -> bytes:
    from docx import Document

    document = Document()
    document.add_heading(title, level=1)
    for line in lines:
        document.add_paragraph(line)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def file_for(kind: catalog.MaterialKind, project_name: str) -> SimpleUploadedFile:
    # Texts officials write as DOCX go as DOCX; scans and signed documents as PDF.
    if "docx" in kind.formats and kind.code in {"needs_application", "scheme_text", "post_evaluation_report"}:
        data = docx_bytes(f"{project_name}{kind.name}", [f"项目名称：{project_name}", f"材料：{kind.name}"])
        return SimpleUploadedFile(f"{kind.name}.docx", data, content_type="application/octet-stream")
    data = pdf_bytes(f"Quzhou digital project - {kind.code}")
    return SimpleUploadedFile(f"{kind.name}.pdf", data, content_type="application/octet-stream")


def attach_for(project_id: int, action: str, actor: User) -> None:
    """Upload every material of the action that the project does not have yet (scenarios' preparer)."""
    from govpm.projects.models import Project

    project = Project.objects.get(pk=project_id)
    have = set(project.materials.values_list("kind", flat=True))
    for kind in catalog.kinds_of(action, project):
        if kind.code not in have:
            services.upload_material(
                project_id, actor=actor, kind=kind.code, file=file_for(kind, project.name)
            )
