"""工作台: what waits for this user, with its deadline, days left and an overdue marker.

An item is a project where the user's role has a step to take now (by stages.ACTIONS), or a joint-
review task assigned to the user or the user's unit. Read-only: the steps are taken on the project page."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import F, Prefetch, Q

from govpm.accounts.models import User
from govpm.core import access, clock
from govpm.materials.models import Material
from govpm.projects import selectors
from govpm.projects.models import Deadline, IssuedDocument, Project, ReviewTask
from govpm.projects.stages import ACTIONS, Stage

from . import presenters

# Sections of the workbench, in order, and the actions that make a project wait in each.
SECTIONS = {
    "review": "评审任务",
    "decide": "待决定",
    "issue": "待出具批复",
    "payment": "待支付",
    "acceptance": "验收",
    "evaluation": "后评估",
    "supervision": "监管",
    "todo": "待办理",
}
WAITING: dict[str, str] = {
    "submit": "todo",
    "review_needs": "decide",
    "open_scheme": "decide",
    "submit_scheme": "todo",
    "issue_consultation": "decide",
    "leading_group_decide": "decide",
    "accept_application": "issue",
    "issue_design_approval": "issue",
    "issue_price_review": "issue",
    "record_project_code": "issue",
    "record_funding": "issue",
    "start_procurement": "todo",
    "record_tender": "todo",
    "record_contract": "todo",
    "start_implementation": "todo",
    "submit_data_dictionary": "todo",
    "record_payment": "payment",
    "pass_module_acceptance": "acceptance",
    "apply_final_acceptance": "acceptance",
    "decide_final_acceptance": "decide",
    "record_post_evaluation": "evaluation",
    "record_midterm_review": "supervision",  # SUPV-06: once the planned period is half gone
    "record_external_filing": "acceptance",  # IMPL-10: the 备案 of an external acceptance
}
# The clock of the policy an action runs against.
CLOCKS = {
    "issue_design_approval": "TIME-01",
    "apply_final_acceptance": "TIME-02",
    "record_post_evaluation": "TIME-03",
    "record_midterm_review": "SUPV-06",
}


@dataclass
class Item:
    section: str
    action: str
    project: Project
    note: str = ""
    deadline: presenters.DeadlineState | None = None
    since: dt.datetime | None = None
    blocked: bool = False  # a precondition refuses it for now; `note` says why

    @property
    def label(self) -> str:
        return ACTIONS[self.action].label

    @property
    def section_label(self) -> str:
        return SECTIONS[self.section]

    @property
    def sort_key(self):
        days = self.deadline.days_left if self.deadline and self.deadline.days_left is not None else 10**6
        overdue = 0 if self.deadline and self.deadline.overdue else 1
        return (overdue, days, list(SECTIONS).index(self.section), self.project.pk)


def _progress(action: str, project: Project) -> str:
    """How far a step has come, for the row's note."""
    if action == "issue_consultation":
        tasks = [task for task in project.review_tasks.all() if task.round == project.review_round]
        return f"已出具意见 {sum(1 for task in tasks if task.opinion)}/{len(tasks)}"
    if action == "record_payment":
        contracted = sum((c.amount for c in project.contracts.all()), presenters.ZERO)
        paid = sum((p.amount for p in project.payments.all()), presenters.ZERO)
        return f"合同 ¥{contracted:,.2f}，已付 ¥{paid:,.2f}，未付 ¥{contracted - paid:,.2f}"
    if action == "pass_module_acceptance":
        return f"待初验：{'、'.join(m.name for m in project.modules.all() if m.accepted_on is None)}"
    return ""


def _pending(action: str, project: Project) -> tuple[bool, str]:
    """Whether the step still waits on this project, and a note for the row.

    What the lifecycle would refuse is the table's business: a step already taken (a `done`
    precondition fails) is not listed; a step refused for another reason is listed with that reason,
    the same the project page shows beside the disabled action. What remains here is only whether a
    repeatable step is still expected (a first tender, a first contract, money still unpaid)."""
    progress = _progress(action, project)
    failed = ACTIONS[action].failing(project)
    if failed is not None:
        reason = failed.reason_for(project)
        return (not failed.done), f"{progress}；{reason}" if progress else reason
    if action == "record_project_code":
        return not project.project_code and not project.classified, ""
    if action == "record_funding":
        return True, "批复齐备，可落实资金"
    if action == "record_tender":
        return not project.tenders.all(), ""
    if action == "record_contract":
        return bool(project.tenders.all()) and not project.contracts.all(), ""
    if action == "submit_data_dictionary":
        return not project.data_dictionaries.all(), ""
    if action == "record_midterm_review":  # SUPV-06: listed once half the planned period is gone
        due = next((d for d in project.deadlines.all() if d.code == "SUPV-06"), None)
        if due is None or due.done_on is not None or clock.today() <= due.due_on:
            return False, ""
        return True, f"计划实施期已过半（{due.due_on:%Y-%m-%d}），尚未开展中期监管"
    if action == "record_payment":
        contracted = sum((c.amount for c in project.contracts.all()), presenters.ZERO)
        paid = sum((p.amount for p in project.payments.all()), presenters.ZERO)
        return contracted > paid, progress
    return True, progress


def _stages_for(user: User) -> set[str]:
    return {stage for code in WAITING if access.can_act(user, code) for stage in ACTIONS[code].sources} - {
        Stage.REJECTED,
        Stage.OUT_OF_SCOPE,
        Stage.MERGED,
        Stage.WITHDRAWN,
        Stage.TERMINATED,
        Stage.EVALUATED,
    }


def items(user: User, q: str = "", section: str = "") -> list[Item]:
    today = clock.today()
    result: list[Item] = []

    mine = (
        Q(expert=user) if access.answers_in_own_name(user) else Q(expert__isnull=True, unit_id=user.unit_id)
    )
    tasks = (
        ReviewTask.objects.filter(
            mine, opinion="", project__stage=Stage.JOINT_REVIEW, round=F("project__review_round")
        )
        .filter(project__in=selectors.visible_projects(user))
        .select_related("project__owner_unit")
    )
    for task in tasks:
        result.append(
            Item(
                "review",
                "record_opinion",
                task.project,
                note=f"第{task.round}轮并联审核",
                since=task.project.stage_changed_at,
            )
        )

    projects = (
        selectors.visible_projects(user)
        .filter(stage__in=_stages_for(user))
        .select_related("owner_unit")
        .prefetch_related(
            Prefetch("deadlines", queryset=Deadline.objects.order_by("due_on")),
            Prefetch("documents", queryset=IssuedDocument.objects.only("id", "project_id", "kind")),
            "modules",
            "tenders",
            "contracts",
            "payments",
            "settlements",  # record_payment's contract_unsettled (SUPV-05)
            # Named in a blocked consultation's reason ("尚有评审方未出具意见：…"), so no query per task.
            Prefetch("review_tasks", queryset=ReviewTask.objects.select_related("unit", "expert")),
            "data_dictionaries",
            "final_acceptances",
            "performance_targets",  # the submit precondition (PERF-01)
            # MAT-01: the required materials are preconditions of the steps (kinds only, no query per row)
            Prefetch("materials", queryset=Material.objects.only("id", "project_id", "kind", "version")),
        )
        .order_by("id")
    )
    for project in projects:
        clocks = {deadline.code: deadline for deadline in project.deadlines.all()}
        for code, section_code in WAITING.items():
            spec = ACTIONS[code]
            if project.stage not in spec.sources or not access.can_act(user, code):
                continue
            pending, note = _pending(code, project)
            if not pending:
                continue
            blocked = spec.failing(project, met_by_form=presenters.FORM_MEETS) is not None
            deadline = clocks.get(CLOCKS.get(code, ""))
            result.append(
                Item(
                    section_code,
                    code,
                    project,
                    note=note,
                    since=project.stage_changed_at,
                    deadline=presenters.deadline_state(deadline, today) if deadline else None,
                    blocked=blocked,
                )
            )
    if q:
        result = [item for item in result if q in item.project.name or q in item.project.owner_unit.name]
    if section:
        result = [item for item in result if item.section == section]
    return sorted(result, key=lambda item: item.sort_key)
