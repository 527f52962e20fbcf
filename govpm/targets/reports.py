"""The yearly assessment report as XLSX (TGT-06): one sheet of results per indicator, binding failures
first, a summary, and the county ranking of each decomposed task."""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from . import parsing, selectors, tasks
from .assessment import assess_year, summary

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


def assessment_workbook(year: int, *, document=None) -> bytes:
    assessments = assess_year(year, document=document)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "指标评估"
    title = f"{year}年度目标考核评估结果" + (f"（{document.number}）" if document else "")
    sheet.append([title])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append(["说明：约束性指标未达成或进度滞后的列在最前；“以上”“以下”均含本数。"])
    sheet.append(RESULT_HEADERS)
    for cell in sheet[3]:
        cell.font = Font(bold=True)
    for row in assessment_rows(assessments):
        sheet.append(row)
    sheet.column_dimensions["E"].width = 40
    sheet.column_dimensions["M"].width = 60
    for row in sheet.iter_rows(min_row=4):
        row[-1].alignment = Alignment(wrap_text=True)

    totals = workbook.create_sheet("汇总")
    totals.append(["评估结论", "指标数"])
    for label, count in summary(assessments):
        totals.append([label, count])

    for task in selectors.tasks():
        if document is not None and task.document_id != document.pk:
            continue
        ranking = workbook.create_sheet(f"{task.name}完成情况"[:31])
        ranking.append([f"{task.name}（{task.unit}）{year}年度各县（市、区）完成情况"])
        ranking.append(
            [
                "排名",
                "行政区划代码",
                "县（市、区）",
                "本年计划",
                "本年完成",
                "累计计划",
                "累计完成",
                "累计完成率(%)",
            ]
        )
        for p in tasks.progress(task, year, shares=list(task.shares.all())):
            ranking.append(
                [
                    p.rank or "",
                    p.region_code,
                    p.region_name,
                    parsing.fmt(p.planned),
                    parsing.fmt(p.completed) if p.completed is not None else "未报",
                    parsing.fmt(p.planned_to_date),
                    parsing.fmt(p.completed_to_date),
                    parsing.fmt(p.rate) if p.rate is not None else "",
                ]
            )
        mismatches = tasks.check_decomposition(task, list(task.shares.all()))
        ranking.append([])
        ranking.append(["分解核对", "通过：各部分之和等于总量" if not mismatches else "不一致"])
        for m in mismatches:
            ranking.append(["", m.message])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
