"""The money after the approval: 概算调整 (IMPL-08), payment schedules and settlements (SUPV-05), the
信息工程监理 (IMPL-07). Each action under the project's row lock (`transition`), as every other."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Sum

from govpm.accounts.models import User
from govpm.core import clock
from govpm.core.errors import InvalidInput

from ..finance import current_baseline, pending_estimate_change
from ..models import Contract, EstimateChange, PaymentMilestone, Project, Settlement, Supervision
from .base import not_in_future, refuse, require_text, transition

ZERO = Decimal("0.00")
CENT = Decimal("0.01")
HUNDRED = Decimal("100")
MAX_MILESTONES = 24


def _floor_of_estimate(project: Project, new_amount: Decimal, *, field: str, suffix: str = "") -> None:
    """IMPL-08: an estimate is never changed below what is already paid, nor below the contracts signed
    under it (a baseline below them would leave signed contracts over the project's estimate)."""
    paid = project.payments.aggregate(total=Sum("amount"))["total"] or ZERO
    if new_amount < paid:
        raise refuse("IMPL-08", f"调整后概算价 {new_amount} 元低于已支付合计 {paid} 元{suffix}", field=field)
    contracted = project.contracts.aggregate(total=Sum("amount"))["total"] or ZERO
    if new_amount < contracted:
        raise refuse(
            "IMPL-08",
            f"调整后概算价 {new_amount} 元低于已签合同金额合计 {contracted} 元{suffix}",
            field=field,
        )


def apply_estimate_change(
    project_id: int,
    *,
    actor: User,
    new_amount: Decimal,
    reason: str,
    funding_source: str,
    material: str,
) -> EstimateChange:
    """The owner applies to ndrc, the original approving department, to change the approved estimate
    with the reason and the source of funds (政府投资条例 第二十三条). Only one pending at a time; a
    pending change blocks nothing else."""
    reason = require_text(reason, "reason", "调整理由")
    funding_source = require_text(funding_source, "funding_source", "资金来源")
    material = require_text(material, "material", "申请材料")
    if new_amount <= 0:
        raise InvalidInput("调整后概算价：须大于0", field="new_amount")
    with transition(project_id, actor=actor, action="apply_estimate_change") as step:
        project = step.project
        baseline = current_baseline(project)
        assert baseline is not None  # the stage table allows it only after the approval
        if new_amount == baseline:
            raise refuse(
                "IMPL-08", f"调整后概算价与现行概算价 {baseline} 元相同，无需调整", field="new_amount"
            )
        _floor_of_estimate(project, new_amount, field="new_amount")
        change = EstimateChange.objects.create(
            project=project,
            previous_amount=baseline,
            new_amount=new_amount,
            reason=reason,
            funding_source=funding_source,
            material=material,
            applied_on=clock.today(),
            applied_by=actor,
        )
        step.record(
            estimate_change_id=change.pk, previous_amount=baseline, new_amount=new_amount, reason=reason
        )
    return change


def decide_estimate_change(project_id: int, *, actor: User, decision: str, reason: str) -> EstimateChange:
    """ndrc approves or refuses the pending change, with a reason. An approved change is the baseline in
    force from now on (`finance.current_baseline`): written on the project row under its lock, so a
    payment or a tender checked after it waits for it and measures against the new amount."""
    if decision not in {"approve", "refuse"}:
        raise InvalidInput("审批结论：应为 approve（批准）或 refuse（不予批准）", field="decision")
    reason = require_text(reason, "reason", "审批意见")
    with transition(project_id, actor=actor, action="decide_estimate_change") as step:
        project = step.project
        change = pending_estimate_change(project)
        assert change is not None  # the table's precondition (estimate_change_pending) holds
        change.decided_on, change.decided_by, change.decision_reason = clock.today(), actor, reason
        if decision == "approve":
            # payments and contracts recorded since the application
            _floor_of_estimate(project, change.new_amount, field="decision", suffix="，不能批准")
            change.status = EstimateChange.Status.APPROVED
            change.previous_amount = current_baseline(project) or change.previous_amount
            project.approved_estimate = change.new_amount
        else:
            change.status = EstimateChange.Status.REFUSED
        change.save(
            update_fields=["status", "decided_on", "decided_by", "decision_reason", "previous_amount"]
        )
        step.record(
            estimate_change_id=change.pk,
            decision=decision,
            reason=reason,
            baseline=current_baseline(project),
        )
    return change


def _contract(project: Project, contract_id: int) -> Contract:
    contract = Contract.objects.filter(project=project, pk=contract_id).first()
    if contract is None:
        raise InvalidInput("合同：本项目没有该合同", field="contract_id")
    if Settlement.objects.filter(contract=contract).exists():
        raise refuse("SUPV-05", f"合同「{contract.supplier}」已结算，不能再变更", field="contract_id")
    return contract


def _milestones(contract: Contract, milestones: list[dict]) -> list[PaymentMilestone]:
    """The schedule's rows, each by share (% of the contract) or amount, never both; they add up to the
    contract exactly, in 分. By shares that add up to 100%, the last takes the rounding remainder."""
    if not milestones:
        raise InvalidInput("付款计划：至少一个付款节点", field="milestones")
    if len(milestones) > MAX_MILESTONES:
        raise InvalidInput(f"付款计划：最多 {MAX_MILESTONES} 个付款节点", field="milestones")
    rows = []
    names = set()
    for index, item in enumerate(milestones):
        at = f"milestones.{index}"
        name = require_text(item.get("name"), f"{at}.name", "付款节点名称")
        if name in names:
            raise InvalidInput(f"付款节点名称：「{name}」重复", field=f"{at}.name")
        names.add(name)
        share: Decimal | None = item.get("share")
        given: Decimal | None = item.get("amount")
        if share is not None and given is None:
            amount = (contract.amount * share / HUNDRED).quantize(CENT, rounding=ROUND_HALF_UP)
        elif given is not None and share is None:
            amount = given
        else:
            raise InvalidInput("付款节点：比例与金额须填且只填一项", field=f"{at}.amount")
        if amount <= 0:
            raise InvalidInput("付款节点金额：须大于0", field=f"{at}.amount")
        due_on = item["due_on"]
        if due_on < contract.signed_on:
            raise refuse(
                "SUPV-05",
                f"付款节点「{name}」的应付日期 {due_on} 早于合同签订日期 {contract.signed_on}",
                field=f"{at}.due_on",
            )
        rows.append(
            PaymentMilestone(name=name, share=share, amount=amount, due_on=due_on, position=index + 1)
        )
    shares = [row.share for row in rows if row.share is not None]
    if len(shares) == len(rows) and sum(shares, Decimal(0)) == HUNDRED:
        rows[-1].amount = contract.amount - sum((row.amount for row in rows[:-1]), ZERO)
    total = sum((row.amount for row in rows), ZERO)
    if total != contract.amount:
        raise refuse(
            "SUPV-05",
            f"付款计划合计 {total} 元与合同金额 {contract.amount} 元不符（相差 {total - contract.amount} 元）",
            field="milestones",
        )
    return rows


def set_payment_schedule(
    project_id: int, *, actor: User, contract_id: int, milestones: list[dict]
) -> Contract:
    """A contract's payment schedule (SUPV-05), replacing the one before: milestones with share or amount
    and due date, adding up to the contract amount exactly."""
    with transition(project_id, actor=actor, action="set_payment_schedule") as step:
        project = step.project
        contract = _contract(project, contract_id)
        rows = _milestones(contract, milestones)
        replaced = PaymentMilestone.objects.filter(contract=contract).count()
        PaymentMilestone.objects.filter(contract=contract).delete()
        for row in rows:
            row.project, row.contract = project, contract
        PaymentMilestone.objects.bulk_create(rows)
        step.record(
            contract_id=contract.pk,
            replaced=replaced,
            milestones=[{"name": r.name, "amount": r.amount, "due_on": r.due_on} for r in rows],
        )
    return contract


def record_settlement(
    project_id: int, *, actor: User, contract_id: int, amount: Decimal, settled_on: dt.date
) -> Settlement:
    """结算 of a contract (SUPV-05): not below what was paid, not above the contract, dated between the
    signing and today. After it no payment is accepted on that contract."""
    not_in_future(settled_on, "settled_on", "结算日期")
    if amount <= 0:
        raise InvalidInput("结算金额：须大于0", field="amount")
    with transition(project_id, actor=actor, action="record_settlement") as step:
        project = step.project
        contract = _contract(project, contract_id)
        if settled_on < contract.signed_on:
            raise refuse("SUPV-05", f"结算日期早于合同签订日期 {contract.signed_on}", field="settled_on")
        if amount > contract.amount:
            raise refuse("IMPL-03", f"结算金额 {amount} 元超过合同金额 {contract.amount} 元", field="amount")
        paid = contract.payments.aggregate(total=Sum("amount"))["total"] or ZERO
        if amount < paid:
            raise refuse("SUPV-05", f"结算金额 {amount} 元低于已支付合计 {paid} 元", field="amount")
        settlement = Settlement.objects.create(
            project=project, contract=contract, amount=amount, settled_on=settled_on, recorded_by=actor
        )
        step.record(contract_id=contract.pk, amount=amount, settled_on=settled_on, paid=paid)
    return settlement


def record_supervision(
    project_id: int, *, actor: User, firm: str, amount: Decimal, signed_on: dt.date, scope: str = ""
) -> Supervision:
    """信息工程监理 (IMPL-07): the firm and its contract, dated after the approval (ORG-02)."""
    firm = require_text(firm, "firm", "监理单位")
    not_in_future(signed_on, "signed_on", "监理合同签订日期")
    if amount <= 0:
        raise InvalidInput("监理合同金额：须大于0", field="amount")
    with transition(project_id, actor=actor, action="record_supervision") as step:
        project = step.project
        assert project.approved_on is not None  # the stage table allows it only after the approval
        if signed_on < project.approved_on:
            raise refuse("ORG-02", "监理合同签订日期早于初步设计批复日期（不得未批先建）", field="signed_on")
        supervision = Supervision.objects.create(
            project=project, firm=firm, amount=amount, signed_on=signed_on, scope=scope.strip()
        )
        step.record(supervision_id=supervision.pk, firm=firm, amount=amount, signed_on=signed_on)
    return supervision
