"""The read model (ADR 0402): each project's detail and list row, kept ready as JSON text.

A read of the API's project detail is one statement (visibility and the snapshot together) and no
serializer: the stored text is sent as it is, with the reader's `available_actions` appended. A page of the
list is one statement (the page's rows, the filter's count as a subquery). What makes that safe is the write
side:

- every lifecycle action (`lifecycle.base.transition`) watches the SQL it issues; if it wrote to a table the
  detail shows (`FEEDS`), the snapshot of each locked project is rebuilt before the transaction commits;
- a write outside an action (the daily clock pass, a sealer, a script) that saves a row of those tables
  rebuilds its project's snapshot in the writer's transaction (`_saved`, connected in apps.py);
- a rename of a unit or an expert drops every snapshot (their names are in them): the next read rebuilds it;
- a body that depends on the day (a scheduled payment falls overdue, SUPV-05) carries `fresh_until`, the
  day it would change; a read on or after that day rebuilds first, as does a read that finds none.

A rebuild locks the project row first (the lock every action takes), so a reader's rebuild and a writer's
change queue instead of one overwriting the other's snapshot with an older one.

`detail_body` is the full read: what the detail shows, from the records. The test suite proves that the
stored snapshot always equals it (and the API's documented serializer), on SQLite and PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import Prefetch, prefetch_related_objects
from django.utils import timezone

from govpm.core import clock
from govpm.core.counting import count_of
from govpm.policy.catalog import RULES
from govpm.policy.models import Finding

from . import finance, worklist
from .models import (
    Contract,
    DataDictionary,
    Deadline,
    EstimateChange,
    FinalAcceptance,
    IssuedDocument,
    Module,
    Payment,
    PaymentMilestone,
    PerformanceTarget,
    Project,
    ProjectSnapshot,
    ReviewTask,
    Settlement,
    Supervision,
    Tender,
    ZombieListing,
)
from .stages import actions_for

# The models whose rows the detail or the waiting steps read: a write to one of their tables makes the
# snapshot stale. (The materials app, above this one, connects its Material to `_saved` itself.)
FEEDS = (
    Project,
    Finding,
    Deadline,
    ReviewTask,
    IssuedDocument,
    Module,
    Tender,
    Contract,
    Payment,
    EstimateChange,
    PaymentMilestone,
    Settlement,
    Supervision,
    PerformanceTarget,
    DataDictionary,
    FinalAcceptance,
    ZombieListing,
)
FEED_TABLES = frozenset(model._meta.db_table for model in FEEDS) | {"materials_material"}

# What the full read prefetches: every relation the detail shows, one query each.
DETAIL_PREFETCH: tuple[str | Prefetch, ...] = (
    "findings",
    Prefetch("deadlines", queryset=Deadline.objects.order_by("due_on")),
    Prefetch("review_tasks", queryset=ReviewTask.objects.select_related("unit", "expert")),
    Prefetch("documents", queryset=IssuedDocument.objects.select_related("issuer")),
    "modules",
    "tenders",
    Prefetch("contracts", queryset=Contract.objects.select_related("signing_unit")),
    "payments",
    # IMPL-07, IMPL-08, SUPV-05 (finance.py)
    "estimate_changes",
    "payment_milestones",
    "settlements",
    "supervisions",
    "performance_targets",  # PERF-01
)


# -- the full read -------------------------------------------------------------------------------------


def _when(value: dt.datetime | None) -> str | None:
    """As DRF's DateTimeField: local time (Asia/Shanghai), ISO form."""
    if value is None:
        return None
    text = timezone.localtime(value).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def _day(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def _money(value: Decimal | None) -> str | None:
    """As DRF's DecimalField(decimal_places=2): a string with two places, exact."""
    return str(value.quantize(Decimal("0.01"))) if value is not None else None


def list_row(project: Project) -> dict:
    """One row of the project list (the API's ProjectListItem)."""
    unit = project.owner_unit
    return {
        "id": project.id,
        "name": project.name,
        "owner_unit": {"id": unit.id, "code": unit.code, "name": unit.name},
        "stage": project.stage,
        "stage_label": project.stage_label,
        "level": project.level,
        "category": project.category,
        "build_type": project.build_type,
        "priority_score": project.priority_score,
        "requested_estimate": _money(project.requested_estimate),
        "approved_estimate": _money(project.approved_estimate),
        "project_code": project.project_code,
        "is_overdue": project.is_overdue,
        "submitted_at": _when(project.submitted_at),
        "stage_changed_at": _when(project.stage_changed_at),
    }


def detail_body(project: Project, today: dt.date | None = None) -> dict:
    """What the project detail shows (the API's ProjectDetail without `available_actions`, which depends on
    the reader), from a project loaded with DETAIL_PREFETCH."""
    return {
        **list_row(project),
        "summary": project.summary,
        "facts": project.facts,
        "review_round": project.review_round,
        "approved_on": _day(project.approved_on),
        "final_accepted_on": _day(project.final_accepted_on),
        "findings": [
            {
                "rule": f.rule_code,
                "rule_version": f.rule_version,
                "citation": RULES[f.rule_code].citation,
                "outcome": f.outcome,
                "message": f.message,
                "reason": f.reason,
                "facts": f.facts,
                "created_at": _when(f.created_at),
                "overridden": f.overridden_by_id is not None,
                "override_reason": f.override_reason,
            }
            for f in project.findings.all()
        ],
        "deadlines": [
            {
                "code": d.code,
                "label": d.get_code_display(),
                "citation": RULES[d.code].citation,
                "kind": d.kind,
                "counting": d.counting,
                "starts_on": _day(d.starts_on),
                "due_on": _day(d.due_on),
                "overdue_after": _day(d.overdue_after),
                "done_on": _day(d.done_on),
                "status": d.status,
            }
            for d in project.deadlines.all()
        ],
        "open_tasks": [
            {
                "id": t.id,
                "round": t.round,
                "reviewer": t.reviewer_name,
                "unit_id": t.unit_id,
                "expert_id": t.expert_id,
                "opinion": t.opinion,
                "comment": t.comment,
                "answered_at": _when(t.answered_at),
            }
            for t in project.review_tasks.all()
            if t.round == project.review_round and not t.opinion
        ],
        "documents": [
            {
                "id": d.id,
                "kind": d.kind,
                "kind_label": d.get_kind_display(),
                "title": d.title,
                "number": d.number,
                "issuer": d.issuer.name,
                "issued_on": _day(d.issued_on),
                "amount": _money(d.amount),
                "sha256": d.sha256,
            }
            for d in project.documents.all()
        ],
        "modules": [
            {"id": m.id, "name": m.name, "accepted_on": _day(m.accepted_on)} for m in project.modules.all()
        ],
        "money": money_out(project),
        "copied_from": project.copied_from_id,
        "design_task": project.design_task_id,
        "finance": finance_out(project, today),
        "performance_targets": targets_out(project),
        "batch": project.batch_id,
    }


def money_out(project: Project) -> dict:
    """Running totals, summed in Python over the prefetched rows: exact Decimals."""
    tenders, contracts = list(project.tenders.all()), list(project.contracts.all())
    zero = Decimal("0.00")
    return {
        "tender_ceilings": str(sum((t.ceiling for t in tenders), zero)),
        "contracts": str(sum((c.amount for c in contracts), zero)),
        "payments": str(sum((p.amount for p in project.payments.all()), zero)),
        "contracts_list": [
            {
                "id": c.id,
                "tender_id": c.tender_id,
                "supplier": c.supplier,
                "signing_unit": c.signing_unit.name,
                "amount": str(c.amount),
                "signed_on": c.signed_on.isoformat(),
            }
            for c in contracts
        ],
        "tenders_list": [{"id": t.id, "title": t.title, "ceiling": str(t.ceiling)} for t in tenders],
    }


def targets_out(project: Project) -> list[dict]:
    """PERF-01: the need's 绩效目标, in order."""
    return [
        {
            "id": t.id,
            "indicator": t.indicator,
            "target_value": format(t.target_value.normalize(), "f"),
            "unit": t.unit,
            "due_by": _day(t.due_by),
        }
        for t in project.performance_targets.all()
    ]


def finance_out(project: Project, today: dt.date | None = None) -> dict:
    """IMPL-08 baselines and estimate changes, SUPV-05 schedules, settlements and what is overdue,
    IMPL-07 supervision: from the prefetched rows (finance.py)."""
    history = finance.baseline_history(project)
    baseline = finance.current_baseline(project)
    contract_schedules = finance.schedules(project, today)
    return {
        "baseline": str(baseline) if baseline is not None else None,
        "baselines": [
            {"amount": str(b.amount), "since": _day(b.since), "source": b.source, "current": b.current}
            for b in history
        ],
        "estimate_changes": [
            {
                "id": c.pk,
                "previous_amount": str(c.previous_amount),
                "new_amount": str(c.new_amount),
                "reason": c.reason,
                "funding_source": c.funding_source,
                "material": c.material,
                "applied_on": _day(c.applied_on),
                "status": c.status,
                "status_label": c.get_status_display(),
                "decided_on": _day(c.decided_on),
                "decision_reason": c.decision_reason,
            }
            for c in project.estimate_changes.all()
        ],
        "schedules": [
            {
                "contract_id": s.contract.pk,
                "paid": str(s.paid),
                "settlement": (
                    {"amount": str(s.settlement.amount), "settled_on": _day(s.settlement.settled_on)}
                    if s.settlement
                    else None
                ),
                "milestones": [
                    {
                        "id": v.milestone.pk,
                        "name": v.milestone.name,
                        "share": str(v.milestone.share) if v.milestone.share is not None else None,
                        "amount": str(v.milestone.amount),
                        "due_on": _day(v.milestone.due_on),
                        "paid": str(v.paid),
                        "status": v.status,
                        "overdue": v.overdue and not s.settlement,
                    }
                    for v in s.milestones
                ],
            }
            for s in contract_schedules
        ],
        "overdue_payments": sum(len(s.overdue) for s in contract_schedules),
        "supervisions": [
            {
                "id": v.pk,
                "firm": v.firm,
                "amount": str(v.amount),
                "signed_on": _day(v.signed_on),
                "scope": v.scope,
            }
            for v in project.supervisions.all()
        ],
    }


def _fresh_until(project: Project, today: dt.date) -> dt.date | None:
    """The first day the snapshot reads differently with nothing written: the day after an unpaid milestone
    of an unsettled contract falls due (finance.allocate counts it overdue from then), or a day a clock
    changes a waiting step (worklist.fresh_until)."""
    days = [
        view.milestone.due_on + dt.timedelta(days=1)
        for schedule in finance.schedules(project, today)
        if schedule.settlement is None
        for view in schedule.milestones
        if not view.overdue and view.paid < view.milestone.amount
    ]
    if steps := worklist.fresh_until(project, today):
        days.append(steps)
    return min(days, default=None)


def load(project_ids: Iterable[int], *, lock: bool = False) -> list[Project]:
    """The projects with every relation the snapshot reads (one query per relation, not per project);
    `lock` takes the row lock every action takes (locks.py: in id order)."""
    projects = Project.objects.select_related("owner_unit")
    if lock:
        projects = projects.select_for_update(of=("self",))
    return _with_relations(list(projects.filter(pk__in=list(project_ids)).order_by("pk")))


def _with_relations(projects: list[Project]) -> list[Project]:
    """Read onto the projects every relation the body and the waiting steps read: the detail's, and what
    the steps of their stages read (worklist.prefetch_for)."""
    stages = {project.stage for project in projects}
    prefetch_related_objects(projects, *DETAIL_PREFETCH, *worklist.prefetch_for(stages))
    return projects


# -- the write side ------------------------------------------------------------------------------------


def dumps(value) -> str:
    """JSON text as DRF's JSONRenderer writes it (UTF-8 characters, no spaces)."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _snapshot(project: Project, today: dt.date) -> ProjectSnapshot:
    return ProjectSnapshot(
        project_id=project.pk,
        body=dumps(detail_body(project, today)),
        row=dumps(list_row(project)),
        work=dumps(worklist.steps(project)),
        fresh_until=_fresh_until(project, today),
        built_at=clock.now(),
    )


def refresh(project_ids: Iterable[int]) -> dict[int, ProjectSnapshot]:
    """Rebuild the snapshots of these projects from their records, under their row locks, in one
    transaction (the caller's, if it has one). Ids of projects that do not exist are left out."""
    ids = sorted(set(project_ids))
    if not ids:
        return {}
    with transaction.atomic(savepoint=False):
        return _store(load(ids, lock=True))


def refresh_locked(projects: Iterable[Project]) -> dict[int, ProjectSnapshot]:
    """As `refresh`, for projects the caller holds locked and loaded (an action's): their relations are
    read afresh onto them, the rows not read again."""
    projects = list(projects)
    for project in projects:
        project.__dict__.pop("_prefetched_objects_cache", None)
        project._state.fields_cache.pop("snapshot", None)  # the one read along with the lock, now replaced
    return _store(_with_relations(projects))


def _store(projects: list[Project]) -> dict[int, ProjectSnapshot]:
    today = clock.today()
    snapshots = [_snapshot(project, today) for project in projects]
    ProjectSnapshot.objects.bulk_create(
        snapshots,
        update_conflicts=True,
        unique_fields=["project"],
        update_fields=["body", "row", "work", "fresh_until", "built_at"],
    )
    # A write after an action's transition (a signal's rebuild, say) supersedes what the action left
    if (stack := _settled_stack()) and (listening := stack[-1]):
        for project, snapshot in zip(projects, snapshots, strict=True):
            if project.pk in listening:
                listening[project.pk] = (project, snapshot.body)
    return {snapshot.project_id: snapshot for snapshot in snapshots}


def rebuild_all(batch: int = 500, *, missing_only: bool = False) -> int:
    """Every project's snapshot anew (`manage.py rebuild_snapshots`), or only those missing, a batch per
    transaction."""
    done = 0
    projects = Project.objects.filter(snapshot__isnull=True) if missing_only else Project.objects.all()
    ids = list(projects.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), batch):
        done += len(refresh(ids[start : start + batch]))
    return done


_state = threading.local()


def _watching() -> list[set[str]]:
    stack = getattr(_state, "stack", None)
    if stack is None:
        stack = _state.stack = []
    return stack


@contextmanager
def watch() -> Iterator[set[str]]:
    """While inside: the tables of FEEDS that the connection wrote to (INSERT, UPDATE, DELETE, whether by
    save(), bulk_create, update() or raw SQL). Saves inside do not rebuild one by one (`_saved`): the
    caller rebuilds once, at the end, if the set is not empty."""
    written: set[str] = set()

    def observe(execute, sql, params, many, context):
        verb = sql[:6].upper()
        if verb in ("INSERT", "UPDATE", "DELETE"):
            table = sql.split('"', 2)[1] if '"' in sql else ""
            if table in FEED_TABLES:
                written.add(table)
        return execute(sql, params, many, context)

    stack = _watching()
    stack.append(written)
    try:
        with connection.execute_wrapper(observe):
            yield written
    finally:
        stack.pop()


def _saved(sender, instance, **kwargs) -> None:
    """A row the detail shows was saved or deleted outside an action: rebuild its project's snapshot now,
    in the writer's transaction. Inside `watch()` the watcher has seen it; a project being deleted takes
    its snapshot with it."""
    if _watching() or kwargs.get("raw") or isinstance(kwargs.get("origin"), Project):
        return
    if sender is Project:
        if "created" not in kwargs:  # post_delete of the project itself
            return
        project_id = instance.pk
    else:
        project_id = instance.project_id
    if project_id is not None:
        refresh([project_id])


def _renamed(sender, instance, **kwargs) -> None:
    """Names of units (owner, issuer, signer, reviewer) and experts' usernames (reviewer) are in the bodies:
    a rename drops them all; each is rebuilt when it is next read (`read`). A save that names its fields
    and not these (a login's last_login) costs nothing."""
    fields = ("name", "code") if sender._meta.model_name == "unit" else ("username",)
    update_fields = kwargs.get("update_fields")
    if kwargs.get("raw") or instance.pk is None or (update_fields and not set(fields) & set(update_fields)):
        return
    before = sender.objects.filter(pk=instance.pk).values(*fields).first()
    if before and any(before[name] != getattr(instance, name) for name in fields):
        ProjectSnapshot.objects.all().delete()


# What actions of this thread left, while someone listens (`settled`): the API answers an action with it.
Settled = dict[int, tuple[Project, str]]
_listening: threading.local = threading.local()


def _settled_stack() -> list[Settled]:
    stack = getattr(_listening, "stack", None)
    if stack is None:
        stack = _listening.stack = []
    return stack


@contextmanager
def settled() -> Iterator[Settled]:
    """While inside: each project an action (`transition`) locked, with its row and its body as they stand
    after the action — the snapshot the action wrote, or the one its lock read along when it wrote nothing
    the detail shows. The API answers the action from it instead of reading the snapshot again. Nothing is
    kept past the block."""
    found: Settled = {}
    stack = _settled_stack()
    stack.append(found)
    try:
        yield found
    finally:
        stack.pop()


def settle(bodies: Settled) -> None:
    """`transition`, once its action has run: what it left, for whoever listens (`settled`)."""
    stack = _settled_stack()
    if stack:
        stack[-1].update(bodies)


def body_read_along(project: Project) -> str | None:
    """The body of the snapshot `locks.lock_projects` read along with the locked row, if there was one and it
    is not past its `fresh_until`."""
    snapshot = project._state.fields_cache.get("snapshot")
    if snapshot is None or _stale(snapshot.fresh_until):
        return None
    return snapshot.body


# -- the read side -------------------------------------------------------------------------------------


def _stale(fresh_until: dt.date | None) -> bool:
    return fresh_until is not None and clock.today() >= fresh_until


def json_object(members: dict[str, str]) -> str:
    """A JSON object from members whose values are JSON text already (a stored snapshot, a `dumps`)."""
    return "{" + ",".join(f"{dumps(key)}:{value}" for key, value in members.items()) + "}"


def with_actions(body: str, stage: str, user) -> str:
    """The stored body with the reader's `available_actions` appended (no parse, no serializer)."""
    actions = [spec.code for spec in actions_for(stage, user)] if user is not None else []
    return f'{body[:-1]},"available_actions":{dumps(actions)}}}'


def read(projects, project_id: int) -> tuple[str, str] | None:
    """(body, stage) of one project of the queryset `projects` (selectors.visible_projects(user)): one
    statement when the snapshot is there and fresh; None when the project is not among them."""
    found = (
        projects.filter(pk=project_id).values_list("stage", "snapshot__body", "snapshot__fresh_until").first()
    )
    if found is None:
        return None
    stage, body, fresh_until = found
    if body is None or _stale(fresh_until):
        snapshot = refresh([project_id]).get(project_id)
        if snapshot is None:
            return None
        return snapshot.body, json.loads(snapshot.row)["stage"]
    return body, stage


def counted_rows(projects, start: int, stop: int) -> tuple[int, str] | None:
    """The count of `projects` (an ordered queryset) and the list rows of its slice [start:stop], as one
    JSON array text, in one statement: the count is an uncorrelated subquery, which PostgreSQL and SQLite
    compute once. None when the slice is empty. A row whose snapshot is missing is built first."""
    found = list(
        projects.annotate(total=count_of(projects))[start:stop].values_list("pk", "snapshot__row", "total")
    )
    if not found:
        return None
    missing = [pk for pk, row, _ in found if row is None]
    built = {pk: snapshot.row for pk, snapshot in refresh(missing).items()} if missing else {}
    return found[0][2], "[" + ",".join(row or built[pk] for pk, row, _ in found if row or pk in built) + "]"


def work(projects) -> list[tuple[dict, list[dict]]]:
    """(list row, waiting steps) of each project of the queryset, in its order, from the snapshots: one
    statement; a snapshot missing or past its `fresh_until` is rebuilt first."""
    found = list(projects.values_list("pk", "snapshot__row", "snapshot__work", "snapshot__fresh_until"))
    stale = [pk for pk, row, _, fresh_until in found if row is None or _stale(fresh_until)]
    rebuilt = refresh(stale) if stale else {}
    result = []
    for pk, row, steps, _ in found:
        if pk in rebuilt:
            row, steps = rebuilt[pk].row, rebuilt[pk].work
        if row is not None:
            result.append((json.loads(row), json.loads(steps)))
    return result
