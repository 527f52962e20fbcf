"""PDF of a DOCX laid out by render.py, converted by LibreOffice headless.

Conversion takes seconds, so it happens on demand (a download, or the worker warming the cache) and
the result is cached under MEDIA_ROOT by the DOCX's SHA-256: the same bytes never change, so a cached
PDF never goes stale. Each run gets its own LibreOffice profile (two conversions sharing one fail)
and the fontconfig file that maps the official font names to installed fonts. `cached_pdf` serves any
DOCX (e.g. a yearly assessment report); issued documents keep theirs by the SHA-256 recorded at issue
(govpm.documents.issuing.ensure_pdf). Changed content is a new file, unchanged content is never
converted twice."""

from __future__ import annotations

import hashlib
import io
import os
import shutil
import subprocess
import tempfile
import uuid
import zipfile
from pathlib import Path

from django.conf import settings
from lxml import etree

from govpm.core.errors import GovpmError

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
FONTCONFIG_FILE = Path(settings.BASE_DIR) / "deploy" / "fontconfig" / "govpm-fonts.conf"
TIMEOUT_SECONDS = 180


class ConversionFailed(GovpmError):
    status = 503
    code = "conversion_failed"


def soffice() -> str:
    found = os.environ.get("GOVPM_SOFFICE") or shutil.which("soffice") or shutil.which("libreoffice")
    if not found:
        raise ConversionFailed("服务器未安装 LibreOffice，暂不能生成 PDF；请下载 DOCX 版本")
    return found


def fontconfig_file() -> Path:
    return Path(os.environ.get("GOVPM_FONTCONFIG_FILE", FONTCONFIG_FILE))


def _q(tag: str) -> str:
    return f"{{{W}}}{tag}"


def for_libreoffice(docx: bytes) -> bytes:
    """The same document, with the character grid expressed the way LibreOffice lays it out.

    Word fits 28 三号 characters in 156 mm by squeezing each into the grid's 15.8 pt pitch (w:charSpace
    below zero). LibreOffice instead spreads a glyph wider than its cell over two cells, giving 14 a
    line. So the copy converted here keeps the 22-line grid, drops the character grid and condenses
    the body font by the same 0.2 pt (w:spacing, in twentieths of a point): 28 characters a line again.
    The issued DOCX itself is not touched."""
    source = zipfile.ZipFile(io.BytesIO(docx))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "word/document.xml":
                root = etree.fromstring(data)
                for grid in root.iter(_q("docGrid")):
                    grid.set(_q("type"), "lines")
                    grid.attrib.pop(_q("charSpace"), None)
                data = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
            elif info.filename == "word/styles.xml":
                root = etree.fromstring(data)
                for style in root.iter(_q("style")):
                    if style.get(_q("styleId")) == "Normal":
                        size = style.find(f"{_q('rPr')}/{_q('sz')}")
                        spacing = etree.Element(_q("spacing"))
                        spacing.set(_q("val"), "-5")
                        size.addprevious(spacing)  # w:spacing precedes w:w, w:kern, w:position, w:sz
                data = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
            target.writestr(info, data)
    return out.getvalue()


def convert(docx: bytes) -> bytes:
    """DOCX bytes → PDF bytes, in a private working directory and LibreOffice profile."""
    with tempfile.TemporaryDirectory(prefix="govpm-pdf-") as work:
        source = Path(work) / "document.docx"
        source.write_bytes(for_libreoffice(docx))
        return to_pdf(
            source,
            timed_out="PDF 生成超时，请稍后再试或下载 DOCX 版本",
            failed="PDF 生成失败，请下载 DOCX 版本（{detail}）",
        )


def to_pdf(source: Path, *, timed_out: str, failed: str) -> bytes:
    """Any file LibreOffice reads (DOCX, XLSX) → PDF bytes. `source` lies in a private working directory,
    which also holds this conversion's own LibreOffice profile: two conversions never share one.
    `failed` may name `{detail}`, the end of LibreOffice's own message."""
    workdir = source.parent
    profile = workdir / f"lo-{uuid.uuid4().hex}"
    env = {**os.environ, "FONTCONFIG_FILE": str(fontconfig_file()), "HOME": str(workdir)}
    command = [
        soffice(),
        f"-env:UserInstallation={profile.as_uri()}",
        "--headless",
        "--norestore",
        "--convert-to",
        "pdf",
        "--outdir",
        str(workdir),
        str(source),
    ]
    try:
        result = subprocess.run(command, env=env, capture_output=True, timeout=TIMEOUT_SECONDS, check=False)
    except subprocess.TimeoutExpired:
        raise ConversionFailed(timed_out) from None
    target = source.with_suffix(".pdf")
    if result.returncode != 0 or not target.exists():
        detail = (result.stderr or result.stdout).decode("utf-8", "replace").strip()[-300:]
        raise ConversionFailed(failed.format(detail=detail or result.returncode))
    return target.read_bytes()


def store(path: Path, data: bytes) -> Path:
    """Write a private file and rename it into place: concurrent writers never leave half a PDF."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(f".{uuid.uuid4().hex}.part")
    partial.write_bytes(data)
    os.replace(partial, path)
    return path


def cached_pdf(docx: bytes, *, folder: str) -> Path:
    """The PDF of any DOCX, cached under MEDIA_ROOT/<folder>/<SHA-256 of the DOCX>.pdf: converted
    once per content, in its own LibreOffice profile like every conversion."""
    path = Path(settings.MEDIA_ROOT) / folder / f"{hashlib.sha256(docx).hexdigest()}.pdf"
    if path.exists():
        return path
    return store(path, convert(docx))
