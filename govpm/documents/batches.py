"""申报批次 and the 年度项目计划 (PLAN-05, 三(一)1 实时征集各部门需求、定期汇总).

smart_office opens a batch with a name and a closing date; needs bdb accepts into the pool while it is open
belong to it (`projects.lifecycle.intake.review_needs`). Closing it, in one transaction under the batch's
row lock, fixes the 年度项目计划 (the batch's needs still going on, with their requested amounts and the
budget year) and issues the 需求汇总表 as XLSX and as a numbered list in the 公文 layout (DOCX; the PDF is
converted from it on demand), plus the plan as XLSX. Every write is audited."""

from __future__ import annotations

import datetime as dt
import hashlib
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.urls import reverse
from openpyxl import Workbook

from govpm.accounts.models import Unit, User
from govpm.core import access, audit, clock
from govpm.core.clock import date_zh
from govpm.core.errors import Conflict, InvalidInput, NotFound, RuleViolation
from govpm.core.money import format_wan, format_yuan
from govpm.core.parsers import clean_text
from govpm.notices import outbox, rules
from govpm.notices.models import Notice
from govpm.notices.rules import Draft
from govpm.officialdoc import pdf
from govpm.officialdoc.composition import Composition, Outline
from govpm.officialdoc.render import render
from govpm.policy.catalog import citation
from govpm.projects.models import CATEGORY_LABELS, AnnualPlanItem, Batch, Project
from govpm.projects.stages import Stage

from . import workbooks
from .compose import POLICY
from .models import BatchFile
from .numbering import next_number

# Needs of a closed batch that no longer go on the plan.
OFF_PLAN = frozenset({Stage.WITHDRAWN, Stage.TERMINATED, Stage.MERGED, Stage.REJECTED, Stage.OUT_OF_SCOPE})
SUMMARY_HEADERS = [
    "序号",
    "项目名称",
    "业主单位",
    "层级",
    "项目类别",
    "申报估算（元）",
    "经确认的优先列入情形数",
    "绩效目标",
    "入库时间",
    "当前阶段",
]
PLAN_HEADERS = ["序号", "项目名称", "业主单位", "申报估算（元）", "预算年度"]


def _refuse(message: str, field: str) -> RuleViolation:
    return RuleViolation(message, rule="PLAN-05", citation=citation("PLAN-05"), field=field)


def _name(value) -> str:
    if not isinstance(value, str):
        raise InvalidInput("批次名称：应为文本", field="name")
    text = clean_text(value, "name", "批次名称").strip()
    if not text:
        raise InvalidInput("批次名称：不能为空", field="name")
    if len(text) > 100:
        raise InvalidInput("批次名称：不能超过100个字", field="name")
    return text


def _lock(batch_id) -> Batch:
    try:
        pk = int(batch_id)
    except (TypeError, ValueError):
        raise NotFound("申报批次不存在") from None
    batch = Batch.objects.select_for_update().filter(pk=pk).first()
    if batch is None:
        raise NotFound("申报批次不存在")
    return batch


def open_batch(*, actor: User, name: str, closes_on: dt.date, year: int | None = None) -> Batch:
    """smart_office opens a 申报批次; one at a time, closing today or later."""
    access.require(actor, "batches.manage", "只有市智慧办可以开启申报批次", rule="PLAN-05")
    name = _name(name)
    if not isinstance(closes_on, dt.date):
        raise InvalidInput("截止日期：日期格式应为 YYYY-MM-DD", field="closes_on")
    today = clock.today()
    if closes_on < today:
        raise InvalidInput(f"截止日期：不能早于今天（{date_zh(today)}）", field="closes_on")
    year = year if year is not None else closes_on.year
    if not 2020 <= year <= today.year + 5:
        raise InvalidInput(f"年度：应在2020至{today.year + 5}年之间", field="year")
    try:
        with transaction.atomic():
            current = Batch.objects.select_for_update().filter(status=Batch.Status.OPEN).first()
            if current is not None:
                raise _refuse(f"已有征集中的申报批次「{current.name}」，须先截止该批次", "status")
            batch = Batch.objects.create(
                year=year, name=name, closes_on=closes_on, opened_by=actor, opened_at=clock.now()
            )
            audit.record(
                actor=actor,
                action="open_batch",
                target=batch,
                changes=audit.diff(
                    {}, {"name": name, "year": year, "closes_on": closes_on, "status": batch.status}
                ),
            )
    except IntegrityError:  # another batch was opened at the same moment (batch_one_open)
        raise Conflict("已有征集中的申报批次，须先截止该批次", code="batch_open", rule="PLAN-05") from None
    return batch


def _needs(batch: Batch) -> list[Project]:
    return list(
        Project.objects.filter(batch=batch)
        .select_related("owner_unit")
        .prefetch_related("performance_targets")
        .order_by("-priority_score", "submitted_at", "id")
    )


def _targets_text(project: Project) -> str:
    return "；".join(
        f"{t.indicator}{t.value_text}（{date_zh(t.due_by)}前）" for t in project.performance_targets.all()
    )


def summary_rows(needs: list[Project]) -> list[list]:
    return [
        [
            index,
            need.name,
            need.owner_unit.name,
            need.get_level_display(),
            CATEGORY_LABELS.get(need.category or 0, "未填报"),
            need.requested_estimate,
            need.priority_score,
            _targets_text(need),
            need.submitted_at,
            need.stage_label,
        ]
        for index, need in enumerate(needs, start=1)
    ]


def summary_workbook(batch: Batch, needs: list[Project]) -> bytes:
    book = Workbook()
    workbooks.add_sheet(book, "需求汇总表", SUMMARY_HEADERS, summary_rows(needs), money=["申报估算（元）"])
    return workbooks.save(book)


def plan_workbook(batch: Batch, items: list[AnnualPlanItem]) -> bytes:
    book = Workbook()
    rows = [
        [
            item.position,
            item.project.name,
            item.project.owner_unit.name,
            item.requested_estimate,
            item.budget_year,
        ]
        for item in items
    ]
    workbooks.add_sheet(
        book, f"{batch.budget_year}年度项目计划", PLAN_HEADERS, rows, money=["申报估算（元）"]
    )
    return workbooks.save(book)


def summary_composition(
    batch: Batch, needs: list[Project], items: list[AnnualPlanItem], issuer: Unit
) -> Composition:
    outline = Outline()
    issued = date_zh(clock.today())
    total = sum((item.requested_estimate or Decimal("0") for item in items), Decimal("0"))
    outline.text(
        f"根据{POLICY}“建立项目需求库，实时征集各部门需求、定期汇总”的要求，现将{batch.name}"
        f"（截止日期{date_zh(batch.closes_on)}）入库的项目需求汇总如下："
    )
    outline.heading(1, "需求汇总")
    outline.table(
        ["序号", "项目名称", "业主单位", "申报估算（万元）", "绩效目标"],
        [
            [row[0], row[1], row[2], format_wan(row[5]) if row[5] is not None else "", row[7]]
            for row in summary_rows(needs)
        ],
        widths=(0.6, 2.4, 2, 1.2, 3),
        centered=frozenset({0}),
    )
    outline.heading(1, f"{batch.budget_year}年度项目计划")
    outline.text(
        f"本批次列入{batch.budget_year}年度项目计划的需求共{len(items)}项，申报估算合计"
        f"{format_wan(total)}（{format_yuan(total)}元），按预算年度纳入财政保障（三(二)3）。"
    )
    return Composition(
        issuer_mark=issuer.name,
        number=batch.summary_number,
        title=f"关于{batch.name}项目需求汇总情况的通知",
        addressee="各县（市、区）人民政府，市政府各部门、直属各单位：",
        blocks=outline.blocks,
        signature=issuer.name,
        date=issued,
        printed_by=issuer.name,
        printed_on=issued,
    )


def _keep(batch: Batch, kind: str, data: bytes) -> BatchFile:
    return BatchFile.objects.create(
        batch=batch, kind=kind, data=data, sha256=hashlib.sha256(data).hexdigest(), size=len(data)
    )


def close_batch(batch_id, *, actor: User, budget_year: int) -> Batch:
    """smart_office closes the batch: the 年度项目计划 is fixed and the 汇总表 issued, all or nothing."""
    access.require(actor, "batches.manage", "只有市智慧办可以截止申报批次", rule="PLAN-05")
    with transaction.atomic():
        batch = _lock(batch_id)
        if batch.status != Batch.Status.OPEN:
            raise Conflict(f"申报批次「{batch.name}」已截止", code="already_done", rule="PLAN-05")
        if isinstance(budget_year, bool) or not isinstance(budget_year, int):
            raise InvalidInput("预算年度：应为四位年份", field="budget_year")
        if not batch.year <= budget_year <= batch.year + 2:
            raise InvalidInput(f"预算年度：应在{batch.year}至{batch.year + 2}年之间", field="budget_year")
        issuer = Unit.objects.filter(code="smart_office").first()
        if issuer is None:
            raise _refuse("未配置市智慧办单位，不能印发需求汇总表", "batch")
        before = audit.values(batch, ["status", "budget_year", "summary_number"])
        needs = _needs(batch)
        on_plan = [need for need in needs if need.stage not in OFF_PLAN]
        items = AnnualPlanItem.objects.bulk_create(
            [
                AnnualPlanItem(
                    batch=batch,
                    project=need,
                    position=index,
                    requested_estimate=need.requested_estimate,
                    budget_year=budget_year,
                )
                for index, need in enumerate(on_plan, start=1)
            ]
        )
        batch.status = Batch.Status.CLOSED
        batch.closed_by = actor
        batch.closed_at = clock.now()
        batch.budget_year = budget_year
        batch.summary_number = next_number(issuer, clock.today().year)
        batch.save()
        _keep(batch, BatchFile.Kind.SUMMARY_XLSX, summary_workbook(batch, needs))
        docx = render(summary_composition(batch, needs, items, issuer), issued_on=clock.today())
        _keep(batch, BatchFile.Kind.SUMMARY_DOCX, docx)
        _keep(batch, BatchFile.Kind.PLAN_XLSX, plan_workbook(batch, items))
        _notify_closed(batch, on_plan, actor)
        audit.record(
            actor=actor,
            action="close_batch",
            target=batch,
            changes=audit.diff(before, audit.values(batch, ["status", "budget_year", "summary_number"])),
            payload={
                "needs": [need.pk for need in needs],
                "annual_plan": [item.project_id for item in items],
            },
        )
    return batch


def _notify_closed(batch: Batch, on_plan: list[Project], actor: User) -> None:
    """NOTE-01: each need's owner unit is told its need is on the 年度项目计划; bdb, ndrc and finance, who
    work from the plan (needs review, approval, 资金统筹), are told it is fixed. One INSERT for all."""
    owners: dict[int | None, list[User]] = {}
    for user in rules.owners_of_units({need.owner_unit_id for need in on_plan}):
        owners.setdefault(user.unit_id, []).append(user)
    year = f"{batch.budget_year}年度"
    drafts: list[tuple[Project | None, Draft]] = [
        (
            need,
            Draft(
                recipients=owners.get(need.owner_unit_id, []),
                kind=Notice.Kind.DECISION,
                text=f"「{need.name}」已列入{year}项目计划（{batch.name}，需求汇总表{batch.summary_number}）",
                link=rules.project_link(need),
            ),
        )
        for need in on_plan
    ]
    total = sum((need.requested_estimate or Decimal("0") for need in on_plan), Decimal("0"))
    drafts.append(
        (
            None,
            Draft(
                recipients=list(rules.with_role("bdb", "ndrc", "finance")),
                kind=Notice.Kind.DOCUMENT,
                text=f"{batch.name}已截止，{year}项目计划确定：{len(on_plan)}个项目，申报估算合计"
                f"{format_wan(total)}（需求汇总表{batch.summary_number}）",
                link=reverse("documents:batch", kwargs={"pk": batch.pk}),
            ),
        )
    )
    outbox.write_each("close_batch", drafts, exclude=actor)


def file_bytes(batch: Batch, kind: str) -> bytes:
    row = BatchFile.objects.filter(batch=batch, kind=kind).values_list("data", flat=True).first()
    if row is None:
        raise NotFound("该批次尚未印发此文件")
    return bytes(row)


def summary_pdf(batch: Batch) -> Path:
    """The 公文-layout 汇总表 as PDF, converted once from the kept DOCX and cached by its hash."""
    digest = (
        BatchFile.objects.filter(batch=batch, kind=BatchFile.Kind.SUMMARY_DOCX)
        .values_list("sha256", flat=True)
        .first()
    )
    if digest is None:
        raise NotFound("该批次尚未印发需求汇总表")
    path = Path(settings.MEDIA_ROOT) / "documents" / "pdf" / f"{digest}.pdf"
    if path.exists():
        return path
    return pdf.store(path, pdf.convert(file_bytes(batch, BatchFile.Kind.SUMMARY_DOCX)))


def current_batch() -> Batch | None:
    return Batch.objects.filter(status=Batch.Status.OPEN).first()


# -- reads -------------------------------------------------------------------------------------------------

DOWNLOADS = {
    "summary.xlsx": (
        BatchFile.Kind.SUMMARY_XLSX,
        "需求汇总表",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
    "summary.docx": (
        BatchFile.Kind.SUMMARY_DOCX,
        "需求汇总表",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    "plan.xlsx": (
        BatchFile.Kind.PLAN_XLSX,
        "年度项目计划",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
}


def batch_list(actor: User):
    """Every batch, newest first, with its counts: one query."""
    access.require(actor, "batches.read", "无权查看申报批次")
    return (
        Batch.objects.annotate(
            need_count=Count("needs", distinct=True), plan_count=Count("plan_items", distinct=True)
        )
        .select_related("opened_by", "closed_by")
        .order_by("-id")
    )


def batch_detail(batch_id, *, actor: User) -> dict:
    """A batch with its needs (as the pool ranks them) and its 年度项目计划: four queries."""
    access.require(actor, "batches.read", "无权查看申报批次")
    try:
        batch = Batch.objects.select_related("opened_by", "closed_by").get(pk=int(batch_id))
    except (Batch.DoesNotExist, TypeError, ValueError):
        raise NotFound("申报批次不存在") from None
    items = list(
        AnnualPlanItem.objects.filter(batch=batch).select_related("project__owner_unit").order_by("position")
    )
    files = dict(BatchFile.objects.filter(batch=batch).values_list("kind", "sha256"))
    return {"batch": batch, "needs": _needs(batch), "plan_items": items, "files": files}


def download(batch_id, name: str, *, actor: User) -> tuple[bytes, str, str]:
    """(bytes, file name, content type) of a file the batch issued; `summary.pdf` converts the DOCX."""
    detail = batch_detail(batch_id, actor=actor)
    batch = detail["batch"]
    if name == "summary.pdf":
        return summary_pdf(batch).read_bytes(), f"{batch.name}需求汇总表.pdf", "application/pdf"
    if name not in DOWNLOADS:
        raise NotFound("没有该文件")
    kind, label, content_type = DOWNLOADS[name]
    suffix = name.rsplit(".", 1)[1]
    title = f"{batch.budget_year}{label}" if kind == BatchFile.Kind.PLAN_XLSX else f"{batch.name}{label}"
    return file_bytes(batch, kind), f"{title}.{suffix}", content_type
