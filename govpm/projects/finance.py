"""Reads of a project's money after the approval: the baseline in force (IMPL-08), the payment schedule
and what is overdue in it (SUPV-05). Pure reads; the lifecycle (govpm/projects/lifecycle/finance.py)
writes."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from govpm.core import clock
from govpm.core.money import MoneyField

from .models import Contract, Payment, Project
from .models_finance import EstimateChange, PaymentMilestone, Settlement
from .stages import Stage

ZERO = Decimal("0.00")


def current_baseline(project: Project) -> Decimal | None:
    """The estimate every check after the approval measures against (IMPL-01, IMPL-03, IMPL-08): the
    概算价 of the 初步设计批复, or of the last 概算调整 ndrc approved (which wrote it on the project row,
    under the row lock). Tender ceilings, contracts, funding and payments all ask here; None before the
    approval."""
    return project.approved_estimate


@dataclass(frozen=True)
class Baseline:
    amount: Decimal
    since: dt.date | None
    source: str  # Chinese: what set it
    reason: str = ""
    current: bool = False


def baseline_history(project: Project) -> list[Baseline]:
    """The baselines in order, the one in force last: the design approval's, then each approved change.
    Reads `project.estimate_changes` (prefetched by the project page)."""
    approved = [c for c in project.estimate_changes.all() if c.status == EstimateChange.Status.APPROVED]
    approved.sort(key=lambda c: (c.decided_on or dt.date.min, c.pk))
    if project.approved_estimate is None:
        return []
    first = approved[0].previous_amount if approved else project.approved_estimate
    rows = [Baseline(first, project.approved_on, "初步设计批复")]
    rows += [
        Baseline(c.new_amount, c.decided_on, "概算调整批复", reason=c.decision_reason or c.reason)
        for c in approved
    ]
    last = rows[-1]
    rows[-1] = Baseline(last.amount, last.since, last.source, last.reason, current=True)
    return rows


def pending_estimate_change(project: Project) -> EstimateChange | None:
    return next(
        (c for c in project.estimate_changes.all() if c.status == EstimateChange.Status.PENDING), None
    )


@dataclass(frozen=True)
class MilestoneView:
    milestone: PaymentMilestone
    paid: Decimal  # the part of the payments that fills this milestone (in due order)
    overdue: bool

    @property
    def outstanding(self) -> Decimal:
        return self.milestone.amount - self.paid

    @property
    def status(self) -> str:
        if self.outstanding <= 0:
            return "已付清"
        if self.overdue:
            return "逾期未付"
        return "部分支付" if self.paid > 0 else "未到期"


def allocate(milestones: list[PaymentMilestone], paid_total: Decimal, today: dt.date) -> list[MilestoneView]:
    """Payments fill the milestones in due order (按进度支付); a milestone past its due date (the day
    after) that they do not fill is overdue."""
    left = paid_total
    views = []
    for milestone in sorted(milestones, key=lambda m: (m.due_on, m.position, m.pk)):
        paid = min(left, milestone.amount)
        left -= paid
        views.append(MilestoneView(milestone, paid, paid < milestone.amount and today > milestone.due_on))
    return views


@dataclass(frozen=True)
class ContractSchedule:
    contract: Contract
    paid: Decimal
    milestones: list[MilestoneView]
    settlement: Settlement | None

    @property
    def overdue(self) -> list[MilestoneView]:
        return [view for view in self.milestones if view.overdue and not self.settlement]


def schedules(project: Project, today: dt.date | None = None) -> list[ContractSchedule]:
    """Each contract with its schedule, from the relations the project page prefetched (contracts,
    payments, payment_milestones, settlements): no query per contract."""
    today = today or clock.today()
    paid: dict[int, Decimal] = {}
    for payment in project.payments.all():
        paid[payment.contract_id] = paid.get(payment.contract_id, ZERO) + payment.amount
    milestones: dict[int, list[PaymentMilestone]] = {}
    for milestone in project.payment_milestones.all():
        milestones.setdefault(milestone.contract_id, []).append(milestone)
    settled = {s.contract_id: s for s in project.settlements.all()}
    return [
        ContractSchedule(
            contract,
            paid.get(contract.pk, ZERO),
            allocate(milestones.get(contract.pk, []), paid.get(contract.pk, ZERO), today),
            settled.get(contract.pk),
        )
        for contract in project.contracts.all()
    ]


@dataclass(frozen=True)
class OverduePayment:
    """A scheduled payment past due (SUPV-05). The unit is the contract's signing unit, the one that
    pays: the owner unit, or under 统采分签 the unit that signed (ORG-05 counts it against that unit)."""

    project_id: int
    project_name: str
    unit_id: int
    contract_id: int
    supplier: str
    milestone_id: int
    milestone: str
    due_on: dt.date
    amount: Decimal  # what is still unpaid of this milestone


def overdue_scheduled_payments(
    year: int | None = None,
    *,
    today: dt.date | None = None,
    unit_id: int | None = None,
    project_id: int | None = None,
) -> list[OverduePayment]:
    """Every scheduled payment past due and not paid, on contracts not settled, of projects not
    terminated; `year` keeps those due in that year, `unit_id` those the unit must pay, `project_id`
    those of one project. One query."""
    today = today or clock.today()
    paid = (
        Payment.objects.filter(contract=OuterRef("contract_id"))
        .values("contract_id")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    rows = (
        PaymentMilestone.objects.filter(due_on__lt=today, contract__settlement__isnull=True)
        .exclude(project__stage__in=[Stage.TERMINATED, Stage.WITHDRAWN])
        .select_related("project", "contract")
        .annotate(paid_total=Coalesce(Subquery(paid), Value(0), output_field=MoneyField()))
        .order_by("contract_id", "due_on", "position", "id")
    )
    if unit_id is not None:
        rows = rows.filter(contract__signing_unit_id=unit_id)
    if project_id is not None:
        rows = rows.filter(project_id=project_id)
    found: list[OverduePayment] = []
    by_contract: dict[int, list[PaymentMilestone]] = {}
    for milestone in rows:
        by_contract.setdefault(milestone.contract_id, []).append(milestone)
    for contract_id, milestones in by_contract.items():
        paid_total: Decimal = getattr(milestones[0], "paid_total", ZERO)  # the annotation above
        for view in allocate(milestones, paid_total, today):
            m = view.milestone
            if not view.overdue or (year is not None and m.due_on.year != year):
                continue
            found.append(
                OverduePayment(
                    project_id=m.project_id,
                    project_name=m.project.name,
                    unit_id=m.contract.signing_unit_id,
                    contract_id=contract_id,
                    supplier=m.contract.supplier,
                    milestone_id=m.pk,
                    milestone=m.name,
                    due_on=m.due_on,
                    amount=view.outstanding,
                )
            )
    found.sort(key=lambda row: (row.due_on, row.project_id, row.milestone_id))
    return found
