"""工作台: what waits for this user, with its deadline, days left and an overdue marker.

An item is a project where the user's role has a step to take now (by stages.ACTIONS), or a joint-
review task assigned to the user or the user's unit. Read-only: the steps are taken on the project page."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from types import SimpleNamespace

from django.db.models import F, Q

from govpm.accounts.models import User
from govpm.core import access, clock
from govpm.projects import readmodel, selectors, worklist
from govpm.projects.models import Project, ReviewTask
from govpm.projects.stages import ACTIONS, Stage

from . import presenters

SECTIONS = worklist.SECTIONS


@dataclass
class ProjectRef:
    """What a workbench row shows of a project, from its stored list row (the read model)."""

    pk: int
    name: str
    owner_unit: SimpleNamespace
    stage_label: str

    @classmethod
    def of(cls, row: dict) -> ProjectRef:
        return cls(row["id"], row["name"], SimpleNamespace(**row["owner_unit"]), row["stage_label"])


@dataclass
class Item:
    section: str
    action: str
    project: Project | ProjectRef
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


def _stages_for(user: User) -> set[str]:
    return {
        stage for code in worklist.WAITING if access.can_act(user, code) for stage in ACTIONS[code].sources
    } - {
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

    # ADR 0402: each project's waiting steps as its snapshot keeps them, in one statement; who may take a
    # step is this user's role's business, asked here.
    projects = selectors.visible_projects(user).filter(stage__in=_stages_for(user)).order_by("id")
    for row, steps in readmodel.work(projects):
        since = dt.datetime.fromisoformat(row["stage_changed_at"]) if row["stage_changed_at"] else None
        for step in steps:
            if not access.can_act(user, step["action"]):
                continue
            deadline = worklist.clock_of(step)
            result.append(
                Item(
                    step["section"],
                    step["action"],
                    ProjectRef.of(row),
                    note=step["note"],
                    since=since,
                    deadline=presenters.deadline_state(deadline, today) if deadline else None,
                    blocked=step["blocked"],
                )
            )
    if q:
        result = [item for item in result if q in item.project.name or q in item.project.owner_unit.name]
    if section:
        result = [item for item in result if item.section == section]
    return sorted(result, key=lambda item: item.sort_key)
