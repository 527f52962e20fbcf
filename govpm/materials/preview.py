"""Preview (MAT-03): PDF and images are shown as they are; DOCX and XLSX are converted to PDF by
LibreOffice, the way the documents module converts its DOCX (govpm.officialdoc.pdf), and cached in the
default storage under previews/<SHA-256 of the material>.pdf: the same bytes are converted once, and a
cached preview never goes stale because a material never changes. OFD has no converter here: it is
offered for download with its hash (a reader such as 数科 OFD 阅读器 or 福昕 OFD 版式办公套件 opens it).

`convert_for_preview(material_id)` is a plain function so a background job (the worker) can call it
after an upload; the preview view calls it on first request when no job has yet."""

from __future__ import annotations

import tempfile
from pathlib import Path

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from govpm.officialdoc.pdf import to_pdf

from .models import Material

INLINE = {"pdf", "jpeg", "png"}
CONVERTED = {"docx", "xlsx"}


def preview_name(material: Material) -> str:
    return f"previews/{material.sha256}.pdf"


def cached_preview(material: Material) -> str | None:
    name = preview_name(material)
    return name if default_storage.exists(name) else None


def convert_for_preview(material_id: int) -> str:
    """The storage name of the material's preview PDF, converting it if not yet cached."""
    material = Material.objects.get(pk=material_id)
    if material.detected_type not in CONVERTED:
        raise ValueError(f"{material.detected_type} is previewed as is, not converted")
    cached = cached_preview(material)
    if cached:
        return cached
    with tempfile.TemporaryDirectory(prefix="govpm-preview-") as work:
        workdir = Path(work)
        source = workdir / f"material.{material.detected_type}"
        with material.file.open("rb") as stored, source.open("wb") as out:
            for chunk in stored.chunks():
                out.write(chunk)
        pdf = to_pdf(
            source, timed_out="预览生成超时，请稍后再试或下载原文件", failed="预览生成失败，请下载原文件"
        )
        name = preview_name(material)
        if not default_storage.exists(name):  # a concurrent conversion may have stored it meanwhile
            default_storage.save(name, ContentFile(pdf))
        return name
