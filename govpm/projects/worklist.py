"""工作台的待办 (ADR 0402): which steps of stages.ACTIONS still wait on a project, why a step is refused for now,
and the clock it runs against, worked out from the project's records alone, so the read model can keep it
with the project's snapshot and the workbench read it without loading the records. Who may take a step is
the reader's (access.can_act), applied when the workbench is read.

Precondition results that change with the day alone (TIME-02, TIME-03, SUPV-06) are dated: `fresh_until`
is the first day one of them reads differently, and the snapshot is rebuilt on or after it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from govpm.core import clock

from .models import Deadline, Project
from .stages import ACTIONS, REGISTERED_PRECONDITIONS

ZERO = Decimal("0.00")

# MAT-01: a required material missing does not block a step whose form uploads it (web.forms).
FORM_MEETS = ("MAT-01",)

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


def _progress(action: str, project: Project) -> str:
    """How far a step has come, for the row's note."""
    if action == "issue_consultation":
        tasks = [task for task in project.review_tasks.all() if task.round == project.review_round]
        return f"已出具意见 {sum(1 for task in tasks if task.opinion)}/{len(tasks)}"
    if action == "record_payment":
        contracted = sum((c.amount for c in project.contracts.all()), ZERO)
        paid = sum((p.amount for p in project.payments.all()), ZERO)
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
        contracted = sum((c.amount for c in project.contracts.all()), ZERO)
        paid = sum((p.amount for p in project.payments.all()), ZERO)
        return contracted > paid, progress
    return True, progress


# The clocks whose day alone changes a step: a NOT_BEFORE precondition opens on due_on (TIME-02, TIME-03),
# the mid-term review is expected from the day after due_on (SUPV-06).
DATED = {"TIME-02": 0, "TIME-03": 0, "SUPV-06": 1}


CLOCK_DAYS = ("starts_on", "due_on", "overdue_after", "done_on")
CLOCK_FIELDS = ("code", "kind", "status", *CLOCK_DAYS)


def _clock(deadline: Deadline) -> dict:
    return {
        name: value.isoformat() if isinstance(value, dt.date) else value
        for name in CLOCK_FIELDS
        for value in [getattr(deadline, name)]
    }


def clock_of(step: dict) -> Deadline | None:
    """The step's clock as an unsaved Deadline, for the presenters that show days left and overdue."""
    if step["clock"] is None:
        return None
    return Deadline(
        **{
            name: dt.date.fromisoformat(value) if name in CLOCK_DAYS and value else value
            for name, value in step["clock"].items()
        }
    )


# The relations besides the detail's (readmodel.DETAIL_PREFETCH) that a waiting step reads, by the name
# of the precondition that reads it (MAT-01's registered ones are named materials_<action>), and by the
# step whose own check reads it (_pending).
PRECONDITION_READS = {
    "data_dictionary_submitted": "data_dictionaries",
    "city_application_pending": "final_acceptances",
    "external_awaiting_filing": "final_acceptances",
    "not_yet_listed": "zombie_listings",
}
STEP_READS = {"submit_data_dictionary": "data_dictionaries"}


def _reads(code: str) -> set[str]:
    spec = ACTIONS[code]
    names = [pre.name for pre in spec.preconditions + REGISTERED_PRECONDITIONS.get(code, ())]
    found = {PRECONDITION_READS[name] for name in names if name in PRECONDITION_READS}
    found |= {"materials" for name in names if name.startswith("materials_")}
    return found | ({STEP_READS[code]} if code in STEP_READS else set())


def prefetch_for(stages) -> list[str]:
    """What to prefetch, besides the detail's relations, so that `steps` reads projects in these stages
    without a query: only what the steps waiting in those stages read (an action's rebuild adds no
    statement for a relation no step of the stage reads)."""
    return sorted({name for code in WAITING for name in _reads(code) if ACTIONS[code].sources & set(stages)})


def steps(project: Project) -> list[dict]:
    """The steps that wait on the project now, whoever may take them: one dict a step, JSON-ready."""
    found = []
    clocks = {deadline.code: deadline for deadline in project.deadlines.all()}
    for code, section in WAITING.items():
        spec = ACTIONS[code]
        if project.stage not in spec.sources:
            continue
        pending, note = _pending(code, project)
        if not pending:
            continue
        deadline = clocks.get(CLOCKS.get(code, ""))
        found.append(
            {
                "action": code,
                "section": section,
                "note": note,
                "blocked": spec.failing(project, met_by_form=FORM_MEETS) is not None,
                "clock": _clock(deadline) if deadline else None,
            }
        )
    return found


def fresh_until(project: Project, today: dt.date) -> dt.date | None:
    """The first day after today on which `steps` could read differently with nothing written."""
    days = [
        deadline.due_on + dt.timedelta(days=DATED[deadline.code])
        for deadline in project.deadlines.all()
        if deadline.code in DATED and deadline.done_on is None
    ]
    return min((day for day in days if day > today), default=None)
