"""What every lifecycle action shares: lock, role and stage checks, the change, the audit event.

An action reads top to bottom:

    with transition(project_id, actor=actor, action="record_tender") as step:
        ...check rules on step.project, raise RuleViolation to refuse...
        ...create rows...
        step.record(tender_id=tender.pk, ceiling=ceiling)
    return step.project

Everything inside the block is one transaction: a refusal anywhere leaves no trace.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import DatabaseError, transaction

from govpm.accounts.models import User
from govpm.core import access, audit, clock
from govpm.core.errors import Conflict, Forbidden, InvalidInput, NotFound, RuleViolation
from govpm.notices import outbox
from govpm.notices.rules import Change
from govpm.policy.catalog import citation

from .. import readmodel
from ..models import Event, Project
from ..selectors import sees
from ..stages import ACTIONS, ActionSpec
from .locks import LockConflict, is_lock_conflict, lock_projects


def jsonable(value):
    """Event payloads are JSON: amounts as exact strings, dates in ISO form."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(key): jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set):
        return [jsonable(item) for item in value]
    return value


def refuse(rule: str, message: str, *, field: str | None = None) -> RuleViolation:
    return RuleViolation(message, rule=rule, citation=citation(rule), field=field)


def require_text(value: str | None, field: str, label: str) -> str:
    text = (value or "").strip()
    if not text:
        raise InvalidInput(f"{label}：不能为空", field=field)
    return text


def not_in_future(day: dt.date, field: str, label: str) -> dt.date:
    if day > clock.today():
        raise InvalidInput(f"{label}：不能晚于今天", field=field)
    return day


def _authorize(actor: User, spec: ActionSpec, project: Project) -> None:
    if not actor.is_active:
        raise Forbidden("账号已停用")
    if not sees(actor, project):
        raise NotFound("项目不存在或无权查看")
    if not access.can_act(actor, spec.code):
        raise Forbidden(f"{actor.get_role_display()}无权进行「{spec.label}」")
    if access.project_scope(actor) == access.OWN_UNIT and project.owner_unit_id != actor.unit_id:
        # PLAN-07: the units of merged needs read the merged project; only its owner unit acts on it.
        raise Forbidden("只能办理本单位作为业主单位的项目", rule="PLAN-07")
    if project.stage not in spec.sources:
        raise Conflict(
            f"项目当前阶段为「{project.stage_label}」，不能进行「{spec.label}」",
            code="wrong_stage",
            field="stage",
        )
    refuse_unless_ready(spec, project)


def refuse_unless_ready(spec: ActionSpec, project: Project) -> None:
    """The action's named preconditions (stages.py), the first that fails refusing with its rule."""
    failed = spec.failing(project)
    if failed is None:
        return
    reason = failed.reason_for(project)
    if failed.done:
        raise Conflict(reason, code="already_done", rule=failed.rule, citation=citation(failed.rule))
    raise refuse(failed.rule, reason)


@dataclass
class Step:
    project: Project
    actor: User
    spec: ActionSpec
    from_stage: str
    payload: dict = field(default_factory=dict)

    snapshot: dict = field(default_factory=dict)
    # The other projects the action asked for (`also_lock`), locked with this one; missing ids are absent.
    others: dict[int, Project] = field(default_factory=dict)

    def move(self, to_stage: str) -> None:
        assert to_stage in self.spec.targets, f"{self.spec.code} cannot lead to {to_stage}"
        self.project.stage = to_stage

    def record(self, **payload) -> None:
        self.payload.update(jsonable(payload))


def lock_project(project_id: int) -> Project:
    """The row lock every action takes first. Two actions on one project queue here; the second then
    sees the stage the first left, so a stale action fails its stage check instead of half-applying."""
    return lock_projects_with(project_id, ())[0]


def lock_projects_with(project_id: int, also_lock: Iterable[int]) -> tuple[Project, dict[int, Project]]:
    """The project and the others in one statement, in id order (locks.lock_projects): whoever locks an
    overlapping set waits for the first shared row instead of holding one and wanting another."""
    try:
        main_id = int(project_id)
        locked = lock_projects([main_id, *(int(other) for other in also_lock)])
    except (ValueError, TypeError):
        raise NotFound("项目不存在或无权查看") from None
    project = locked.pop(main_id, None)
    if project is None:
        raise NotFound("项目不存在或无权查看")
    return project, locked


@contextmanager
def transition(project_id: int, *, actor: User, action: str, also_lock: Iterable[int] = ()) -> Iterator[Step]:
    """`also_lock`: other projects the action changes (a merge) — locked with this one, in id order,
    before any check, and handed over as `step.others`. A deadlock or serialization failure PostgreSQL
    raises anywhere inside becomes `LockConflict` (409, nothing saved)."""
    spec = ACTIONS[action]
    try:
        with transaction.atomic():
            project, others = lock_projects_with(project_id, also_lock)
            _authorize(actor, spec, project)
            step = Step(
                project=project,
                actor=actor,
                spec=spec,
                from_stage=project.stage,
                snapshot=_values(project),
                others=others,
            )
            with readmodel.watch() as written:
                yield step
                # The action's notices (NOTE-01), in this transaction: a refusal above leaves none.
                outbox.notify_change(
                    Change(
                        step.project,
                        actor,
                        action,
                        spec.label,
                        step.from_stage,
                        step.project.stage,
                        step.payload,
                    )
                )
                write_event(
                    step.project,
                    actor=actor,
                    action=action,
                    from_stage=step.from_stage,
                    payload=step.payload,
                    snapshot=step.snapshot,
                )
            locked = [step.project, *others.values()]
            if written:  # ADR 0402: what the detail shows changed; its snapshot changes in this transaction
                bodies = {pk: snapshot.body for pk, snapshot in readmodel.refresh_locked(locked).items()}
            else:  # nothing it shows changed: the snapshot the lock read along is the one that stands
                bodies = {
                    project.pk: body for project in locked if (body := readmodel.body_read_along(project))
                }
        # Committed (or part of the caller's transaction, whose failure would raise past the API's answer)
        readmodel.settle(
            {project.pk: (project, bodies[project.pk]) for project in locked if project.pk in bodies}
        )
    except DatabaseError as error:
        if is_lock_conflict(error):
            raise LockConflict() from error
        raise


def _values(project: Project) -> dict:
    # Copies, not references: an action that edits the facts dict in place must still count as a change.
    return {f.attname: copy.deepcopy(getattr(project, f.attname)) for f in project._meta.concrete_fields}


def write_event(
    project: Project,
    *,
    actor: User,
    action: str,
    from_stage: str,
    payload: dict,
    snapshot: dict | None = None,
) -> Event:
    """Saves what the action changed on the project (only that: most actions change nothing on the row)
    and appends the audit event with the old and new value of each changed field.

    `snapshot` is the project's values before the action (`_values`); None means the project was just
    created, and every field it was created with counts as changed from nothing."""
    if snapshot is None:
        changes = {name: [None, value] for name, value in _values(project).items() if name != "id" and value}
    else:
        if project.stage != from_stage:
            project.stage_changed_at = clock.now()
        after = _values(project)
        changes = {
            name: [snapshot.get(name), value] for name, value in after.items() if snapshot.get(name) != value
        }
        if changes:
            project.save(update_fields=[project._meta.get_field(name).name for name in changes])
    event = Event(
        project=project,
        **audit.actor_fields(actor),
        action=action,
        from_stage=from_stage,
        to_stage=project.stage,
        payload=jsonable(payload),
        changes=jsonable(changes),
        created_at=clock.now(),
    )
    audit.seal(event, audit.EVENT_FIELDS)
    event.save(force_insert=True)
    return event
