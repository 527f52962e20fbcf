"""The yearly assessment report (TGT-06).

- XLSX: one sheet of results per indicator, binding failures first, a summary, and the county ranking
  of each decomposed task.
- DOCX, one per document: composed here as plain data (`assessment_report`) and laid out by the
  documents module's GB/T 9704 renderer (`render_report`): title, summary counts per status, binding
  failures first, the table of every indicator, and each decomposed task's county ranking.
- PDF: the DOCX converted by the documents module, cached by the DOCX's SHA-256."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from govpm.core import clock
from govpm.core.spreadsheets import safe_row
from govpm.officialdoc import pdf
from govpm.officialdoc.composition import Outline, Report
from govpm.officialdoc.render import render_report
from govpm.officialdoc.titles import title_lines

from . import parsing, selectors, tasks
from .assessment import Assessment, assess_year, summary
from .models import Document, Nature, Verdict

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PDF_FOLDER = "targets/reports/pdf"
# What each document's report is about: 衢州市<year>年度<subject>监测评价报告. Too long for one line of
# 二号, the title breaks between words (officialdoc.titles; GB/T 9704 7.3.2: 回行时词意完整、排列对称).
SUBJECTS = {
    "衢政发〔2020〕10号": ("推进健康衢州行动", "主要指标"),
    "衢政办发〔2020〕9号": ("高质量推进国土绿化美化行动", "目标任务"),
    "衢政发〔2020〕9号": ("创建国家生态文明建设示范市", "规划目标"),
}

RESULT_HEADERS = [
    "序号",
    "文号",
    "编号",
    "所属行动",
    "指标名称",
    "单位",
    "指标性质",
    "目标年份",
    "目标原文",
    "目标解析",
    "观测值",
    "评估结论",
    "理由",
]


def assessment_rows(assessments) -> list[list[str]]:
    rows = []
    for number, a in enumerate(assessments, start=1):
        i = a.indicator
        rows.append(
            [
                number,
                i.document.number,
                i.code,
                i.action_group,
                i.name,
                i.unit,
                i.get_nature_display() if i.nature else "",
                a.target.year if a.target else "",
                a.target.raw_text if a.target else "",
                a.target.parsed.describe() if a.target else "",
                parsing.fmt(a.observation.value) if a.observation else "",
                a.status_label,
                a.reason,
            ]
        )
    return rows


def _append(sheet, values) -> None:
    """Every row goes through safe_cell: names and reasons are people's text (issue 13 item 6)."""
    sheet.append(safe_row(values))


def assessment_workbook(year: int, *, document=None) -> bytes:
    assessments = assess_year(year, document=document)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "指标评估"
    title = f"{year}年度目标考核评估结果" + (f"（{document.number}）" if document else "")
    _append(sheet, [title])
    sheet["A1"].font = Font(bold=True, size=14)
    _append(sheet, ["说明：约束性指标未达成或进度滞后的列在最前；“以上”“以下”均含本数。"])
    _append(sheet, RESULT_HEADERS)
    for cell in sheet[3]:
        cell.font = Font(bold=True)
    for row in assessment_rows(assessments):
        _append(sheet, row)
    sheet.column_dimensions["E"].width = 40
    sheet.column_dimensions["M"].width = 60
    for row in sheet.iter_rows(min_row=4):
        row[-1].alignment = Alignment(wrap_text=True)

    totals = workbook.create_sheet("汇总")
    _append(totals, ["评估结论", "指标数"])
    for label, count in summary(assessments):
        _append(totals, [label, count])

    for task in selectors.all_tasks():
        if document is not None and task.document_id != document.pk:
            continue
        ranking = workbook.create_sheet(f"{task.name}完成情况"[:31])
        _append(ranking, [f"{task.name}（{task.unit}）{year}年度各县（市、区）完成情况"])
        _append(
            ranking,
            [
                "排名",
                "行政区划代码",
                "县（市、区）",
                "本年计划",
                "本年完成",
                "累计计划",
                "累计完成",
                "累计完成率(%)",
            ],
        )
        for p in tasks.progress(task, year, shares=list(task.shares.all())):
            _append(
                ranking,
                [
                    p.rank or "",
                    p.region_code,
                    p.region_name,
                    parsing.fmt(p.planned),
                    parsing.fmt(p.completed) if p.completed is not None else "未报",
                    parsing.fmt(p.planned_to_date),
                    parsing.fmt(p.completed_to_date),
                    parsing.fmt(p.rate) if p.rate is not None else "",
                ],
            )
        mismatches = tasks.check_decomposition(task, list(task.shares.all()))
        _append(ranking, [])
        _append(ranking, ["分解核对", "通过：各部分之和等于总量" if not mismatches else "不一致"])
        for m in mismatches:
            _append(ranking, ["", m.message])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- DOCX and PDF, one report per document ---------------------------------------------------------------

INDICATOR_HEADERS = ("序号", "指标名称", "性质", "目标", "观测值", "评价结论", "理由")
RANKING_HEADERS = ("排名", "县（市、区）", "本年计划", "本年完成", "累计计划", "累计完成", "累计完成率（%）")


def report_title(year: int, document: Document, *, broken: bool = False) -> str:
    """衢州市2026年度推进健康衢州行动主要指标监测评价报告; `broken`: with the line breaks of the DOCX,
    between words and within the width of 二号 (officialdoc.titles)."""
    first, second = SUBJECTS.get(document.number, (f"《{document.title}》", "目标"))
    title = f"衢州市{year}年度{first}{second}监测评价报告"
    return "\n".join(title_lines(title)) if broken else title


def _counted(assessments: list[Assessment]) -> str:
    return "，".join(f"{label}{count}项" for label, count in summary(assessments))


def _indicator_name(indicator) -> str:
    unit = f"（{indicator.unit}）" if indicator.unit else ""
    return f"{indicator.code} {indicator.name}{unit}"


def _indicator_row(number: int, a: Assessment) -> tuple:
    return (
        number,
        _indicator_name(a.indicator),
        a.indicator.get_nature_display() if a.indicator.nature else "—",
        f"{a.target.year}年：{a.target.raw_text}" if a.target else "—",
        parsing.fmt(a.observation.value) if a.observation else "—",
        a.status_label,
        _with_flags(a.reason, a),
    )


def _with_flags(text: str, a: Assessment) -> str:
    """The reason, then what the reader must know (backwards target, baseline past target, assumed
    baseline year) — item 4 and 7."""
    notes = list(a.flags)
    if (
        a.indicator.baseline_year
        and not a.indicator.baseline_year_source
        and a.indicator.baseline_value is not None
    ):
        notes.append(a.indicator.baseline_year_label)
    return text + "".join(f"（提示：{note}）" for note in notes)


def _finding(a: Assessment) -> str:
    """H49 孕产妇死亡率：<the reason in words>, ending with the verdict (said once). The code comes first so
    the heading's list number never runs into a name that starts with a digit ("8.15岁以上…")."""
    reason = a.reason.rstrip("。")
    if not reason.endswith(a.status_label):
        reason += f"，评价结论：{a.status_label}"
    return _with_flags(f"{a.indicator.code} {a.indicator.name}：{reason}。", a)


def _overview(outline: Outline, year: int, assessments: list[Assessment]) -> None:
    natures = {value: sum(1 for a in assessments if a.indicator.nature == value) for value in Nature.values}
    unclassified = len(assessments) - sum(natures.values())
    parts = [
        f"约束性指标{natures[Nature.BINDING]}项",
        f"预期性指标{natures[Nature.EXPECTED]}项",
    ]
    if unclassified:
        parts.append(f"文件未区分性质的指标{unclassified}项")
    outline.heading(1, "总体情况")
    outline.text(
        f"纳入{year}年度监测评价的指标共{len(assessments)}项，其中{'、'.join(parts)}。"
        f"评价结果：{_counted(assessments)}。"
    )
    outline.text(
        "评价口径：目标年度及以后，以观测值对照目标判定已达成或未达成；目标年度以前，观测值已达到目标的为进度正常，"
        "否则对照基期值至目标值的直线进度判定进度正常或进度滞后；定性目标及数据不足以判定的，由评估人判断并说明理由；"
        "当年无观测值的为无数据。“以上”“以下”均含本数。"
    )
    binding = [a for a in assessments if a.indicator.nature == Nature.BINDING]
    outline.table(
        ("评价结论", "指标数", "其中约束性"),
        [
            (label, count, sum(1 for a in binding if a.status_label == label))
            for label, count in summary(assessments)
        ]
        + [("合计", len(assessments), len(binding))],
        widths=(2, 1, 1),
        centered=frozenset({1, 2}),
    )


def _failures(outline: Outline, year: int, assessments: list[Assessment]) -> None:
    binding = [a for a in assessments if a.is_binding_failure]
    others = [a for a in assessments if a.is_failing and not a.is_binding_failure]
    outline.heading(1, "约束性指标未达成或进度滞后情况")
    if not binding:
        outline.text(f"{year}年度没有约束性指标未达成或进度滞后。")
    for a in binding:
        outline.heading(3, _finding(a))
    if others:
        outline.heading(1, "其他未达成或进度滞后的指标")
        for a in others:
            outline.heading(3, _finding(a))


def _results(outline: Outline, assessments: list[Assessment]) -> None:
    outline.heading(1, "各指标监测评价结果")
    outline.text("下表先列约束性指标，再列其他指标；每组中未达成或进度滞后的列在最前，其余按指标编号排列。")
    waiting = sum(1 for a in assessments if a.status == Verdict.NEEDS_JUDGEMENT)
    missing = sum(1 for a in assessments if a.status == Verdict.NO_DATA)
    if waiting or missing:
        outline.text(
            f"待评估人判断的{waiting}项，请评估人作出判断并说明理由；无数据的{missing}项，请责任部门报送观测值。"
        )
    # 约束性 indicators as one group first (item 10); within each group the assessment's order stands
    # (failures first). sorted() is stable.
    grouped = sorted(assessments, key=lambda a: not a.indicator.is_binding)
    outline.table(
        INDICATOR_HEADERS,
        [_indicator_row(number, a) for number, a in enumerate(grouped, start=1)],
        widths=(10, 34, 13, 24, 14, 17, 44),  # mm of the 156 mm text width
        centered=frozenset({0, 2, 4, 5}),
    )


def _rankings(outline: Outline, year: int, document: Document) -> None:
    document_tasks = [t for t in selectors.all_tasks() if t.document_id == document.pk]
    if not document_tasks:
        return
    outline.heading(1, "分解任务完成情况")
    for task in document_tasks:
        shares = list(task.shares.all())
        rows = tasks.progress(task, year, shares=shares)
        mismatches = tasks.check_decomposition(task, shares)
        outline.heading(2, f"{task.name}（{task.unit}）")
        reported = [r for r in rows if r.completed is not None]
        outline.text(
            f"{year}年度各县（市、区）{task.name}完成情况按累计完成率排名如下"
            "（累计完成率＝截至本年累计完成÷截至本年累计计划×100%，未报送的按0计）。"
            if rows
            else f"{year}年度没有{task.name}的分解计划。"
        )
        if rows:
            outline.text(
                f"已报送本年完成数的县（市、区）{len(reported)}个，未报送{len(rows) - len(reported)}个。"
            )
        check = (
            "分解核对：各县（市、区）、各年度之和等于总量。"
            if not mismatches
            else "分解核对不一致：" + "；".join(m.message for m in mismatches) + "。"
        )
        outline.text(check)
        if rows:
            outline.table(
                RANKING_HEADERS,
                [
                    (
                        r.rank or "—",
                        r.region_name,
                        parsing.fmt(r.planned),
                        parsing.fmt(r.completed) if r.completed is not None else "未报",
                        parsing.fmt(r.planned_to_date),
                        parsing.fmt(r.completed_to_date),
                        parsing.fmt(r.rate) if r.rate is not None else "—",
                    )
                    for r in rows
                ],
                widths=(12, 26, 22, 22, 22, 22, 30),
                centered=frozenset(range(7)),
            )


def assessment_report(year: int, document: Document, *, dated: dt.date | None = None) -> Report:
    """The words and tables of one document's yearly report, from the assessment of `year`."""
    assessments = assess_year(year, document=document)
    outline = Outline()
    outline.text(
        f"根据《{document.title}》（{document.number}）关于监测评价和考核的要求，"
        f"现将{year}年度目标完成情况的监测评价结果报告如下。"
    )
    _overview(outline, year, assessments)
    _failures(outline, year, assessments)
    _results(outline, assessments)
    _rankings(outline, year, document)
    return Report(
        title=report_title(year, document, broken=True),
        subtitle=f"（依据{document.number}）",
        blocks=outline.blocks,
        dated=dated or clock.today(),
        keywords="监测评价报告",
    )


@dataclass(frozen=True)
class ReportFile:
    data: bytes
    filename: str
    content_type: str


def _filename(year: int, document: Document, extension: str) -> str:
    return f"{year}年度目标评估报告-{document.number}.{extension}"


def assessment_docx(year: int, document: Document) -> ReportFile:
    return ReportFile(
        render_report(assessment_report(year, document)), _filename(year, document, "docx"), DOCX
    )


def assessment_pdf(year: int, document: Document) -> ReportFile:
    """The DOCX converted by LibreOffice; the same DOCX bytes are converted only once (cached by hash).
    Raises officialdoc.pdf.ConversionFailed (503) when LibreOffice is missing or fails."""
    docx = render_report(assessment_report(year, document))
    path = pdf.cached_pdf(docx, folder=PDF_FOLDER)
    return ReportFile(path.read_bytes(), _filename(year, document, "pdf"), "application/pdf")
