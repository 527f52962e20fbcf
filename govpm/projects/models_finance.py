"""The money of a project after its approval: changes of the approved estimate (IMPL-08), payment
schedules and settlements of contracts (SUPV-05), the supervising firm (IMPL-07). Fields and constraints
only; every change goes through a function in govpm/projects/lifecycle/."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from govpm.core.money import MoneyField

User = settings.AUTH_USER_MODEL


class EstimateChange(models.Model):
    """概算调整 (政府投资条例 第二十三条): the owner applies, ndrc (the approving department) decides. An
    approved change is the project's new baseline; `previous_amount` keeps the one it replaced."""

    class Status(models.TextChoices):
        PENDING = "pending", "待审批"
        APPROVED = "approved", "已批准"
        REFUSED = "refused", "不予批准"

    project = models.ForeignKey("projects.Project", on_delete=models.PROTECT, related_name="estimate_changes")
    previous_amount = MoneyField("调整前概算价（元）")
    new_amount = MoneyField("申请调整后概算价（元）")
    reason = models.TextField("调整理由")
    funding_source = models.CharField("资金来源", max_length=100)
    material = models.CharField("申请材料", max_length=200)
    applied_on = models.DateField("申请日期")
    applied_by = models.ForeignKey(User, verbose_name="申请人", on_delete=models.PROTECT, related_name="+")
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.PENDING)
    decided_on = models.DateField("审批日期", null=True, blank=True)
    decided_by = models.ForeignKey(
        User, verbose_name="审批人", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decision_reason = models.TextField("审批意见", blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "概算调整"
        ordering = ["project_id", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(new_amount__gt=0), name="estimate_change_positive"),
            models.UniqueConstraint(
                fields=["project"], condition=Q(status="pending"), name="estimate_change_one_pending"
            ),
        ]


class PaymentMilestone(models.Model):
    """One milestone of a contract's payment schedule (SUPV-05): the schedule adds up to the contract.
    Payments fill the milestones in due order; a milestone past due and not filled is overdue."""

    project = models.ForeignKey(
        "projects.Project", on_delete=models.PROTECT, related_name="payment_milestones"
    )
    contract = models.ForeignKey("projects.Contract", on_delete=models.CASCADE, related_name="milestones")
    position = models.PositiveSmallIntegerField("序号")
    name = models.CharField("付款节点", max_length=100)
    share = models.DecimalField("比例（%）", max_digits=5, decimal_places=2, null=True, blank=True)
    amount = MoneyField("应付金额（元）")
    due_on = models.DateField("应付日期")

    class Meta:
        verbose_name = verbose_name_plural = "付款计划"
        ordering = ["contract_id", "due_on", "position", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="milestone_amount_positive"),
            models.UniqueConstraint(fields=["contract", "position"], name="milestone_unique_position"),
        ]
        indexes = [models.Index(fields=["due_on"], name="milestone_due_idx")]


class Settlement(models.Model):
    """结算 of a contract: after it no payment is accepted on that contract (SUPV-05)."""

    project = models.ForeignKey("projects.Project", on_delete=models.PROTECT, related_name="settlements")
    contract = models.OneToOneField("projects.Contract", on_delete=models.PROTECT, related_name="settlement")
    amount = MoneyField("结算金额（元）")
    settled_on = models.DateField("结算日期")
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = verbose_name_plural = "合同结算"
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="settlement_positive")]


class Supervision(models.Model):
    """信息工程监理 (IMPL-07, encouraged, optional): the supervising firm and its contract."""

    project = models.ForeignKey("projects.Project", on_delete=models.PROTECT, related_name="supervisions")
    firm = models.CharField("监理单位", max_length=200)
    amount = MoneyField("监理合同金额（元）")
    signed_on = models.DateField("监理合同签订日期")
    scope = models.TextField("监理范围", blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "信息工程监理"
        ordering = ["project_id", "id"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="supervision_positive")]
