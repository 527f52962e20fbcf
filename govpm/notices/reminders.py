"""Reminders and escalation (NOTE-02): who is told when a clock nears, opens, falls due or is overdue.

Called by the deadline pass inside its transaction; each call names its occasion, so the notices'
(recipient, occasion) index makes a reminder exactly-once whatever the number of passes or workers.
"""

from __future__ import annotations

from typing import Any

from govpm.core.clock import date_zh

from . import outbox
from .models import Notice
from .rules import Draft, owners, project_link, who_may, with_role

K = Notice.Kind

# The action each clock waits for: its users are the responsible ones (the access table decides).
WAITS_FOR = {
    "TIME-01": "issue_design_approval",  # ndrc: the design approval within 3 days of accepting
    "TIME-02": "apply_final_acceptance",  # owner: may apply for final acceptance from due_on
    "TIME-03": "record_post_evaluation",  # smart_office: post-evaluation after a year in operation
    "SUPV-06": "record_midterm_review",  # smart_office: the mid-term review once half the period is past
}


def responsible(deadline: Any):
    action = WAITS_FOR.get(deadline.code)
    project = deadline.project
    return who_may(action, project) if action else owners(project)


def for_deadline(deadline: Any, kind: str, day, message: str) -> list[Notice]:
    """One reminder occasion of a deadline (kind: due_soon | overdue | now_open, as process_deadlines
    names them). Overdue escalates to the responsible users and to smart_office."""
    project = deadline.project
    link = project_link(project)
    if kind == "overdue":
        text = f"{message}。请立即办理，已同时报市智慧办督办。"
        drafts = [
            Draft(
                responsible(deadline) | with_role("smart_office"), K.ESCALATION, text, link, deadline.due_on
            )
        ]
    elif kind == "due_soon":
        text = f"{message}，请于{date_zh(deadline.due_on)}前办理。"
        drafts = [Draft(responsible(deadline), K.REMINDER, text, link, deadline.due_on)]
    else:
        people = responsible(deadline) | owners(project)
        drafts = [Draft(people, K.REMINDER, f"{message}，现可办理。", link, None)]
    occasion = f"deadline:{deadline.pk}:{kind}:{day.isoformat()}"
    return outbox.write(project, deadline.code, drafts, occasion=occasion)


def for_stale_review(
    project: Any, *, days: int, missing_unit_ids: list[int], missing_expert_ids: list[int]
) -> list[Notice]:
    """Review tasks open longer than the configured working days: the units and experts still owing an
    opinion, and smart_office (who convenes the review), told once per round."""
    from .rules import active, unit_users

    reviewers = unit_users(missing_unit_ids).exclude(role="expert") | active().filter(
        pk__in=missing_expert_ids
    )
    text = f"【逾期督办】「{project.name}」联合评审已超过{days}个工作日，尚有评审意见未出具，请尽快办理。"
    link = f"{project_link(project)}joint-review/"
    drafts = [Draft(reviewers | with_role("smart_office"), K.ESCALATION, text, link)]
    return outbox.write(
        project, "record_opinion", drafts, occasion=f"review:{project.pk}:r{project.review_round}"
    )


def for_overdue_payment(project: Any, row: Any) -> list[Notice]:
    """A scheduled payment past due (SUPV-05 按进度及时支付): the paying unit's owners and smart_office
    are told once per milestone (`row` is a projects.finance.OverduePayment)."""
    from .rules import active

    payers = active().filter(unit_id=row.unit_id, role="owner")
    text = (
        f"【逾期未付】「{project.name}」合同（{row.supplier}）付款节点「{row.milestone}」应于"
        f"{date_zh(row.due_on)}支付，尚有 {row.amount:,.2f} 元未付。请按合同约定及时支付，已同时报市智慧办督办。"
    )
    drafts = [
        Draft(payers | with_role("smart_office"), K.ESCALATION, text, project_link(project), row.due_on)
    ]
    return outbox.write(project, "record_payment", drafts, occasion=f"payment:{row.milestone_id}:overdue")
