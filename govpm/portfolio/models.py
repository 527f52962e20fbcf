"""The portfolio's own records: milestone plans (PORT-01) and smart_office's risk ratings (PORT-03).
Module plans live on projects.Module; actual dates are the lifecycle's (approved_on, contracts,
accepted_on, final_accepted_on)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class Milestone(models.TextChoices):
    """The lifecycle's milestones a plan dates; each actual date is recorded by a lifecycle action."""

    APPROVAL = "approval", "初步设计批复"  # Project.approved_on
    CONTRACT = "contract", "合同签订"  # the first Contract.signed_on
    MODULES = "modules", "全部模块初验"  # the last Module.accepted_on
    FINAL = "final", "终验"  # Project.final_accepted_on


class MilestonePlan(models.Model):
    project = models.ForeignKey("projects.Project", on_delete=models.CASCADE, related_name="milestone_plans")
    milestone = models.CharField("里程碑", max_length=12, choices=Milestone.choices)
    planned_on = models.DateField("计划日期")
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    set_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "里程碑计划"
        constraints = [models.UniqueConstraint(fields=["project", "milestone"], name="milestone_plan_once")]


class RiskRating(models.Model):
    """smart_office's rating of a project's risk, 1 (low) to 5 (high), with the reason. Never changed:
    a new rating is a new row; the latest is the current one."""

    project = models.ForeignKey("projects.Project", on_delete=models.PROTECT, related_name="risk_ratings")
    rating = models.PositiveSmallIntegerField("风险等级")
    reason = models.TextField("理由")
    rated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    rated_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "风险评级"
        ordering = ["project_id", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(rating__gte=1, rating__lte=5), name="risk_rating_1_to_5")
        ]


class SummaryCell(models.Model):
    """One cell of the portfolio summary (ADR 0302): the non-draft projects of one year, owner unit,
    category, level and stage, counted, with their amounts summed in 分. Rebuilt whole by the job engine
    (`summary.refresh`); the dashboard and the statistics read it for users who see every non-draft
    project, so their cost follows the number of cells, not of projects."""

    year = models.PositiveSmallIntegerField(null=True)
    owner_unit = models.ForeignKey("accounts.Unit", on_delete=models.CASCADE, related_name="+")
    region_code = models.CharField(max_length=6)
    category = models.PositiveSmallIntegerField(null=True)
    level = models.CharField(max_length=10)
    stage = models.CharField(max_length=30)
    went_on = models.BooleanField()  # counts as investment (statistics.investment)
    projects = models.PositiveIntegerField()
    requested_fen = models.BigIntegerField()
    approved_fen = models.BigIntegerField()
    invest_fen = models.BigIntegerField()  # the approved estimate, or the requested one before approval
    contracted_fen = models.BigIntegerField()
    paid_fen = models.BigIntegerField()
    joint_inspections = models.PositiveIntegerField(default=0)  # IMPL-09: "1+1" (bdb and bizenv together)
    single_inspections = models.PositiveIntegerField(default=0)  # IMPL-09: by one unit alone

    class Meta:
        verbose_name = verbose_name_plural = "统计汇总单元"


class SummaryTally(models.Model):
    """Counts the dashboard shows beside the cells: overdue clocks by code, projects hit by rule,
    projects by 四横 layer (non-draft projects, as of the refresh)."""

    class Kind(models.TextChoices):
        DEADLINE = "deadline", "逾期时限"
        RULE = "rule", "命中规则"
        LAYER = "layer", "四横层级"

    kind = models.CharField(max_length=10, choices=Kind.choices)
    code = models.CharField(max_length=40)
    n = models.PositiveIntegerField()

    class Meta:
        verbose_name = verbose_name_plural = "统计汇总计数"
        constraints = [models.UniqueConstraint(fields=["kind", "code"], name="summary_tally_once")]


class SummaryRefresh(models.Model):
    """When the summary was last rebuilt, from how many projects and in how long: one row (pk 1), also
    the lock that serialises two rebuilds."""

    refreshed_at = models.DateTimeField(null=True)
    projects = models.PositiveIntegerField(default=0)
    seconds = models.FloatField(default=0)

    class Meta:
        verbose_name = verbose_name_plural = "统计汇总刷新"
