"""招标采购 (三(三)1): the tender ceiling never exceeds the approved estimate; 统采分签 contracts."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import Sum

from govpm.accounts.models import Unit, User
from govpm.core.errors import InvalidInput

from ..finance import current_baseline
from ..models import Contract, CostShare, Project, Tender
from ..stages import Stage
from .base import not_in_future, refuse, require_text, transition
from .exemptions import approved_before

ZERO = Decimal("0")


def start_procurement(project_id: int, *, actor: User) -> Project:
    with transition(project_id, actor=actor, action="start_procurement") as step:
        step.move(Stage.PROCUREMENT)
    return step.project


def record_tender(
    project_id: int,
    *,
    actor: User,
    title: str,
    ceiling: Decimal,
    published_on: dt.date,
    method: str = "公开招标",
    bidders: list[str] | None = None,
) -> Tender:
    """招标最高限价不超过项目概算价 (IMPL-01): over all of a project's tenders together; equal is allowed."""
    title = require_text(title, "title", "招标项目名称")
    if ceiling <= 0:
        raise InvalidInput("招标最高限价：须大于0", field="ceiling")
    not_in_future(published_on, "published_on", "发布日期")
    names = [require_text(name, f"bidders.{i}", "投标人") for i, name in enumerate(bidders or [])]
    if len(set(names)) != len(names):
        raise InvalidInput("投标人：名称重复", field="bidders")
    with transition(project_id, actor=actor, action="record_tender") as step:
        project = step.project
        # The stage table lets these actions run only after the approval, which set both.
        baseline = current_baseline(project)  # after an approved 概算调整, the new one (IMPL-08)
        assert project.approved_on is not None and baseline is not None
        exemption = approved_before(
            project,
            published_on,
            field="published_on",
            refusal="招标发布日期早于初步设计批复日期（不得未批先建）",
        )
        earlier = project.tenders.aggregate(total=Sum("ceiling"))["total"] or ZERO
        if earlier + ceiling > baseline:
            raise refuse(
                "IMPL-01",
                f"招标最高限价合计 {earlier + ceiling} 元超过项目概算价 {baseline} 元",
                field="ceiling",
            )
        tender = Tender.objects.create(
            project=project,
            title=title,
            ceiling=ceiling,
            published_on=published_on,
            method=method,
            bidders=names,
            exemption=exemption,
        )
        step.record(
            tender_id=tender.pk,
            ceiling=ceiling,
            published_on=published_on,
            bidders=names,
            exemption_id=exemption.pk if exemption else None,
        )
    return tender


def record_contract(
    project_id: int,
    *,
    actor: User,
    tender_id: int,
    supplier: str,
    amount: Decimal,
    signed_on: dt.date,
    signing_unit_id: int | None = None,
) -> Contract:
    """A contract under a tender: dated after the approval (ORG-02), within the tender ceiling (IMPL-01).
    Under 统采分签 one tender has several contracts, each signed by its own unit (COORD-06)."""
    supplier = require_text(supplier, "supplier", "中标供应商")
    not_in_future(signed_on, "signed_on", "签订日期")
    if amount <= 0:
        raise InvalidInput("合同金额：须大于0", field="amount")
    with transition(project_id, actor=actor, action="record_contract") as step:
        project = step.project
        tender = Tender.objects.filter(project=project, pk=tender_id).first()
        if tender is None:
            raise InvalidInput("招标：本项目没有该招标记录", field="tender_id")
        signing_unit = project.owner_unit
        if signing_unit_id is not None:
            chosen = Unit.objects.filter(pk=signing_unit_id).first()
            if chosen is None:
                raise InvalidInput("签约单位：不存在", field="signing_unit_id")
            signing_unit = chosen
        if signing_unit != project.owner_unit:
            # COORD-10: 统采分签 — a contract is signed by the owner unit or a unit holding a cost share.
            holders = CostShare.objects.filter(funding__project=project, unit=signing_unit)
            if not holders.exists():
                raise refuse(
                    "COORD-10",
                    f"签约单位：「{signing_unit.name}」既不是业主单位，也不承担本项目的分级负担",
                    field="signing_unit_id",
                )
        exemption = approved_before(
            project,
            signed_on,
            field="signed_on",
            refusal=f"合同签订日期 {signed_on} 早于初步设计批复日期 {project.approved_on}（不得未批先建）",
        )
        signed = tender.contracts.aggregate(total=Sum("amount"))["total"] or ZERO
        if signed + amount > tender.ceiling:
            raise refuse(
                "IMPL-01",
                f"合同金额合计 {signed + amount} 元超过招标最高限价 {tender.ceiling} 元",
                field="amount",
            )
        committed = project.contracts.aggregate(total=Sum("amount"))["total"] or ZERO
        baseline = current_baseline(project)
        assert baseline is not None
        if committed + amount > baseline:
            raise refuse(
                "IMPL-08",
                f"项目合同金额合计 {committed + amount} 元超过现行概算价 {baseline} 元",
                field="amount",
            )
        contract = Contract.objects.create(
            project=project,
            tender=tender,
            supplier=supplier,
            amount=amount,
            signed_on=signed_on,
            signing_unit=signing_unit,
            exemption=exemption,
        )
        step.record(
            exemption_id=exemption.pk if exemption else None,
            contract_id=contract.pk,
            tender_id=tender.pk,
            amount=amount,
            signed_on=signed_on,
            signing_unit=signing_unit.name,
        )
    return contract


def start_implementation(project_id: int, *, actor: User) -> Project:
    """项目采购招标结束后 (IMPL-02): at least one contract signed."""
    with transition(project_id, actor=actor, action="start_implementation") as step:
        step.move(Stage.IMPLEMENTATION)
    return step.project
