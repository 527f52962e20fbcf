"""大实施 and 大监管 during the build: inspections, mid-term review, payments, data dictionary, 初验."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import Max, Sum

from govpm.accounts.models import Unit, User
from govpm.core import clock
from govpm.core.errors import Conflict, InvalidInput

from .. import datadict
from ..finance import current_baseline
from ..models import (
    Contract,
    DataDictionary,
    Deadline,
    Inspection,
    MidtermReview,
    Module,
    Payment,
    Settlement,
)
from .base import not_in_future, refuse, require_text, transition
from .exemptions import approved_before
from .records import close_deadline, open_deadline

ZERO = Decimal("0")


# "1+1" (IMPL-09): the two inspecting units; each records with the other as its partner.
JOINT_INSPECTORS = ("bdb", "bizenv")


def record_inspection(
    project_id: int,
    *,
    actor: User,
    inspected_on: dt.date,
    result: str,
    findings: str,
    joint_with: str = "",
    participants: str = "",
) -> Inspection:
    """An unannounced inspection of progress (IMPL-02). With `joint_with` (the other of bdb and bizenv) and
    the participants of both named, it is a "1+1" inspection (IMPL-09); without, it is recorded as an
    inspection by one unit alone, labelled so and not counted as "1+1"."""
    if result not in Inspection.Result.values:
        raise InvalidInput("检查结论：应为 on_track、issues 或 serious", field="result")
    findings = require_text(findings, "findings", "检查情况")
    participants = (participants or "").strip()
    not_in_future(inspected_on, "inspected_on", "检查日期")
    with transition(project_id, actor=actor, action="record_inspection") as step:
        assert actor.unit is not None  # inspections are by bdb or bizenv, both units
        partner = None
        if joint_with:
            if actor.unit.code not in JOINT_INSPECTORS or joint_with not in JOINT_INSPECTORS:
                raise refuse(
                    "IMPL-09", "联合检查单位：“1+1”督查由市大数据局和市营商办共同开展", field="joint_with"
                )
            if joint_with == actor.unit.code:
                raise refuse("IMPL-09", "联合检查单位：应为另一家督查单位，不能是本单位", field="joint_with")
            if not participants:
                raise refuse("IMPL-09", "参加人员：“1+1”督查须写明两家单位的参加人员", field="participants")
            partner = Unit.objects.get(code=joint_with)
        inspection = Inspection.objects.create(
            project=step.project,
            unit=actor.unit,
            partner_unit=partner,
            participants=participants,
            inspected_on=inspected_on,
            result=result,
            findings=findings,
        )
        step.record(
            inspection_id=inspection.pk,
            result=result,
            inspected_on=inspected_on,
            joint=inspection.is_joint,
            participants=participants,
        )
    return inspection


def plan_implementation(project_id: int, *, actor: User, starts_on: dt.date, ends_on: dt.date):
    """The planned implementation period (SUPV-06); its half is when the mid-term review falls due."""
    if ends_on <= starts_on:
        raise InvalidInput("计划实施结束：须晚于计划实施开始", field="ends_on")
    if (ends_on - starts_on).days > 366 * 10:
        raise InvalidInput("计划实施结束：实施期不能超过10年", field="ends_on")
    with transition(project_id, actor=actor, action="plan_implementation") as step:
        project = step.project
        project.implementation_starts_on, project.implementation_ends_on = starts_on, ends_on
        deadline = open_deadline(project, Deadline.Code.SUPV_06, starts_on=starts_on, ends_on=ends_on)
        first = project.midterm_reviews.order_by("reviewed_on").values_list("reviewed_on", flat=True).first()
        if first is not None:
            close_deadline(project, Deadline.Code.SUPV_06, done_on=first)
        step.record(starts_on=starts_on, ends_on=ends_on, midterm_review_by=deadline.due_on)
    return step.project


def record_midterm_review(
    project_id: int,
    *,
    actor: User,
    reviewed_on: dt.date,
    conclusion: str,
    participants: str,
    issues: str = "",
) -> MidtermReview:
    """中期监管 (SUPV-02), with who took part (SUPV-06); the first one closes the SUPV-06 clock."""
    conclusion = require_text(conclusion, "conclusion", "监管结论")
    participants = require_text(participants, "participants", "参加单位和人员")
    not_in_future(reviewed_on, "reviewed_on", "监管日期")
    with transition(project_id, actor=actor, action="record_midterm_review") as step:
        review = MidtermReview.objects.create(
            project=step.project,
            reviewed_on=reviewed_on,
            conclusion=conclusion,
            issues=issues.strip(),
            participants=participants,
        )
        clock_ = Deadline.objects.filter(project=step.project, code=Deadline.Code.SUPV_06).first()
        if clock_ is not None and clock_.done_on is None:
            close_deadline(step.project, Deadline.Code.SUPV_06, done_on=reviewed_on)
        step.record(review_id=review.pk, reviewed_on=reviewed_on, participants=participants)
    return review


def record_payment(
    project_id: int, *, actor: User, contract_id: int, amount: Decimal, paid_on: dt.date, milestone: str = ""
) -> Payment:
    """Paid by progress (SUPV-03); never more than the contract (IMPL-03); never before approval (ORG-02).
    SUPV-05: until the contract is settled, after final acceptance too (验收款, 质保金); never dated
    before the contract's signing nor after today. IMPL-08: the project's payments never exceed the
    baseline in force, read under the row lock that a 概算调整 decision also takes."""
    not_in_future(paid_on, "paid_on", "支付日期")
    if amount <= 0:
        raise InvalidInput("支付金额：须大于0", field="amount")
    with transition(project_id, actor=actor, action="record_payment") as step:
        project = step.project
        contract = Contract.objects.filter(project=project, pk=contract_id).first()
        if contract is None:
            raise InvalidInput("合同：本项目没有该合同", field="contract_id")
        if Settlement.objects.filter(contract=contract).exists():
            raise refuse("SUPV-05", f"合同「{contract.supplier}」已结算，不再登记支付", field="contract_id")
        exemption = approved_before(
            project, paid_on, field="paid_on", refusal="支付日期早于初步设计批复日期（不得未批先建）"
        )
        if paid_on < contract.signed_on:
            raise refuse(
                "SUPV-05", f"支付日期 {paid_on} 早于合同签订日期 {contract.signed_on}", field="paid_on"
            )
        paid = contract.payments.aggregate(total=Sum("amount"))["total"] or ZERO
        if paid + amount > contract.amount:
            raise refuse(
                "IMPL-03", f"累计支付 {paid + amount} 元超过合同金额 {contract.amount} 元", field="amount"
            )
        project_paid = project.payments.aggregate(total=Sum("amount"))["total"] or ZERO
        baseline = current_baseline(project)
        assert baseline is not None
        if project_paid + amount > baseline:
            raise refuse(
                "IMPL-08",
                f"项目累计支付 {project_paid + amount} 元超过现行概算价 {baseline} 元",
                field="amount",
            )
        payment = Payment.objects.create(
            project=project,
            contract=contract,
            amount=amount,
            paid_on=paid_on,
            milestone=milestone.strip(),
            exemption=exemption,
        )
        step.record(
            exemption_id=exemption.pk if exemption else None,
            payment_id=payment.pk,
            contract_id=contract.pk,
            amount=amount,
            paid_on=paid_on,
            paid_total=paid + amount,
            baseline=baseline,
        )
    return payment


def submit_data_dictionary(project_id: int, *, actor: User, descriptor: dict) -> DataDictionary:
    """数据字典 to bdb (IMPL-04); a dictionary with errors is refused with the field named."""
    found = datadict.problems(descriptor)
    if found:
        field, first = found[0]
        if len(found) == 1:
            raise InvalidInput(f"数据字典：{first}", field=field, rule="IMPL-04")
        messages = "；".join(f"{path}：{message}" for path, message in found)
        raise InvalidInput(f"数据字典有 {len(found)} 处错误：{messages}", field=field, rule="IMPL-04")
    with transition(project_id, actor=actor, action="submit_data_dictionary") as step:
        dictionary = DataDictionary.objects.create(
            project=step.project, descriptor=descriptor, submitted_on=clock.today(), submitted_by=actor
        )
        step.record(data_dictionary_id=dictionary.pk)
    return dictionary


def pass_module_acceptance(
    project_id: int, *, actor: User, module_id: int, accepted_on: dt.date, note: str = ""
) -> Module:
    """One module passes 初验 (IMPL-05). When the last one passes, the 3-month clock starts (TIME-02)."""
    not_in_future(accepted_on, "accepted_on", "初验日期")
    with transition(project_id, actor=actor, action="pass_module_acceptance") as step:
        project = step.project
        module = project.modules.filter(pk=module_id).first()
        if module is None:
            raise InvalidInput("模块：本项目没有该模块", field="module_id")
        if module.accepted_on:
            raise Conflict(f"模块「{module.name}」已于 {module.accepted_on} 通过初验", code="already_done")
        first_contract = project.contracts.order_by("signed_on").values_list("signed_on", flat=True).first()
        if first_contract and accepted_on < first_contract:
            raise InvalidInput("初验日期：不能早于首份合同签订日期", field="accepted_on")
        module.accepted_on, module.acceptance_note = accepted_on, note.strip()
        module.save(update_fields=["accepted_on", "acceptance_note"])
        pending = project.modules.filter(accepted_on__isnull=True).count()
        if pending == 0:
            last = project.modules.aggregate(last=Max("accepted_on"))["last"]
            deadline = open_deadline(project, Deadline.Code.TIME_02, starts_on=last)
            step.record(final_acceptance_from=deadline.due_on)
        step.record(module_id=module.pk, module=module.name, accepted_on=accepted_on, pending=pending)
    return module
