"""What a file is, decided from its content (MAT-02), never from its name.

`filetype` (a maintained pure-Python library reading magic numbers) recognises PDF, JPEG and PNG and
tells a ZIP container apart. Inside a ZIP the directory decides, read without extracting and bounded
like the spreadsheet reader (govpm.core.spreadsheets): OFD (GB/T 33190) has `OFD.xml` at its root;
DOCX and XLSX have `[Content_Types].xml` with `word/` or `xl/` parts. Anything else is refused, and so
is a file whose name says one type while its content is another."""

from __future__ import annotations

import zipfile
from typing import IO

import filetype  # type: ignore[import-untyped]

HEAD_BYTES = 8192
MAX_ZIP_ENTRIES = 10_000

EXTENSIONS = {
    "pdf": {".pdf"},
    "ofd": {".ofd"},
    "docx": {".docx"},
    "xlsx": {".xlsx"},
    "jpeg": {".jpg", ".jpeg"},
    "png": {".png"},
}
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "ofd": "application/ofd",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "jpeg": "image/jpeg",
    "png": "image/png",
}


def _zip_kind(stream: IO[bytes]) -> str | None:
    try:
        with zipfile.ZipFile(stream) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    if len(infos) > MAX_ZIP_ENTRIES:
        return None
    names = {info.filename for info in infos}
    if "OFD.xml" in names:
        return "ofd"
    if "[Content_Types].xml" in names:
        if any(name.startswith("word/") for name in names):
            return "docx"
        if any(name.startswith("xl/") for name in names):
            return "xlsx"
    return None


def detect(stream: IO[bytes]) -> str | None:
    """The detected type (a key of EXTENSIONS), or None for anything the platform does not take.
    Reads the head and, for a ZIP, its central directory; leaves the stream at its start."""
    stream.seek(0)
    head = stream.read(HEAD_BYTES)
    stream.seek(0)
    kind = filetype.guess(head)
    found: str | None = None
    if kind is not None:
        if kind.extension == "pdf":
            found = "pdf"
        elif kind.extension == "jpg":
            found = "jpeg"
        elif kind.extension == "png":
            found = "png"
        elif kind.extension in {"zip", "docx", "xlsx"}:
            found = _zip_kind(stream)
    elif head.startswith(b"PK\x03\x04"):
        found = _zip_kind(stream)
    stream.seek(0)
    return found


OLE2 = bytes.fromhex("D0CF11E0A1B11AE1")  # the Compound File Binary container of .doc/.xls/.wps/.et
WPS_EXTENSIONS = (".wps", ".et", ".dps")


def unaccepted_reason(stream: IO[bytes], name: str) -> str | None:
    """Why a file the platform does not take is refused, when that can be said more precisely than
    "unrecognised": WPS Office's own formats (.wps/.et/.dps) and the old binary Office formats share
    one container (OLE2/CFB) whose streams no maintained library tells apart reliably; they are refused
    with the way out (WPS and Office both save as PDF, DOCX and XLSX)."""
    stream.seek(0)
    head = stream.read(len(OLE2))
    stream.seek(0)
    if head != OLE2:
        return None
    if name.lower().endswith(WPS_EXTENSIONS):
        return "WPS 文字/表格格式（.wps/.et）不接受，请在 WPS 中另存为 PDF、DOCX 或 XLSX 后上传"
    return "旧版 Office 二进制格式（.doc/.xls 等）不接受，请另存为 PDF、DOCX 或 XLSX 后上传"


def extension_agrees(name: str, detected: str) -> bool:
    lowered = name.lower()
    return any(lowered.endswith(ext) for ext in EXTENSIONS[detected])
