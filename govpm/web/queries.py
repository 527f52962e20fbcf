"""Reads the web pages need beyond govpm.projects.selectors: the extra list filters of the dashboard's
links, choice lists for forms, the dashboard's aggregates, the zombie registry. Read-only."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

from django.db.models import Count, F, Max, Prefetch, Q, QuerySet, Sum
from django.db.models.functions import Coalesce

from govpm.accounts.codes import REGIONS
from govpm.accounts.models import Unit, User
from govpm.core import clock
from govpm.core.counting import count_of
from govpm.core.errors import InvalidInput
from govpm.policy.catalog import RULES
from govpm.policy.models import Finding
from govpm.portfolio import summary
from govpm.portfolio.statistics import investment
from govpm.projects import selectors
from govpm.projects.facts import ARCHITECTURE_LAYERS
from govpm.projects.models import (
    Deadline,
    Event,
    Expert,
    ExpertDraw,
    Funding,
    OpinionRevision,
    Project,
    Reminder,
    ReviewReminder,
    ReviewTask,
    Specialty,
    ZombieListing,
)
from govpm.projects.stages import CLOSED_STAGES, Stage
from govpm.promotion.models import CasePresentation, Publicity, Showcase

from .presenters import ACTION_LABELS
from .standing import INTAKE_ACTIONS


def project_list(user: User, params) -> QuerySet[Project]:
    """selectors.project_list, plus two filters the dashboard links to: region (county) and rule hit."""
    projects = selectors.project_list(user, params)
    if region := params.get("region"):
        if region not in REGIONS:
            raise InvalidInput("行政区划：不是衢州市或所辖县（市、区）的代码", field="region")
        projects = projects.filter(owner_unit__region_code=region)
    if rule := params.get("rule"):
        if rule not in RULES:
            raise InvalidInput(f"规则：不识别的规则编号 {rule}", field="rule")
        hits = Finding.objects.filter(rule_code=rule, outcome=Finding.Outcome.HIT).values("project_id")
        projects = projects.filter(pk__in=hits)
    return projects


def owner_units() -> list[Unit]:
    """Units that own at least one project: the demand pool's unit filter."""
    return list(Unit.objects.filter(projects__isnull=False).distinct().only("pk", "name"))


def expert_draws(project: Project) -> list[dict]:
    """COORD-07: each round's draw as recorded — specialties, the drawn by specialty, each exclusion."""
    rows = []
    for draw in ExpertDraw.objects.filter(project=project).select_related("drawn_by").order_by("-round"):
        names = {row["id"]: row["name"] for row in draw.pool}
        rows.append(
            {
                "draw": draw,
                "drawn": [
                    (Specialty(code).label, [names.get(pk, pk) for pk in ids])
                    for code, ids in draw.drawn.items()
                ],
                "pool_size": len(draw.pool),
            }
        )
    return rows


def expert_library() -> list[Expert]:
    return list(Expert.objects.select_related("employer_unit", "user").order_by("-active", "id"))


def recent_draws(limit: int = 50) -> list[ExpertDraw]:
    return list(ExpertDraw.objects.select_related("project", "drawn_by").order_by("-drawn_at", "-id")[:limit])


# The project page shows the latest of its records that grow with every action (the audit trail, the
# inspections); the history page (`project_history`) pages through all of them.
RECENT = 20
# The events the stage timeline and the standing read, however long the history: creation, the intake
# decisions and every change of stage.
MILESTONE_ACTIONS = ("create", *INTAKE_ACTIONS)


def stage_events(project: Project, read: list[Event] | None = None, total: int = 0) -> list[Event]:
    """Creation, the intake decisions and every change of stage, in order: a few per project. Picked from
    the events `read` when they are all `total` of them, else read."""
    if read is not None and len(read) == total:
        return [e for e in read if e.action in MILESTONE_ACTIONS or e.from_stage != e.to_stage]
    return list(
        Event.objects.filter(project=project)
        .filter(Q(action__in=MILESTONE_ACTIONS) | ~Q(from_stage=F("to_stage")))
        .order_by("id")
    )


def _latest(rows: QuerySet, order: tuple[str, ...], **counted: Q) -> tuple[list, dict[str, int]]:
    """The latest RECENT rows, oldest first, and in the same statement how many there are in all
    (`total`) and how many match each condition of `counted`."""
    counts = {"total": count_of(rows), **{name: count_of(rows.filter(q)) for name, q in counted.items()}}
    latest = list(
        rows.annotate(**{f"{name}_count": count for name, count in counts.items()}).order_by(*order)[:RECENT]
    )
    first = latest[0] if latest else None
    return latest[::-1], {name: getattr(first, f"{name}_count") if first else 0 for name in counts}


def project_history(project: Project, params) -> QuerySet[Event]:
    """Every event of the project, newest first, filtered by action (`action`) and by who acted (`q`, the
    name, role or unit recorded with the event)."""
    events = Event.objects.filter(project=project).order_by("-id")
    if action := params.get("action"):
        if action not in ACTION_LABELS:
            raise InvalidInput("操作：不识别的操作", field="action")
        events = events.filter(action=action)
    if q := (params.get("q") or "").strip()[:100]:
        events = events.filter(Q(actor_name__icontains=q) | Q(actor_unit__icontains=q))
    return events


def history_actions(project: Project) -> list[tuple[str, str]]:
    """The actions the project's history holds, for the filter: (code, label), in the order of the table."""
    present = set(Event.objects.filter(project=project).values_list("action", flat=True).distinct())
    return [(code, label) for code, label in ACTION_LABELS.items() if code in present]


def project_extras(project: Project) -> dict:
    """What the project page shows beyond selectors.project_detail's prefetches, one query each; of the
    records that grow with every action, only the latest (RECENT) and their counts."""
    funding = Funding.objects.filter(project=project).prefetch_related("shares").first()
    events, event_counts = _latest(Event.objects.filter(project=project), ("-id",))
    inspections, inspection_counts = _latest(  # IMPL-09: "1+1" inspections counted apart
        project.inspections.select_related("unit", "partner_unit"),
        ("-inspected_on", "-id"),
        joint=Q(partner_unit__isnull=False),
    )
    inspections_total = inspection_counts["total"]
    return {
        "stage_events": stage_events(project, events, event_counts["total"]),
        "events": events,
        "events_total": event_counts["total"],
        "decisions": list(project.decisions.select_related("actor")),
        "funding": funding,
        "shares": list(funding.shares.all()) if funding else [],
        "zombie_listings": list(project.zombie_listings.all()),
        "inspections": inspections,
        "inspections_total": inspections_total,
        "inspection_counts": {
            "joint": inspection_counts["joint"],
            "single": inspections_total - inspection_counts["joint"],
        },
        "midterm_reviews": list(project.midterm_reviews.all()),
        "final_acceptances": list(project.final_acceptances.all()),
        "dictionaries": list(project.data_dictionaries.all()),
        "exemptions": list(project.exemptions.all()),
    }


def joint_review(project: Project) -> dict:
    """Every round's opinions side by side, who is still missing, each answer's history, reminders."""
    tasks = list(
        ReviewTask.objects.filter(project=project)
        .select_related("unit", "expert", "answered_by")
        .prefetch_related(
            Prefetch("revisions", queryset=OpinionRevision.objects.select_related("actor")),
            Prefetch("reminders", queryset=ReviewReminder.objects.select_related("sent_by")),
        )
        .order_by("-round", "expert_id", "id")
    )
    rounds: dict[int, list[ReviewTask]] = {}
    for task in tasks:
        rounds.setdefault(task.round, []).append(task)
    current = rounds.get(project.review_round, [])
    reminders = list(
        Reminder.objects.filter(deadline__project=project).select_related("deadline").order_by("-for_day")
    )
    return {
        "draws": expert_draws(project),
        "rounds": sorted(rounds.items(), reverse=True),
        "current": current,
        "missing": [task for task in current if not task.opinion],
        "answered": sum(1 for task in current if task.opinion),
        "counts": sorted(Counter(task.get_opinion_display() for task in current if task.opinion).items()),
        "reminders": reminders,
        "review_reminders": [reminder for task in current for reminder in task.reminders.all()],
    }


def zombie_registry(params) -> QuerySet[ZombieListing]:
    listings = ZombieListing.objects.select_related("project", "unit").order_by("-listed_on", "id")
    if q := (params.get("q") or "").strip():
        listings = listings.filter(
            Q(project__name__icontains=q)
            | Q(system_name__icontains=q)
            | Q(unit__name__icontains=q)
            | Q(reason__icontains=q)
        )
    if params.get("status") == "barred":
        listings = listings.filter(bar_ends_on__gt=clock.today())
    return listings


def barred_units() -> list[dict]:
    """Units whose bar has not ended (REJ-09, TIME-04): the date they may apply again."""
    rows = (
        ZombieListing.objects.values("unit_id", "unit__name")
        .annotate(ends=Max("bar_ends_on"), n=Count("id"))
        .filter(ends__gt=clock.today())
        .order_by("ends")
    )
    today = clock.today()
    return [{**row, "days_left": (row["ends"] - today).days} for row in rows]


def dashboard(user: User) -> dict:
    """Six aggregates over what the user may see; each bar keeps the query string of its list. Users
    who see the whole portfolio read them from the summary the job engine keeps (ADR 0302), as of its
    last refresh; an owner unit's or an expert's own few projects are counted live."""
    if summary.whole(user):
        return summary.dashboard()
    return live_dashboard(selectors.visible_projects(user))


def live_dashboard(projects: QuerySet[Project]) -> dict:
    """The dashboard's aggregates counted now over `projects` (what portfolio.summary keeps ready)."""
    today = clock.today()
    by_stage = dict(projects.values_list("stage").annotate(n=Count("id")).values_list("stage", "n"))
    pipeline = [
        (Stage(code).label, by_stage[code], f"stage={code}") for code in Stage.values if by_stage.get(code)
    ]

    invest = Coalesce("approved_estimate", "requested_estimate")
    # Only needs that went on count as investment (PORT-04): the one predicate, as on every page.
    units = (
        investment(projects)
        .values("owner_unit_id", "owner_unit__short_name")
        .annotate(total=Sum(invest), n=Count("id"))
        .order_by("-total")[:15]
    )
    by_unit = [
        (row["owner_unit__short_name"], row["total"] or 0, f"unit={row['owner_unit_id']}") for row in units
    ]
    regions = (
        investment(projects)
        .values("owner_unit__region_code")
        .annotate(total=Sum(invest))
        .order_by("owner_unit__region_code")
    )
    by_county = [
        (
            REGIONS.get(row["owner_unit__region_code"], row["owner_unit__region_code"]),
            row["total"] or 0,
            f"region={row['owner_unit__region_code']}",
        )
        for row in regions
    ]

    overdue = (
        Deadline.objects.filter(project__in=projects)
        .filter(Q(status=Deadline.Status.OVERDUE) | Q(status=Deadline.Status.OPEN, overdue_after__lt=today))
        .values("code")
        .annotate(n=Count("id"))
        .order_by("code")
    )
    labels = dict(Deadline.Code.choices)
    by_deadline = [(f"{row['code']} {labels[row['code']]}", row["n"], "overdue=true") for row in overdue]

    hits = (
        Finding.objects.filter(project__in=projects, outcome=Finding.Outcome.HIT)
        .exclude(rule_code__startswith="SCOPE-")  # out of scope is not a rejection (SCOPE-05)
        .values("rule_code")
        .annotate(n=Count("project_id", distinct=True))
        .order_by("rule_code")
    )
    by_rule = [(row["rule_code"], row["n"], f"rule={row['rule_code']}") for row in hits]

    layer_counts: Counter = Counter()
    for layers in projects.exclude(layers="").values_list("layers", flat=True):
        layer_counts += Counter(code for code in layers.split(",") if code)
    by_layer = [(label, layer_counts[code], f"layer={code}") for code, label in ARCHITECTURE_LAYERS.items()]
    return {
        "pipeline": pipeline,
        "by_unit": by_unit,
        "by_county": by_county,
        "overdue": by_deadline,
        "rejections": by_rule,
        "layers": by_layer,
        "as_of": None,
    }


def promotion_records(year: int) -> dict:
    """The year's publicity, showcases and cases presented upward (四): one query each."""
    return {
        "publicity": list(Publicity.objects.filter(year=year)),
        "showcases": list(Showcase.objects.filter(held_on__year=year).order_by("held_on")),
        "cases": list(CasePresentation.objects.filter(presented_on__year=year)),
    }


def unit(unit_id: int) -> Unit | None:
    return Unit.objects.filter(pk=unit_id).first()


def overview(user: User) -> dict:
    """The supervision overview's figures over what the user may see; a fixed number of queries."""
    projects = selectors.visible_projects(user)
    today = clock.today()
    counts = projects.aggregate(
        open=Count("id", filter=~Q(stage__in=CLOSED_STAGES) & ~Q(stage=Stage.DRAFT)),
        overdue=Count("id", filter=Q(is_overdue=True)),
        rejected=Count("id", filter=Q(stage=Stage.REJECTED)),
        pooled=Count("id", filter=Q(stage=Stage.POOLED)),
    )
    # Summed per unit as the dashboard does (SQLite's SUM over the coalesced 分 comes back as a float).
    per_unit = (
        investment(projects)
        .values("owner_unit_id")
        .annotate(total=Sum(Coalesce("approved_estimate", "requested_estimate")))
        .values_list("total", flat=True)
    )
    late = list(
        Deadline.objects.filter(project__in=projects)
        .filter(Q(status=Deadline.Status.OVERDUE) | Q(status=Deadline.Status.OPEN, overdue_after__lt=today))
        .select_related("project", "project__owner_unit")
        .order_by("overdue_after", "due_on", "id")[:15]
    )
    return {
        "counts": counts,
        "investment": sum((Decimal(total or 0) for total in per_unit), Decimal("0.00")),
        "late": late,
        "barred": barred_units(),
    }
