"""render_report: a document that is not issued as a 公文 (another module's report) on the GB/T 9704
page of render.py, with tables whose every run keeps an official East-Asian font. No database."""

import datetime as dt
import io

import pytest
from docx import Document
from docx.oxml.ns import qn

from govpm.officialdoc import layout
from govpm.officialdoc.composition import Outline, Report, Table
from govpm.officialdoc.render import TABLE_TEXT, render_report

MM = 36000  # EMU per millimetre


def east_asian(run) -> str | None:
    return run._r.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia"))


def sample() -> Report:
    outline = Outline()
    outline.text("根据有关要求，现将情况报告如下。")
    outline.heading(1, "总体情况")
    outline.heading(2, "分项情况")
    outline.table(("项目", "数量"), [("甲", 1), ("乙", None)], widths=(3, 1), centered=frozenset({1}))
    return Report(
        title="某某年度\n监测报告",
        subtitle="（依据某文件）",
        blocks=outline.blocks,
        dated=dt.date(2026, 3, 5),
    )


def test_a_report_has_the_official_page_title_headings_tables_and_date():
    doc = Document(io.BytesIO(render_report(sample())))

    section = doc.sections[0]
    assert (round(section.page_width / MM), round(section.page_height / MM)) == (210, 297)
    assert [
        round(m / MM)
        for m in (section.top_margin, section.bottom_margin, section.left_margin, section.right_margin)
    ] == [37, 35, 28, 26]
    assert section._sectPr.find(qn("w:docGrid")).get(qn("w:type")) == "linesAndChars"
    texts = [p.text for p in doc.paragraphs]
    assert texts[:2] == ["某某年度\n监测报告", "（依据某文件）"]
    assert {(east_asian(r), r.font.size.pt) for r in doc.paragraphs[0].runs} == {(layout.XIAOBIAOSONG, 22)}
    assert doc.core_properties.title == "某某年度监测报告"
    assert "一、总体情况" in texts and "（一）分项情况" in texts and texts[-1] == "2026年3月5日"
    assert not any("〔" in t for t in texts)  # no 发文字号: nothing is issued

    [table] = doc.tables
    assert [[c.text for c in row.cells] for row in table.rows] == [["项目", "数量"], ["甲", "1"], ["乙", ""]]
    runs = [r for row in table.rows for c in row.cells for p in c.paragraphs for r in p.runs]
    assert {(east_asian(r), r.font.name, r.font.size.pt) for r in runs[:2]} == {
        (layout.HEITI, layout.HEITI, 10.5)
    }
    assert {(east_asian(r), r.font.name, r.font.size.pt) for r in runs[2:]} == {
        (layout.FANGSONG, layout.FANGSONG, 10.5)
    }
    assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    widths = [column.width for column in table.columns]
    assert abs(sum(widths) - layout.text_width_twips() * 635) < 10 and widths[0] == 3 * widths[1]
    style = doc.styles[TABLE_TEXT]
    assert style.element.pPr.find(qn("w:snapToGrid")).get(qn("w:val")) == "0"  # 五号 lines, not 28.95 pt


def test_a_report_renders_to_the_same_bytes_every_time():
    assert render_report(sample()) == render_report(sample())


def test_a_table_row_must_have_one_cell_per_column():
    with pytest.raises(ValueError, match="2 cells"):
        Table(("a", "b"), (("only one",),))
