"""The project's money after the approval on the pages: baselines and 概算调整 (IMPL-08), payment
schedules with what is overdue (SUPV-05), the 信息工程监理 (IMPL-07). Reads what the project page
prefetched (selectors.project_detail); the workbench's list is one query for the owner's unit."""

from __future__ import annotations

from django import template

from govpm.core import access
from govpm.projects import finance

register = template.Library()


@register.simple_tag
def project_finance(project) -> dict:
    schedules = finance.schedules(project)
    return {
        "baselines": finance.baseline_history(project),
        "changes": list(project.estimate_changes.all()),
        "pending": finance.pending_estimate_change(project),
        "schedules": schedules,
        "overdue": [view for schedule in schedules for view in schedule.overdue],
        "supervisions": list(project.supervisions.all()),
    }


@register.simple_tag
def overdue_payments_for(user) -> list:
    """The scheduled payments the user's unit has let fall overdue: for whoever pays (record_payment)."""
    if not access.can_act(user, "record_payment") or not user.unit_id:
        return []
    return finance.overdue_scheduled_payments(unit_id=user.unit_id)
