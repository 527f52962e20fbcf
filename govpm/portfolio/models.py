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
