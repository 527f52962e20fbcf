"""Writes of the portfolio: the plan (PORT-01) and the risk rating (PORT-03). Each is one transaction
under the project's row lock, so a plan and a lifecycle action on one project never interleave."""

from __future__ import annotations

import datetime as dt
import re

from django.db import transaction

from govpm.accounts.models import User
from govpm.core import access
from govpm.core.errors import InvalidInput, NotFound
from govpm.projects.models import Module, Project
from govpm.projects.selectors import visible_projects

from .models import Milestone, MilestonePlan, RiskRating


def _lock(project_id, actor: User) -> Project:
    project = (
        visible_projects(actor).select_for_update().filter(pk=project_id).first()
        if isinstance(project_id, int) or re.fullmatch(r"[0-9]{1,18}", str(project_id))
        else None
    )
    if project is None:
        raise NotFound("项目不存在或无权查看")
    return project


def _date(value, field: str, label: str) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise InvalidInput(f"{label}：日期格式应为 YYYY-MM-DD", field=field) from None


def set_plan(
    project_id, *, actor: User, modules: list[dict], milestones: dict[str, object] | None = None
) -> Project:
    """PORT-01: planned start and end per module, planned date per milestone. All or nothing."""
    access.require(actor, "portfolio.plan", "无权编制项目计划")
    with transaction.atomic():
        project = _lock(project_id, actor)
        own = {module.pk: module for module in Module.objects.filter(project=project)}
        changed = []
        for position, row in enumerate(modules):
            module = own.get(int(row.get("id") or 0))
            if module is None:
                raise InvalidInput(
                    f"第{position + 1}个模块：不是本项目的模块", field=f"modules.{position}.id"
                )
            start = _date(
                row.get("planned_start"), f"modules.{position}.planned_start", f"{module.name}计划开始"
            )
            end = _date(row.get("planned_end"), f"modules.{position}.planned_end", f"{module.name}计划完成")
            if start and end and end < start:
                raise InvalidInput(
                    f"{module.name}计划完成：不能早于计划开始（{start:%Y-%m-%d}）",
                    field=f"modules.{position}.planned_end",
                )
            module.planned_start, module.planned_end = start, end
            changed.append(module)
        Module.objects.bulk_update(changed, ["planned_start", "planned_end"])
        dates = {}
        for code, value in (milestones or {}).items():
            if code not in Milestone.values:
                raise InvalidInput(f"里程碑：不识别的里程碑 {code}", field=f"milestones.{code}")
            dates[code] = _date(value, f"milestones.{code}", f"{Milestone(code).label}计划日期")
        order = [code for code in Milestone.values if dates.get(code)]
        for earlier, later in zip(order, order[1:], strict=False):
            if dates[later] < dates[earlier]:  # type: ignore[operator]
                raise InvalidInput(
                    f"{Milestone(later).label}计划日期：不能早于{Milestone(earlier).label}",
                    field=f"milestones.{later}",
                )
        for code, day in dates.items():
            if day is None:
                MilestonePlan.objects.filter(project=project, milestone=code).delete()
            else:
                MilestonePlan.objects.update_or_create(
                    project=project, milestone=code, defaults={"planned_on": day, "set_by": actor}
                )
    return project


def rate_risk(project_id, *, actor: User, rating, reason: str) -> RiskRating:
    """PORT-03: smart_office rates a project's risk 1–5 with a reason."""
    access.require(actor, "portfolio.rate_risk", "只有市智慧办可以评定项目风险")
    try:
        value = int(rating)
    except (TypeError, ValueError):
        raise InvalidInput("风险等级：应为1至5的整数", field="rating") from None
    if not 1 <= value <= 5 or str(rating).strip() not in {str(value)}:
        raise InvalidInput("风险等级：应为1至5的整数", field="rating")
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput("理由：不能为空", field="reason")
    with transaction.atomic():
        project = _lock(project_id, actor)
        return RiskRating.objects.create(project=project, rating=value, reason=reason, rated_by=actor)
