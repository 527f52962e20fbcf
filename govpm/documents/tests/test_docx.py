"""Official documents (公文) as DOCX, checked by opening them with python-docx against GB/T 9704-2012."""

import hashlib
import io
import re

import pytest
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn

from govpm.core.clock import date_zh
from govpm.documents.issuing import docx_bytes, render_docx, verify
from govpm.documents.models import DocumentFile
from govpm.officialdoc import layout
from govpm.officialdoc.titles import title_lines
from govpm.projects import lifecycle
from govpm.projects.models import IssuedDocument
from govpm.projects.scenarios import advance
from tests.factories import UserFactory, api_for, draft

pytestmark = pytest.mark.django_db

OFFICIAL_FONTS = {layout.FANGSONG, layout.KAITI, layout.HEITI, layout.XIAOBIAOSONG, layout.SONGTI}
NUMBER = re.compile(r"^\S+〔\d{4}〕[1-9]\d*号$")  # 〔〕 brackets, no leading zeros
DATE = re.compile(r"^\d{4}年[1-9]\d?月[1-9]\d?日$")
HEADING_FONTS = [
    (re.compile(r"^[一二三四五六七八九十]+、"), layout.HEITI),
    (re.compile(r"^（[一二三四五六七八九十]+）"), layout.KAITI),
    (re.compile(r"^\d+\."), layout.FANGSONG),
    (re.compile(r"^（\d+）"), layout.FANGSONG),
]
MM = 36000  # EMU per millimetre


def open_docx(document: IssuedDocument):
    return Document(io.BytesIO(docx_bytes(document)))


def east_asian(run) -> str | None:
    fonts = run._r.rPr.find(qn("w:rFonts")) if run._r.rPr is not None else None
    return None if fonts is None else fonts.get(qn("w:eastAsia"))


def paragraph_with(doc, text: str):
    return next(p for p in doc.paragraphs if p.text == text)


def _notices(cast) -> list[IssuedDocument]:
    """DOC-01: a need the pre-screen rejects (不予受理告知书) and one bdb returns (退回修改通知)."""
    rejected = draft(cast.owner, name="新建机房项目", facts={"new_server_room": True})
    lifecycle.submit(rejected.pk, actor=cast.owner)
    returned = draft(cast.owner, name="待修改项目")
    lifecycle.submit(returned.pk, actor=cast.owner)
    answer = {"hit": False, "reason": "不存在该情形"}
    lifecycle.review_needs(
        returned.pk,
        actor=cast.bdb,
        decision="return",
        answers=dict.fromkeys(["REJ-02", "REJ-07", "REJ-08", "REJ-10"], answer),
        comment="请补充数据共享方案",
    )
    return list(IssuedDocument.objects.filter(project__in=[rejected, returned]).order_by("id"))


def test_every_document_kind_follows_gb_t_9704_COORD_03_COORD_04_IMPL_06_SUPV_04(evaluated, cast):
    """COORD-03 决策咨询意见, COORD-04 初步设计批复 and 价格评审意见书, IMPL-06 验收报告, SUPV-04 后评估报告,
    DOC-01 不予受理告知书 and 退回修改通知:
    A4, margins 37/35/28/26 mm, 22 lines × 28 characters, 仿宋 三号 body with the East-Asian font on every
    run, 小标宋 二号 centred title, headings 黑体/楷体/仿宋, 发文字号 with 〔〕, 成文日期, `— N —` footer."""
    documents = list(evaluated.documents.order_by("id")) + _notices(cast)
    assert {d.kind for d in documents} == set(IssuedDocument.Kind.values)
    for document in documents:
        doc = open_docx(document)
        section = doc.sections[0]
        # page and margins
        assert (round(section.page_width / MM), round(section.page_height / MM)) == (210, 297)
        assert [
            round(m / MM)
            for m in (section.top_margin, section.bottom_margin, section.left_margin, section.right_margin)
        ] == [37, 35, 28, 26]
        # 22 lines × 28 characters on the document grid
        grid = section._sectPr.find(qn("w:docGrid"))
        assert grid.get(qn("w:type")) == "linesAndChars"
        text_width = (section.page_width - section.left_margin - section.right_margin) / 635
        text_height = (section.page_height - section.top_margin - section.bottom_margin) / 635
        line_pitch = int(grid.get(qn("w:linePitch")))
        assert int(text_height // line_pitch) == 22
        char_pitch = (16 + int(grid.get(qn("w:charSpace"))) / 4096) * 20  # twips
        assert int(text_width // char_pitch) == 28
        # body: 仿宋_GB2312 三号, Latin and East-Asian alike
        normal = doc.styles["Normal"]
        assert normal.font.size.pt == 16
        assert normal.element.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia")) == layout.FANGSONG
        runs = [run for p in doc.paragraphs for run in p.runs if run.text.strip()]
        assert runs and all(east_asian(run) in OFFICIAL_FONTS for run in runs)
        assert all(run.font.name == east_asian(run) for run in runs)
        # title: 方正小标宋简体 二号, centred
        # broken between words (issue 15 item 8), so the paragraph holds the title with its line breaks
        title = paragraph_with(doc, "\n".join(title_lines(document.title)))
        assert title.alignment == WD_ALIGN_PARAGRAPH.CENTER
        assert {(east_asian(r), r.font.size.pt) for r in title.runs} == {(layout.XIAOBIAOSONG, 22)}
        # 发文字号 and 成文日期
        number = paragraph_with(doc, document.number)
        assert NUMBER.match(number.text) and number.alignment == WD_ALIGN_PARAGRAPH.CENTER
        date = paragraph_with(doc, date_zh(document.issued_on))
        assert DATE.match(date.text) and date.alignment == WD_ALIGN_PARAGRAPH.RIGHT
        assert {east_asian(r) for r in date.runs} == {layout.FANGSONG}
        # body paragraphs and headings at 16 pt in the font of their level
        headings = 0
        texts = [p.text for p in doc.paragraphs]
        for paragraph in doc.paragraphs[texts.index(title.text) + 1 : texts.index(date.text)]:
            for pattern, font in HEADING_FONTS:
                if pattern.match(paragraph.text):
                    headings += 1
                    assert {(east_asian(r), r.font.size.pt) for r in paragraph.runs} == {(font, 16)}, (
                        paragraph.text
                    )
                    break
            else:
                assert all(r.font.size.pt == 16 for r in paragraph.runs), paragraph.text
        assert headings >= 2
        # page numbers `— N —`, odd pages right, even pages left
        assert doc.settings.odd_and_even_pages_header_footer
        for footer, align in (
            (section.footer, WD_ALIGN_PARAGRAPH.RIGHT),
            (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT),
        ):
            paragraph = footer.paragraphs[0]
            instructions = [node.text for node in paragraph._p.iter(qn("w:instrText"))]
            assert [text.strip() for text in instructions] == ["PAGE"]
            assert paragraph.text.startswith("— ") and paragraph.text.endswith(" —")
            assert paragraph.alignment == align
            assert {east_asian(r) for r in paragraph.runs if r.text} == {layout.SONGTI}


def test_the_consultation_opinion_uses_all_four_heading_levels_COORD_03(evaluated):
    """COORD-03: 一、（一）1.（1）in 黑体, 楷体, 仿宋, 仿宋."""
    doc = open_docx(evaluated.documents.get(kind=IssuedDocument.Kind.CONSULTATION_OPINION))
    texts = [p.text for p in doc.paragraphs]
    for pattern, _ in HEADING_FONTS:
        assert any(pattern.match(text) for text in texts), pattern.pattern
    assert "（1）统一门户" in texts


def test_numbers_run_per_issuer_and_year_and_are_never_reused(evaluated):
    numbers = dict(evaluated.documents.values_list("kind", "number"))
    assert numbers == {
        "consultation_opinion": "衢智办〔2026〕1号",
        "design_approval": "衢发改〔2026〕1号",
        "price_review": "衢评审〔2026〕1号",
        "acceptance_report": "衢智办〔2026〕2号",
        "post_evaluation_report": "衢智办〔2027〕1号",  # a new year starts a new sequence
    }


def test_the_docx_is_deterministic_and_its_sha256_is_kept_and_verified(evaluated):
    """Same inputs, same bytes: no time of rendering leaks in, so a stored hash can be checked again."""
    for document in evaluated.documents.all():
        stored = docx_bytes(document)
        assert hashlib.sha256(stored).hexdigest() == document.sha256 == document.file.sha256
        assert render_docx(document) == render_docx(document)
        assert verify(document)
    # nothing the post-evaluation report reads has changed since it was issued: rendering it again
    # months later gives the very bytes that were issued
    last = evaluated.documents.get(kind=IssuedDocument.Kind.POST_EVALUATION_REPORT)
    assert render_docx(last) == docx_bytes(last)


def test_a_document_keeps_the_words_of_its_day_when_the_project_moves_on(cast, clock):
    """The design approval names the project code of its day (COORD-09: the code comes first); when the
    code is corrected afterwards, the kept DOCX still says the old one. Corrections are new documents."""
    project = advance(draft(cast.owner), cast, to="approval", shift=clock.shift)
    lifecycle.accept_application(project.pk, actor=cast.ndrc)
    lifecycle.record_project_code(project.pk, actor=cast.owner, project_code="2026-330800-65-01-000011")
    lifecycle.issue_design_approval(project.pk, actor=cast.ndrc, approval_text="同意初步设计")
    lifecycle.record_project_code(project.pk, actor=cast.ndrc, project_code="2026-330800-65-01-000022")

    approval = project.documents.get(kind=IssuedDocument.Kind.DESIGN_APPROVAL)
    kept = " ".join(p.text for p in open_docx(approval).paragraphs)
    assert "000011" in kept and "000022" not in kept
    assert verify(approval)  # the issued bytes are the ones kept, unchanged by the correction


def test_verify_detects_bytes_changed_behind_the_platforms_back(evaluated):
    document = evaluated.documents.first()
    # given someone edits the stored file directly in the database
    DocumentFile.objects.filter(document=document).update(docx=b"PK tampered")

    assert verify(document) is False


def test_an_issued_file_can_be_neither_changed_nor_deleted(evaluated):
    kept = evaluated.documents.first().file
    kept.docx = b"other"
    with pytest.raises(ValueError, match="不能修改"):
        kept.save()
    with pytest.raises(ValueError, match="不能删除"):
        kept.delete()


def test_downloads_serve_the_issued_bytes_to_those_who_may_see_the_project(cast, evaluated, client):
    document = evaluated.documents.get(kind=IssuedDocument.Kind.DESIGN_APPROVAL)

    api = api_for(cast.owner).get(f"/api/v1/documents/{document.pk}/docx/")
    client.force_login(cast.ndrc)
    web = client.get(f"/documents/{document.pk}/docx/")

    for response in (api, web):
        assert response.status_code == 200
        assert hashlib.sha256(response.content).hexdigest() == document.sha256
        assert response["X-Content-SHA256"] == document.sha256
        assert "filename*=UTF-8''" in response["Content-Disposition"]
    listed = api_for(cast.bdb).get(f"/api/v1/projects/{evaluated.pk}/documents/").json()
    assert {row["number"]: row["sha256"] for row in listed}[document.number] == document.sha256
    verified = api_for(cast.bdb).get(f"/api/v1/documents/{document.pk}/verify/").json()
    assert verified == {
        "id": document.pk,
        "number": document.number,
        "sha256": document.sha256,
        "verified": True,
    }


def test_downloads_are_refused_to_other_owners_and_to_anonymous_users(evaluated, client):
    document = evaluated.documents.first()
    stranger = UserFactory(role="owner")

    assert api_for(stranger).get(f"/api/v1/documents/{document.pk}/docx/").status_code == 404
    assert api_for(stranger).get(f"/api/v1/projects/{evaluated.pk}/documents/").status_code == 404
    assert client.get(f"/api/v1/documents/{document.pk}/docx/").status_code == 401
    assert client.get(f"/documents/{document.pk}/docx/").status_code == 302  # to the login page
    client.force_login(stranger)
    assert client.get(f"/documents/{document.pk}/docx/").status_code == 404
