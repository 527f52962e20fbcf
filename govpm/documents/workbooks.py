"""Excel, as officials use it: any project list with its filters applied, and a project's whole file
as one workbook. Money is written as numbers in 元 with two decimals, so sums in Excel are right."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable, Sequence

from django.db.models import Prefetch
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from govpm.accounts.codes import REGIONS
from govpm.accounts.models import Unit
from govpm.core import product
from govpm.core.clock import date_zh
from govpm.core.spreadsheets import safe_cell, safe_row
from govpm.policy.catalog import RULES
from govpm.projects.facts import ARCHITECTURE_LAYERS
from govpm.projects.models import (
    CATEGORY_LABELS,
    Contract,
    Event,
    IssuedDocument,
    Level,
    Payment,
    Project,
    ReviewTask,
    Tender,
)
from govpm.projects.selectors import ORDERING_LABELS
from govpm.projects.stages import Stage

MONEY_FORMAT = "#,##0.00"
DATE_FORMAT = "yyyy-mm-dd"
HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FILTER_LABELS = {
    "stage": "阶段",
    "unit": "业主单位",
    "level": "层级",
    "category": "项目类别",
    "priority": "优先列入",
    "overdue": "逾期",
    "layer": "“四横三纵”层级",
    "q": "关键词",
    "ordering": "排序",
    "region": "行政区划",
    "rule": "命中规则",
}


def _filter_value(key: str, value: str) -> str:
    """A filter's value as the list page names it: 已入库 for pooled, 数字化应用项目 for 1 (no codes)."""
    names: dict = {
        "stage": dict(Stage.choices),
        "level": dict(Level.choices),
        "category": {str(number): label for number, label in CATEGORY_LABELS.items()},
        "layer": ARCHITECTURE_LAYERS,
        "ordering": ORDERING_LABELS,
        "region": REGIONS,
        "priority": {"true": "是", "false": "否"},
        "overdue": {"true": "是", "false": "否"},
    }
    if key == "unit":
        unit = Unit.objects.filter(pk=value).first() if str(value).isdigit() else None
        return unit.name if unit else value
    if key == "rule" and value in RULES:
        return f"{value} {RULES[value].text}"
    if key == "stage":
        return "、".join(names["stage"].get(code, code) for code in value.split(","))
    return names.get(key, {}).get(value, value)


def _cell(value):
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).replace(tzinfo=None)  # Excel has no zones: Shanghai wall time
    if isinstance(value, bool):
        return "是" if value else "否"
    return safe_cell(value)  # a name like =HYPERLINK(...) stays text (issue 13 item 6)


def add_sheet(
    book: Workbook, title: str, headers: Sequence[str], rows: Iterable[Sequence], *, money: Sequence[str] = ()
) -> None:
    sheet = book.create_sheet(title)
    sheet.append(safe_row(headers))
    for cell in sheet[1]:
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
        cell.alignment = Alignment(vertical="center")
    money_columns = {headers.index(name) + 1 for name in money}
    for row in rows:
        sheet.append([_cell(value) for value in row])
    for column in range(1, len(headers) + 1):
        letter = get_column_letter(column)
        for cell in sheet[letter][1:]:
            if column in money_columns:
                cell.number_format = MONEY_FORMAT
            elif isinstance(cell.value, dt.date | dt.datetime):
                cell.number_format = (
                    DATE_FORMAT if not isinstance(cell.value, dt.datetime) else "yyyy-mm-dd hh:mm"
                )
        width = max([len(str(headers[column - 1]))] + [len(str(c.value or "")) for c in sheet[letter][1:200]])
        sheet.column_dimensions[letter].width = min(60, max(10, width * 2))
    sheet.freeze_panes = "A2"
    if sheet.max_row > 1:
        sheet.auto_filter.ref = sheet.dimensions


def save(book: Workbook) -> bytes:
    if "Sheet" in book.sheetnames and len(book.sheetnames) > 1:
        del book["Sheet"]
    book.properties.creator = product.NAME
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


LIST_HEADERS = [
    "项目编号",
    "项目名称",
    "业主单位",
    "阶段",
    "层级",
    "项目类别",
    "建设类型",
    "优先列入情形数",
    "申报估算（元）",
    "概算价（元）",
    "项目代码",
    "有逾期事项",
    "提交时间",
    "进入当前阶段时间",
]


def project_list_workbook(projects: Iterable[Project], params) -> bytes:
    """The rows of a project list (already filtered by selectors.project_list), and the filters used."""
    book = Workbook()
    add_sheet(
        book,
        "项目清单",
        LIST_HEADERS,
        (
            [
                p.pk,
                p.name,
                p.owner_unit.name,
                p.stage_label,
                p.get_level_display(),
                CATEGORY_LABELS.get(p.category or 0, ""),
                p.get_build_type_display(),
                p.priority_score,
                p.requested_estimate,
                p.approved_estimate,
                p.project_code,
                p.is_overdue,
                p.submitted_at,
                p.stage_changed_at,
            ]
            for p in projects
        ),
        money=["申报估算（元）", "概算价（元）"],
    )
    applied = [
        (FILTER_LABELS[key], _filter_value(key, str(params.get(key))))
        for key in FILTER_LABELS
        if params.get(key)
    ]
    add_sheet(
        book,
        "筛选条件",
        ["条件", "取值"],
        applied + [("导出时间", timezone.localtime().strftime("%Y-%m-%d %H:%M"))],
    )
    return save(book)


def with_file(projects):
    """A project's whole file, in one query per kind of record."""
    return projects.select_related("owner_unit", "funding", "merged_into").prefetch_related(
        Prefetch("events", queryset=Event.objects.select_related("actor").order_by("id")),
        Prefetch("review_tasks", queryset=ReviewTask.objects.select_related("unit", "expert", "answered_by")),
        Prefetch("documents", queryset=IssuedDocument.objects.select_related("issuer").order_by("id")),
        "modules",
        Prefetch("tenders", queryset=Tender.objects.select_related("exemption")),
        Prefetch("contracts", queryset=Contract.objects.select_related("signing_unit", "exemption")),
        Prefetch("payments", queryset=Payment.objects.select_related("exemption")),
        "inspections__unit",
        "inspections__partner_unit",
        "exemptions",
        "midterm_reviews",
        "data_dictionaries",
        "final_acceptances",
        "deadlines",
        "funding__shares",
        "findings",
        "decisions__actor",
    )


EXEMPT = "特殊情况豁免"


def _exempt(exemption) -> str:
    """ORG-04: a record made under a special-case exemption is marked so in every export."""
    if exemption is None:
        return ""
    return f"是：领导小组{exemption.granted_on.isoformat()}批准，{exemption.reason}"


def project_workbook(project: Project) -> bytes:
    book = Workbook()
    funding = getattr(project, "funding", None) if hasattr(project, "funding") else None
    evaluation = getattr(project, "post_evaluation", None) if hasattr(project, "post_evaluation") else None
    overview = [
        ("项目编号", project.pk),
        ("项目名称", project.name),
        ("业主单位", project.owner_unit.name),
        ("阶段", project.stage_label),
        ("层级", project.get_level_display()),
        ("项目类别", CATEGORY_LABELS.get(project.category or 0, "")),
        ("建设类型", project.get_build_type_display()),
        ("涉密", project.classified),
        ("优先列入情形数", project.priority_score),
        ("需求概述", project.summary),
        ("申报估算（元）", project.requested_estimate),
        ("概算价（元）", project.approved_estimate),
        ("项目代码", project.project_code),
        ("批复日期", project.approved_on),
        ("终验日期", project.final_accepted_on),
        ("安排资金（元）", funding.amount if funding else None),
        ("运维费用（元）", funding.om_amount if funding else None),
        ("后评估评分", evaluation.score if evaluation else None),
        ("有逾期事项", project.is_overdue),
        ("创建时间", project.created_at),
        ("进入当前阶段时间", project.stage_changed_at),
    ]
    add_sheet(book, "项目概况", ["项目", "内容"], overview)
    sheet = book["项目概况"]
    for row in sheet.iter_rows(min_row=2):
        if str(row[0].value).endswith("（元）"):
            row[1].number_format = MONEY_FORMAT
    add_sheet(
        book,
        "规则研判",
        ["规则", "结论", "说明"],
        [(f.rule_code, f.get_outcome_display(), f.message) for f in project.findings.all()],
    )
    add_sheet(
        book,
        "评审意见",
        ["轮次", "评审方", "意见", "说明", "填报时间"],
        [
            (t.round, t.reviewer_name, t.get_opinion_display(), t.comment, t.answered_at)
            for t in project.review_tasks.all()
        ],
    )
    add_sheet(
        book,
        "决定",
        ["类型", "结论", "理由", "决定人", "时间"],
        [
            (d.get_kind_display(), d.outcome, d.reason, str(d.actor), d.decided_at)
            for d in project.decisions.all()
        ],
    )
    add_sheet(
        book,
        "公文",
        ["文种", "标题", "发文字号", "发文机关", "成文日期", "金额（元）", "SHA-256"],
        [
            (d.get_kind_display(), d.title, d.number, d.issuer.name, date_zh(d.issued_on), d.amount, d.sha256)
            for d in project.documents.all()
        ],
        money=["金额（元）"],
    )
    add_sheet(
        book,
        "分级负担",
        ["行政区划", "承担金额（元）"],
        [(s.region_code, s.amount) for s in (funding.shares.all() if funding else [])],
        money=["承担金额（元）"],
    )
    add_sheet(
        book,
        "招标",
        ["编号", "招标项目", "采购方式", "招标最高限价（元）", "发布日期", EXEMPT],
        [
            (t.pk, t.title, t.method, t.ceiling, t.published_on, _exempt(t.exemption))
            for t in project.tenders.all()
        ],
        money=["招标最高限价（元）"],
    )
    add_sheet(
        book,
        "合同",
        ["编号", "招标编号", "中标供应商", "签约单位", "合同金额（元）", "签订日期", EXEMPT],
        [
            (c.pk, c.tender_id, c.supplier, c.signing_unit.name, c.amount, c.signed_on, _exempt(c.exemption))
            for c in project.contracts.all()
        ],
        money=["合同金额（元）"],
    )
    add_sheet(
        book,
        "材料",
        ["材料", "版本", "文件名", "类型", "字节数", "SHA-256", "上传人", "上传单位", "上传时间"],
        [
            (
                m.kind_name,
                m.version,
                m.name,
                m.detected_type.upper(),
                m.size,
                m.sha256,
                m.uploaded_by.get_full_name() or m.uploaded_by.get_username(),
                m.unit.name if m.unit else "",
                m.uploaded_at,
            )
            for m in project.materials.select_related("uploaded_by", "unit").order_by("kind", "version")
        ],
    )
    add_sheet(
        book,
        "支付",
        ["编号", "合同编号", "支付金额（元）", "支付日期", "对应进度", EXEMPT],
        [
            (p.pk, p.contract_id, p.amount, p.paid_on, p.milestone, _exempt(p.exemption))
            for p in project.payments.all()
        ],
        money=["支付金额（元）"],
    )
    add_sheet(
        book,
        "督查",
        ["检查单位", "督查类型", "联合检查单位", "参加人员", "检查日期", "结论", "检查情况"],
        [
            (
                i.unit.name,
                i.kind_label,
                i.partner_unit.name if i.partner_unit else "",
                i.participants,
                i.inspected_on,
                i.get_result_display(),
                i.findings,
            )
            for i in project.inspections.all()
        ],
    )
    add_sheet(
        book,
        "中期监管",
        ["监管日期", "参加单位和人员", "结论", "问题与整改要求"],
        [(m.reviewed_on, m.participants, m.conclusion, m.issues) for m in project.midterm_reviews.all()],
    )
    add_sheet(
        book,
        "模块初验",
        ["序号", "模块名称", "初验通过日期", "初验情况"],
        [(m.position + 1, m.name, m.accepted_on, m.acceptance_note) for m in project.modules.all()],
    )
    add_sheet(
        book,
        "数据字典",
        ["提交日期", "字段数"],
        [
            (d.submitted_on, len((d.descriptor or {}).get("fields", [])))
            for d in project.data_dictionaries.all()
        ],
    )
    add_sheet(
        book,
        "终验",
        ["申请日期", "结论", "决定日期", "终验组织单位", "意见", "备案日期"],
        [
            (f.applied_on, f.get_outcome_display(), f.decided_on, f.external_body, f.reason, f.filed_on)
            for f in project.final_acceptances.all()
        ],
    )
    add_sheet(
        book,
        "特殊情况豁免",
        ["豁免的规则", "适用起始日期", "适用截止日期", "特殊情况说明", "批准日期"],
        [
            (e.get_rule_display(), e.starts_on, e.ends_on, e.reason, e.granted_on)
            for e in project.exemptions.all()
        ],
    )
    add_sheet(
        book,
        "时限",
        ["时限", "类型", "起算日", "到期日", "完成日", "状态"],
        [
            (
                d.get_code_display(),
                d.get_kind_display(),
                d.starts_on,
                d.due_on,
                d.done_on,
                d.get_status_display(),
            )
            for d in project.deadlines.all()
        ],
    )
    add_sheet(
        book,
        "操作记录",
        ["时间", "操作人", "角色", "单位", "动作", "原阶段", "新阶段"],
        [
            (
                e.created_at,
                e.actor_name,
                e.actor_role,
                e.actor_unit,
                e.action,
                e.get_from_stage_display(),
                e.get_to_stage_display(),
            )
            for e in project.events.all()
        ],
    )
    return save(book)
