"""TGT-06: the yearly assessment report per document as DOCX (GB/T 9704, laid out by the documents
module) and PDF (converted from it). One LibreOffice conversion in this file: it is slow."""

import datetime as dt
import io
import re
import subprocess
import zoneinfo

import pytest
import time_machine
from django.test import Client
from docx import Document as Docx
from docx.oxml.ns import qn

from govpm.officialdoc import layout
from govpm.officialdoc import pdf as pdf_module
from govpm.targets import reports, tasks
from govpm.targets.models import Document, Indicator, Task
from govpm.targets.observations import record_observation

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("drawn_up_on_2_march_2026")]

HEALTH, AFFORESTATION, ECOLOGY = "衢政发〔2020〕10号", "衢政办发〔2020〕9号", "衢政发〔2020〕9号"
OFFICIAL_FONTS = {layout.FANGSONG, layout.KAITI, layout.HEITI, layout.XIAOBIAOSONG, layout.SONGTI}
MM = 36000  # EMU per millimetre


@pytest.fixture
def drawn_up_on_2_march_2026():
    """The report's 成文日期 is the day it is drawn up: freeze it."""
    moment = dt.datetime(2026, 3, 2, 9, 0, tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai"))
    with time_machine.travel(moment, tick=False):
        yield


def east_asian(run) -> str | None:
    fonts = run._r.rPr.find(qn("w:rFonts")) if run._r.rPr is not None else None
    return None if fonts is None else fonts.get(qn("w:eastAsia"))


def table_rows(table) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for row in table.rows]


def all_runs(doc):
    paragraphs = list(doc.paragraphs)
    for table in doc.tables:
        for row in table.rows:
            for cell in row.cells:
                paragraphs.extend(cell.paragraphs)
    return [run for p in paragraphs for run in p.runs if run.text.strip()]


@pytest.fixture
def health_2022(curated_data, officer):
    """2022, the first target year: one binding failure, one binding success, one expected failure."""
    for code, value in [("H49", "9.5"), ("H48", "3.5"), ("H01", "25.1")]:
        record_observation(
            Indicator.objects.get(code=code).pk, actor=officer, period=2022, value=value, source="年报"
        )
    return Document.objects.get(number=HEALTH)


def test_tgt06_docx_report_has_the_title_gb_t_9704_page_and_east_asian_fonts_in_tables(health_2022):
    """TGT-06: 衢州市2022年度推进健康衢州行动主要指标监测评价报告 on the documents module's page: A4,
    margins 37/35/28/26 mm, the 22-line grid, 小标宋 二号 title, and every run — table cells included —
    carrying an official East-Asian font; table cells are 五号 off the line grid, headers repeat."""
    doc = Docx(io.BytesIO(reports.assessment_docx(2022, health_2022).data))

    section = doc.sections[0]
    assert (round(section.page_width / MM), round(section.page_height / MM)) == (210, 297)
    assert [
        round(m / MM)
        for m in (section.top_margin, section.bottom_margin, section.left_margin, section.right_margin)
    ] == [37, 35, 28, 26]
    assert section._sectPr.find(qn("w:docGrid")).get(qn("w:linePitch")) == str(layout.line_pitch_twips())
    title = doc.paragraphs[0]
    assert title.text == "衢州市2022年度推进健康衢州行动\n主要指标监测评价报告"  # broken between words
    assert {(east_asian(r), r.font.size.pt) for r in title.runs} == {(layout.XIAOBIAOSONG, 22)}
    assert doc.core_properties.title == "衢州市2022年度推进健康衢州行动主要指标监测评价报告"
    runs = all_runs(doc)
    assert runs and all(east_asian(run) in OFFICIAL_FONTS for run in runs)
    assert all(run.font.name == east_asian(run) for run in runs)
    cells = [
        run
        for table in doc.tables
        for row in table.rows
        for c in row.cells
        for p in c.paragraphs
        for run in p.runs
    ]
    assert cells and {run.font.size.pt for run in cells} == {10.5}
    header_runs = {
        east_asian(run) for table in doc.tables for c in table.rows[0].cells for run in c.paragraphs[0].runs
    }
    assert header_runs == {layout.HEITI}
    assert all(t.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None for t in doc.tables)
    # headings 一、 in 黑体, the 成文日期 of the day it was drawn up, page numbers `— N —`
    assert any(
        p.text == "一、总体情况" and {east_asian(r) for r in p.runs} == {layout.HEITI} for p in doc.paragraphs
    )
    assert doc.paragraphs[-1].text == "2026年3月2日"
    assert section.footer.paragraphs[0].text.startswith("— ")


def test_tgt06_docx_report_lists_binding_failures_first_with_the_assessments_numbers(health_2022):
    """TGT-06 / TGT-04: summary counts per status as assessed, the binding failure (H49 孕产妇死亡率 9.5 vs
    9以下) named before the expected one (H01) in the text and first in the indicator table, with its
    observed value, status and reason in words."""
    doc = Docx(io.BytesIO(reports.assessment_docx(2022, health_2022).data))
    texts = [p.text for p in doc.paragraphs]
    summary_table, results, *others = doc.tables
    assert others == []  # no decomposed task in this document

    # summary: 96 indicators (91 in the table, 5 in the text), two not met (one binding), one met
    counts = {row[0]: row[1:] for row in table_rows(summary_table)[1:]}
    assert counts["未达成"] == ["2", "1"] and counts["已达成"] == ["1", "1"]
    assert counts["合计"] == [
        "96",
        str(Indicator.objects.filter(document=health_2022, nature="binding").count()),
    ]
    overview = next(t for t in texts if t.startswith("纳入2022年度监测评价的指标共96项"))
    assert "已达成1项，未达成2项" in overview

    # binding failure first in the text …
    binding = texts.index("二、约束性指标未达成或进度滞后情况")
    # (item 10: the code leads, so the list number never runs into a name; flags follow the verdict)
    assert texts[binding + 1].startswith("1.H49 孕产妇死亡率：2022年观测值9.5，")
    assert "：未达成。（提示：基期值5.02已达到2022年目标“9以下”，目标未设提升）" in texts[binding + 1]
    other = texts.index("三、其他未达成或进度滞后的指标")
    assert binding < other and texts[other + 1].startswith("1.H01 居民健康素养水平：2022年观测值25.1，")

    # … and in the table of every indicator
    rows = table_rows(results)
    assert rows[0] == list(reports.INDICATOR_HEADERS)
    assert len(rows) == 1 + 96
    first, second = (dict(zip(rows[0], row, strict=True)) for row in rows[1:3])
    assert (first["指标名称"], first["性质"], first["目标"], first["观测值"], first["评价结论"]) == (
        "H49 孕产妇死亡率（1/10万）",
        "约束性",
        "2022年：9以下",
        "9.5",
        "未达成",
    )
    assert "9.5" in first["理由"] and first["理由"]
    # item 10: every 约束性 indicator is grouped before the others; H01 (预期性, 未达成) heads the rest
    natures = [row[2] for row in rows[1:]]
    binding_count = natures.count("约束性")
    assert natures[:binding_count] == ["约束性"] * binding_count and second["性质"] == "约束性"
    h01 = rows[1 + binding_count]
    assert (h01[1].split()[0], h01[2], h01[5]) == ("H01", "预期性", "未达成")
    h48 = next(dict(zip(rows[0], row, strict=True)) for row in rows if row[1].startswith("H48 "))
    assert (h48["观测值"], h48["评价结论"]) == ("3.5", "已达成")


def test_tgt06_afforestation_report_ranks_counties_by_completion(curated_data, officer):
    """TGT-06 / TGT-05: the 衢政办发〔2020〕9号 report carries the county ranking of 新增造林."""
    afforestation = Task.objects.get(code="T01")
    for code, done in [("330802", "3300"), ("330803", "2350"), ("330824", "8700"), ("330822", "7040")]:
        tasks.record_progress(
            afforestation.pk, actor=officer, region_code=code, year=2020, completed=done, source="县林业局"
        )
    document = Document.objects.get(number=AFFORESTATION)

    doc = Docx(io.BytesIO(reports.assessment_docx(2020, document).data))

    texts = [p.text for p in doc.paragraphs]
    # issue 15 item 8: the old first line (…美化行动) was wider than a line of 二号 and wrapped in the PDF
    assert texts[0] == "衢州市2020年度高质量推进\n国土绿化美化行动目标任务监测评价报告"
    assert "四、分解任务完成情况" in texts and "（一）新增造林（亩）" in texts
    assert "分解核对：各县（市、区）、各年度之和等于总量。" in texts
    ranking = table_rows(doc.tables[-1])
    assert ranking[0] == list(reports.RANKING_HEADERS)
    assert [(row[0], row[1], row[3], row[6]) for row in ranking[1:5]] == [
        ("1", "常山县", "7040", "110"),
        ("2", "柯城区", "3300", "100"),
        ("2", "开化县", "8700", "100"),
        ("4", "衢江区", "2350", "50"),
    ]
    assert {row[3] for row in ranking[5:]} == {"未报"}


def test_tgt06_same_data_same_day_gives_the_same_docx_bytes(curated_data):
    """TGT-06: the DOCX is deterministic, so its SHA-256 keys the PDF cache (E17 etc.: 衢政发〔2020〕9号)."""
    document = Document.objects.get(number=ECOLOGY)
    first = reports.assessment_docx(2021, document)
    assert first.data == reports.assessment_docx(2021, document).data
    doc = Docx(io.BytesIO(first.data))
    # issue 15 item 8: the old first line (…示范市) was wider than a line of 二号 and wrapped in the PDF
    assert doc.paragraphs[0].text == "衢州市2021年度创建国家生态文明建设\n示范市规划目标监测评价报告"
    assert "2021年度没有约束性指标未达成或进度滞后。" in [p.text for p in doc.paragraphs]
    assert first.filename == "2021年度目标评估报告-衢政发〔2020〕9号.docx"


def test_tgt06_report_downloads_follow_the_xlsx_report_permission(
    curated_data, officer, observer, owner, api_client
):
    """TGT-06: the same rule as the XLSX report (view: bdb, smart_office, leading_group, observer)."""
    query = {"year": 2022, "document": HEALTH}
    web = Client()
    assert web.get("/targets/assessment/report.docx", query).status_code == 302  # to the login page
    web.force_login(owner)
    assert web.get("/targets/assessment/report.docx", query).status_code == 403
    assert web.get("/targets/assessment/report.pdf", query).status_code == 403
    web.force_login(observer)
    response = web.get("/targets/assessment/report.docx", query)
    assert response.status_code == 200 and response["Content-Type"] == reports.DOCX
    assert "filename*=UTF-8''" in response["Content-Disposition"]
    assert Docx(io.BytesIO(response.content)).paragraphs[0].text.startswith("衢州市2022年度推进健康衢州行动")
    assert web.get("/targets/assessment/report.docx", {"year": 2022}).status_code == 404  # which document?
    page = web.get("/targets/assessment/", {"year": 2022}).content.decode()
    assert "/targets/assessment/report.docx?year=2022&amp;document=" in page
    assert "/targets/assessment/report.pdf?year=2022&amp;document=" in page

    url = "/api/v1/targets/assessments/report.docx"
    assert api_client.get(url, query).status_code == 401
    api_client.force_authenticate(owner)
    assert api_client.get(url, query).status_code == 403
    assert api_client.get("/api/v1/targets/assessments/report.pdf", query).status_code == 403
    api_client.force_authenticate(observer)
    missing = api_client.get(url, {"year": 2022}, HTTP_ACCEPT=reports.DOCX)
    assert missing.status_code == 400 and missing.json()["error"]["field"] == "document"
    unknown = api_client.get(url, {"year": 2022, "document": "衢政发〔2020〕99号"})
    assert unknown.status_code == 400 and unknown.json()["error"]["field"] == "document"
    ok = api_client.get(url, query, HTTP_ACCEPT=reports.DOCX)
    assert ok.status_code == 200 and ok["Content-Type"] == reports.DOCX


def squeeze(text: str) -> str:
    """pdftotext spaces characters laid on the character grid apart; compare without whitespace."""
    return re.sub(r"\s+", "", text)


def test_tgt06_pdf_report_is_converted_once_and_shows_the_title(
    health_2022, officer, api_client, settings, tmp_path, monkeypatch
):
    """TGT-06: the PDF comes from the DOCX through the documents module's LibreOffice conversion (the
    only conversion of these tests); it is cached by the DOCX's SHA-256, so a second download —
    here from the web page — converts nothing."""
    settings.MEDIA_ROOT = tmp_path / "media"
    api_client.force_authenticate(officer)
    query = {"year": 2022, "document": HEALTH}

    response = api_client.get("/api/v1/targets/assessments/report.pdf", query, HTTP_ACCEPT="application/pdf")

    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    [cached] = (tmp_path / "media" / reports.PDF_FOLDER).glob("*.pdf")
    assert cached.read_bytes() == response.content
    text = subprocess.run(["pdftotext", "-layout", str(cached), "-"], capture_output=True, check=True).stdout
    assert squeeze("衢州市2022年度推进健康衢州行动主要指标监测评价报告") in squeeze(text.decode())
    assert "孕产妇死亡率" in squeeze(text.decode())

    def no_second_conversion(docx):
        raise AssertionError("the cached PDF should have been served")

    monkeypatch.setattr(pdf_module, "convert", no_second_conversion)
    web = Client()
    web.force_login(officer)
    again = web.get("/targets/assessment/report.pdf", query)
    assert again.status_code == 200 and again.content == response.content
