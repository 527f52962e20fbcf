"""Reads of projects, shaped so that no list or page grows a query per row."""

from __future__ import annotations

from django.db.models import Exists, F, OuterRef, Q, QuerySet

from govpm.accounts.models import User
from govpm.core import access, clock
from govpm.core.errors import InvalidInput, NotFound
from govpm.core.parsers import parse_int

from . import readmodel
from .facts import ARCHITECTURE_LAYERS
from .models import (
    Contract,
    CostShare,
    Decision,
    DesignTask,
    EstimateReview,
    Event,
    IssuedDocument,
    Level,
    Project,
    ReviewTask,
    TopLevelDesign,
    ZombieListing,
)
from .rules import prescreen
from .stages import MAIN_PATH, Stage

ORDERINGS: dict[str, list] = {
    # PRI-06: confirmed priority grounds first, then the earlier submission (drafts, unsubmitted, last).
    "priority": ["-priority_score", F("submitted_at").asc(nulls_last=True), "id"],
    "newest": ["-id"],
    "oldest": ["id"],
    "name": ["name", "id"],
    "estimate": ["-requested_estimate", "id"],
}
# What each ordering is called on pages and in exports.
ORDERING_LABELS = {
    "priority": "优先排序",
    "newest": "最新",
    "oldest": "最早",
    "name": "名称",
    "estimate": "估算金额",
}


def visible_projects(user) -> QuerySet[Project]:
    """What a user may see, the one rule for pages, the API, exports, open data, the bench and the
    lifecycle's check (`.filter(pk=…)`): an owner unit only its own projects; an outside expert only the
    projects it was asked to review; nobody else any draft; anonymous or deactivated users nothing.
    Which scope a user has is `access.project_scope`."""
    projects = Project.objects.all()
    scope = access.project_scope(user)
    if scope == access.OWN_UNIT:
        # PLAN-07: a unit whose need was merged into another project keeps reading that project.
        merged_into = Project.objects.filter(owner_unit_id=user.unit_id, merged_into__isnull=False)
        # COORD-10: a unit holding a cost share, or signing a contract, of a project sees it.
        shared = CostShare.objects.filter(unit_id=user.unit_id).values("funding__project_id")
        signed = Contract.objects.filter(signing_unit_id=user.unit_id).values("project_id")
        return projects.filter(
            Q(owner_unit_id=user.unit_id)
            | Q(pk__in=merged_into.values("merged_into_id"))
            | Q(original_owner_unit_id=user.unit_id)
            | Q(pk__in=shared)
            | Q(pk__in=signed)
        )
    if scope == access.REVIEWED:
        return projects.filter(pk__in=ReviewTask.objects.filter(expert=user).values("project_id"))
    if scope == access.ALL_BUT_DRAFTS:
        return projects.exclude(stage=Stage.DRAFT)
    return projects.none()


def sees(user, project: Project) -> bool:
    """`visible_projects(user)` asked for one loaded row: answered from the row where the rule needs nothing
    else (every project but drafts; a unit's own), else by one query."""
    scope = access.project_scope(user)
    if scope == access.ALL_BUT_DRAFTS:
        return project.stage != Stage.DRAFT
    if scope == access.OWN_UNIT and project.owner_unit_id == user.unit_id:
        return True
    return visible_projects(user).filter(pk=project.pk).exists()


# Public (ADR 0201): approved by the leading group (stage `approval` or later on the main path). A
# terminated project stays public only if it had been approved (its record explains what was spent);
# one terminated before approval — refused by the leading group, stopped early, merged into another
# need — never was public.
APPROVED_STAGES = frozenset(MAIN_PATH[MAIN_PATH.index(Stage.APPROVAL) :])


def public_projects() -> QuerySet[Project]:
    """What anyone may read without signing in: the open data of approved projects."""
    approved = Decision.objects.filter(
        project=OuterRef("pk"), kind=Decision.Kind.LEADING_GROUP, outcome="approve"
    )
    return Project.objects.filter(
        Q(stage__in=APPROVED_STAGES) | Q(stage=Stage.TERMINATED, merged_into__isnull=True) & Exists(approved)
    )


def _truthy(value: str, field: str, label: str) -> bool:
    if value.lower() in {"1", "true", "yes"}:
        return True
    if value.lower() in {"0", "false", "no"}:
        return False
    raise InvalidInput(f"{label}：应为 true 或 false", field=field)


def project_list(user: User, params) -> QuerySet[Project]:
    """The demand pool and every project list: filters, search, and priority-first ranking."""
    # Lists never show the facts JSON or the summary: not decoding them per row keeps long lists cheap.
    projects = visible_projects(user).select_related("owner_unit").defer("facts", "summary")
    if stage := params.get("stage"):
        stages = stage.split(",")
        unknown = [code for code in stages if code not in Stage.values]
        if unknown:
            raise InvalidInput(f"阶段：不识别的阶段 {unknown[0]}", field="stage")
        projects = projects.filter(stage__in=stages)
    if unit := params.get("unit"):
        # Digits are an id, parsed strictly: "²" and "٣" are refused, a 20-digit id too (SQLite
        # cannot bind it); anything else is a unit code.
        projects = (
            projects.filter(owner_unit_id=parse_int(unit, "unit", "业主单位", min_value=1))
            if unit.isdigit()
            else projects.filter(owner_unit__code=unit)
        )
    if level := params.get("level"):
        if level not in Level.values:
            raise InvalidInput("层级：应为 city 或 county", field="level")
        projects = projects.filter(level=level)
    if category := params.get("category"):
        projects = projects.filter(category=parse_int(category, "category", "项目类别", 1, 7))
    if priority := params.get("priority"):
        has = _truthy(priority, "priority", "优先列入")
        projects = projects.filter(priority_score__gt=0) if has else projects.filter(priority_score=0)
    if overdue := params.get("overdue"):
        projects = projects.filter(is_overdue=_truthy(overdue, "overdue", "逾期"))
    if layer := params.get("layer"):
        if layer not in ARCHITECTURE_LAYERS:
            raise InvalidInput(f"架构层级：应为 {'、'.join(ARCHITECTURE_LAYERS)} 之一", field="layer")
        projects = projects.filter(layers__contains=f",{layer},")
    if q := (params.get("q") or "").strip():
        projects = projects.filter(
            Q(name__icontains=q) | Q(summary__icontains=q) | Q(project_code__icontains=q)
        )
    ordering = params.get("ordering") or "priority"
    if ordering not in ORDERINGS:
        raise InvalidInput(f"排序：应为 {'、'.join(ORDERINGS)} 之一", field="ordering")
    return projects.order_by(*ORDERINGS[ordering])


def _project_pk(project_id) -> int:
    try:
        return parse_int(str(project_id), "id", "项目", min_value=1)
    except InvalidInput:
        raise NotFound("项目不存在或无权查看") from None


def project_detail(user: User, project_id) -> Project:
    """The project with every relation its detail shows (readmodel.DETAIL_PREFETCH): the full read, for
    pages and choices that work on the records themselves."""
    project = (
        visible_projects(user)
        .select_related("owner_unit")
        .prefetch_related(*readmodel.DETAIL_PREFETCH)
        .filter(pk=_project_pk(project_id))
        .first()
    )
    if project is None:
        raise NotFound("项目不存在或无权查看")
    return project


def project_detail_json(user: User, project_id, settled: readmodel.Settled | None = None) -> str:
    """The project detail as the API sends it, from the read model (ADR 0402): one statement, the stored
    snapshot with this reader's available actions. `settled`: what an action the reader just took left
    (`readmodel.settled`), which is answered from without reading it again."""
    if settled is not None and (known := settled.get(_project_pk(project_id))):
        project, body = known
        if sees(user, project):
            return readmodel.with_actions(body, project.stage, user)
    found = readmodel.read(visible_projects(user), _project_pk(project_id))
    if found is None:
        raise NotFound("项目不存在或无权查看")
    body, stage = found
    return readmodel.with_actions(body, stage, user)


def unit_bar(unit_id: int | None):
    """REJ-09, TIME-04: the zombie listing whose bar on this unit ends last, while it has not ended; None
    otherwise. One query."""
    if unit_id is None:
        return None
    return (
        ZombieListing.objects.filter(unit_id=unit_id, bar_ends_on__gt=clock.today())
        .select_related("project")
        .order_by("-bar_ends_on", "-id")
        .first()
    )


def prescreen_hits(project: Project, bar=None) -> list[prescreen.Hit]:
    """The automatic rules' hits on the facts as they stand, as `lifecycle.precheck` finds them, with
    nothing recorded: what submitting now would meet. `bar` is `unit_bar(project.owner_unit_id)`, which a
    page that shows the bar has already read."""
    context = prescreen.Context(
        facts=project.facts, today=clock.today(), unit_bar_ends_on=bar.bar_ends_on if bar else None
    )
    return prescreen.evaluate(context)


def latest_event(project_id: int, actions) -> Event | None:
    """The project's latest event of one of these actions (its payload names the rules it hit)."""
    return Event.objects.filter(project_id=project_id, action__in=list(actions)).order_by("-id").first()


NOTICE_KINDS = (IssuedDocument.Kind.NON_ACCEPTANCE_NOTICE, IssuedDocument.Kind.RETURN_NOTICE)


def notice_documents(project: Project) -> QuerySet[IssuedDocument]:
    """DOC-01: the 不予受理告知书 and 退回修改通知 issued to a need, oldest first (one query)."""
    return (
        IssuedDocument.objects.filter(project=project, kind__in=NOTICE_KINDS)
        .select_related("issuer")
        .order_by("id")
    )


def estimate_reviews(project: Project) -> QuerySet[EstimateReview]:
    """COORD-08: the third-party estimate reviews recorded for a project, newest first (one query)."""
    return EstimateReview.objects.filter(project=project).select_related("recorded_by").order_by("-id")


def designs() -> QuerySet[TopLevelDesign]:
    """PLAN-06: the top-level designs with their tasks (two queries)."""
    return TopLevelDesign.objects.select_related("created_by").prefetch_related("tasks")


def design_task_choices() -> list[tuple[int, str]]:
    """PLAN-06: every design task, labelled with its design, for a need to name the one it serves."""
    return [
        (task.pk, f"{task.design.title} · {task.title}")
        for task in DesignTask.objects.select_related("design").order_by("design_id", "position", "id")
    ]
