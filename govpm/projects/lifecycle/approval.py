"""审批决定 and 资金统筹 (三(二)2、3): design approval within 3 days, price review, project code, funding."""

from __future__ import annotations

import re
from decimal import Decimal

from django.db.models import Sum

from govpm.accounts.codes import REGIONS
from govpm.accounts.models import Unit, User
from govpm.core import clock
from govpm.core.errors import InvalidInput

from ..finance import current_baseline
from ..models import CostShare, Deadline, Funding, IssuedDocument, Project
from ..stages import Stage
from .base import not_in_future, refuse, require_text, transition
from .records import close_deadline, issue_document, open_deadline

# 投资项目在线审批监管平台 code: YYYY-RRRRRR-DD-TT-NNNNNC (time, GB/T 2260 region, department, type,
# 5 serial + 1 check character). The check rule is not verified until its document is on file.
PROJECT_CODE = re.compile(r"^(?P<year>\d{4})-(?P<region>\d{6})-\d{2}-\d{2}-\d{5}[0-9A-Z]$")
ZHEJIANG = "330000"


def validate_project_code(code: str) -> str:
    code = (code or "").strip().upper()
    match = PROJECT_CODE.match(code)
    if not match:
        raise InvalidInput(
            "项目代码：格式应为 YYYY-RRRRRR-DD-TT-NNNNNC（24位，五段以“-”分隔）",
            field="project_code",
            rule="COORD-05",
        )
    if match["region"] not in REGIONS and match["region"] != ZHEJIANG:
        raise InvalidInput(
            f"项目代码：区划段 {match['region']} 不是浙江省或衢州市及所辖县（市、区）的代码",
            field="project_code",
            rule="COORD-05",
        )
    if not 2000 <= int(match["year"]) <= clock.today().year:
        raise InvalidInput("项目代码：年份段不正确", field="project_code", rule="COORD-05")
    return code


def accept_application(project_id: int, *, actor: User) -> Project:
    """ndrc accepts (受理) the approval application: the 3-day clock for the design approval starts."""
    with transition(project_id, actor=actor, action="accept_application") as step:
        deadline = open_deadline(step.project, Deadline.Code.TIME_01, starts_on=clock.today())
        step.record(due_on=deadline.due_on, counting=deadline.counting)
    return step.project


def issue_design_approval(project_id: int, *, actor: User, approval_text: str) -> Project:
    """初步设计批复 from the consultation opinion. Issued late, it is issued and marked late (TIME-01)."""
    approval_text = require_text(approval_text, "approval_text", "批复内容")
    with transition(project_id, actor=actor, action="issue_design_approval") as step:
        project = step.project  # accepted, not yet issued: the table's preconditions
        document = issue_document(
            project,
            kind=IssuedDocument.Kind.DESIGN_APPROVAL,
            issuer_code="ndrc",
            body=approval_text,
            amount=project.approved_estimate,
        )
        project.approved_on = document.issued_on
        deadline = close_deadline(project, Deadline.Code.TIME_01, done_on=document.issued_on)
        assert deadline is not None  # TIME-01 opened when the design was submitted
        step.record(
            document=document.number,
            late=deadline.status == Deadline.Status.DONE_LATE,
            due_on=deadline.due_on,
        )
    return step.project


def issue_price_review(
    project_id: int, *, actor: User, amount: Decimal | None = None, review_text: str = ""
) -> Project:
    """价格评审意见书 at the approved estimate of the consultation opinion (COORD-04)."""
    with transition(project_id, actor=actor, action="issue_price_review") as step:
        project = step.project
        if amount is not None and amount != project.approved_estimate:
            raise refuse(
                "COORD-04",
                f"价格评审意见书须按决策咨询意见中的概算价 {project.approved_estimate} 元出具",
                field="amount",
            )
        document = issue_document(
            project,
            kind=IssuedDocument.Kind.PRICE_REVIEW,
            issuer_code="review_center",
            body=review_text.strip(),
            amount=project.approved_estimate,
        )
        step.record(document=document.number, amount=project.approved_estimate)
    return step.project


def record_project_code(project_id: int, *, actor: User, project_code: str) -> Project:
    """The code the online approval platform generated (COORD-05); classified projects need none."""
    code = validate_project_code(project_code)
    with transition(project_id, actor=actor, action="record_project_code") as step:
        previous = step.project.project_code
        step.project.project_code = code
        step.record(project_code=code, previous=previous)
    return step.project


def _share_holder(project: Project, share: dict, index: int) -> Unit | None:
    """COORD-10: the unit that holds a cost share, and so sees the project and may sign its contracts.
    Named (`unit_id`) it must lie in the share's region; unnamed, the owner unit holds its own region's
    share and a county's government the county's."""
    if share.get("unit_id") is not None:
        unit = Unit.objects.filter(pk=share["unit_id"]).first()
        if unit is None:
            raise InvalidInput("分级负担：承担单位不存在", field=f"shares.{index}.unit_id")
        if unit.region_code != share["region_code"]:
            raise refuse(
                "COORD-10",
                f"分级负担：承担单位「{unit.name}」不在所承担的区划（{REGIONS[share['region_code']]}）",
                field=f"shares.{index}.unit_id",
            )
        return unit
    if share["region_code"] == project.owner_unit.region_code:
        return project.owner_unit
    counties = list(Unit.objects.filter(kind=Unit.Kind.COUNTY, region_code=share["region_code"])[:2])
    return counties[0] if len(counties) == 1 else None


def record_funding(
    project_id: int,
    *,
    actor: User,
    amount: Decimal,
    decided_on,
    om_amount: Decimal = Decimal("0"),
    source: str = "",
    shares: list[dict] | None = None,
) -> Project:
    """Funds into the fiscal guarantee; city and county shares add up to the amount (COORD-06)."""
    if amount <= 0:
        raise InvalidInput("安排资金：须大于0", field="amount")
    not_in_future(decided_on, "decided_on", "落实日期")
    with transition(project_id, actor=actor, action="record_funding") as step:
        project = step.project  # both documents and the code are in: the table's preconditions
        baseline = current_baseline(project)
        assert baseline is not None  # set by the design approval, before any funding
        if amount > baseline:
            raise refuse("IMPL-03", f"安排资金 {amount} 元超过概算价 {baseline} 元", field="amount")
        if decided_on < project.approved_on:
            # COORD-06 (三(二)3): "经审批后的项目资金…纳入财政保障体系" — funds follow the approval. Not ORG-02
            # (no building before approval): an ORG-04 exemption, which lifts ORG-02 only, does not lift it.
            raise refuse(
                "COORD-06",
                f"落实日期：资金落实日期 {decided_on} 早于初步设计批复日期 {project.approved_on}"
                "（经审批后的项目资金方纳入财政保障）",
                field="decided_on",
            )
        if not shares:
            shares = [{"region_code": project.owner_unit.region_code, "amount": amount}]
        seen = set()
        for index, share in enumerate(shares):
            if share["region_code"] not in REGIONS:
                raise InvalidInput(
                    "分级负担：区划代码不是衢州市或所辖县（市、区）", field=f"shares.{index}.region_code"
                )
            if share["region_code"] in seen:
                raise InvalidInput("分级负担：同一区划重复", field=f"shares.{index}.region_code")
            seen.add(share["region_code"])
        holders = [_share_holder(project, share, index) for index, share in enumerate(shares)]
        total = sum((share["amount"] for share in shares), Decimal("0"))
        if total != amount:
            raise refuse("COORD-06", f"分级负担合计 {total} 元与安排资金 {amount} 元不一致", field="shares")
        funding = Funding.objects.create(
            project=project,
            amount=amount,
            om_amount=om_amount,
            source=source,
            decided_on=decided_on,
            recorded_by=actor,
        )
        CostShare.objects.bulk_create(
            [
                CostShare(
                    funding=funding, region_code=share["region_code"], amount=share["amount"], unit=unit
                )
                for share, unit in zip(shares, holders, strict=True)
            ]
        )
        assert funding.shares.aggregate(total=Sum("amount"))["total"] == amount  # exact in 分, on SQLite too
        step.move(Stage.FUNDED)
        step.record(
            amount=amount,
            om_amount=om_amount,
            shares=[
                {
                    "region_code": share["region_code"],
                    "amount": share["amount"],
                    "unit": unit.name if unit else "",
                }
                for share, unit in zip(shares, holders, strict=True)
            ],
        )
    return step.project
