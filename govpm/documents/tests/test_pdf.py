"""PDF from the issued DOCX with LibreOffice headless. One conversion for the whole suite: it is slow."""

import io
import re
import subprocess

import pytest
from docx import Document
from docx.oxml.ns import qn

from govpm.documents.issuing import docx_bytes, ensure_pdf, pdf_path
from govpm.officialdoc import pdf
from govpm.projects.models import IssuedDocument

pytestmark = pytest.mark.django_db


def squeeze(text: str) -> str:
    """pdftotext spaces characters laid on the character grid apart; compare without whitespace."""
    return re.sub(r"\s+", "", text)


def test_pdf_of_the_acceptance_report_shows_title_and_number_in_the_mapped_fonts_IMPL_06(
    evaluated, media_root, client, cast
):
    """IMPL-06: the 验收报告 as PDF; pdftotext finds its title and 发文字号; the fonts embedded are the
    Debian fonts the fontconfig file maps the official names to; a second request uses the cache."""
    document = evaluated.documents.get(kind=IssuedDocument.Kind.ACCEPTANCE_REPORT)
    client.force_login(cast.smart_office)

    response = client.get(f"/documents/{document.pk}/pdf/")

    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    path = pdf_path(document)
    assert path.exists() and path.read_bytes() == response.content
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True
    ).stdout.decode()
    assert squeeze(document.title) in squeeze(text)
    assert squeeze(document.number) in squeeze(text)
    assert "2026年" in squeeze(text)
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, check=True).stdout.decode()
    assert "NotoSerifCJK" in fonts  # 仿宋_GB2312, 方正小标宋简体 → Noto Serif CJK SC
    assert "NotoSansCJK" in fonts  # 黑体 (headings 一、) → Noto Sans CJK SC
    assert "GBZenKai" in fonts  # 楷体_GB2312 (headings （一）) → AR PL KaitiM GB
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, check=True).stdout.decode()
    assert "A4" in info

    # the cached file is served again without converting
    modified = path.stat().st_mtime_ns
    assert ensure_pdf(document) == path and path.stat().st_mtime_ns == modified
    assert client.get(f"/documents/{document.pk}/pdf/").content == response.content


def test_the_copy_for_libreoffice_keeps_the_22_line_grid_and_condenses_to_28_characters(evaluated):
    document = evaluated.documents.first()
    copy = Document(io.BytesIO(pdf.for_libreoffice(docx_bytes(document))))
    grid = copy.sections[0]._sectPr.find(qn("w:docGrid"))
    assert grid.get(qn("w:type")) == "lines" and grid.get(qn("w:linePitch")) == "579"
    spacing = copy.styles["Normal"].element.rPr.find(qn("w:spacing"))
    assert spacing.get(qn("w:val")) == "-5"  # 15.75 pt a character: 28 fit in 156 mm
    assert [p.text for p in copy.paragraphs] == [
        p.text for p in Document(io.BytesIO(docx_bytes(document))).paragraphs
    ]
