"""The portfolio summary (ADR 0302): what the dashboard and the statistics show to users who see every
non-draft project, kept ready in small tables so a read costs the same at 10,000 projects as at
1,000,000.

`refresh()` rebuilds the tables whole in one transaction (a few grouped queries over the projects,
contracts, payments, clocks and findings); the job engine runs it every few minutes
(`periodic.portfolio_summary`), and the pages say as of when the figures are. Owner units and outside
experts see few projects: their dashboard and statistics stay live queries over their own rows.

The summary answers exactly what the live queries answer over the same rows at the moment of the
refresh (tests/test_portfolio_summary.py compares them on both databases)."""

from __future__ import annotations

import time
from collections import defaultdict
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import BigIntegerField, BooleanField, Case, Count, F, Q, QuerySet, Sum, Value, When
from django.db.models.functions import Coalesce, ExtractYear

from govpm.accounts.codes import REGIONS
from govpm.core import access, clock
from govpm.policy.models import Finding
from govpm.projects.facts import ARCHITECTURE_LAYERS
from govpm.projects.models import Contract, Deadline, Inspection, Payment, Project
from govpm.projects.selectors import visible_projects
from govpm.projects.stages import Stage

from . import statistics as live
from .models import SummaryCell, SummaryRefresh, SummaryTally
from .statistics import WENT_ON_STAGES, _label, checked_dimension, filters

CENT = Decimal("0.01")
# The statistics' filters on a cell's columns (statistics.PROJECT_FIELDS names them on a project).
CELL_FIELDS = {"year": "year", "category": "category", "level": "level", "unit": "owner_unit_id"}
KEYS = ("year", "owner_unit_id", "region_code", "category", "level", "stage", "went_on")


def whole(user) -> bool:
    """The summary serves the users who see every non-draft project."""
    return access.project_scope(user) == access.ALL_BUT_DRAFTS


def _went_on(prefix: str = "") -> Case:
    """statistics.investment as a column: the same predicate, row by row."""
    return Case(
        When(
            Q(**{f"{prefix}stage__in": WENT_ON_STAGES})
            | Q(**{f"{prefix}stage": Stage.TERMINATED, f"{prefix}approved_on__isnull": False}),
            **{f"{prefix}merged_into__isnull": True},
            then=Value(True),
        ),
        default=Value(False),
        output_field=BooleanField(),
    )


def _keys(prefix: str = "") -> dict:
    return {
        "year": ExtractYear(f"{prefix}submitted_at"),
        "owner_unit_id": F(f"{prefix}owner_unit_id"),
        "region_code": F(f"{prefix}owner_unit__region_code"),
        "category": F(f"{prefix}category"),
        "level": F(f"{prefix}level"),
        "stage": F(f"{prefix}stage"),
        "went_on": _went_on(prefix),
    }


def _fen(column: str) -> Sum:
    # Money is stored as integer 分 (ADR 0001): summed as such, converted once on the way out.
    return Sum(column, output_field=BigIntegerField())


def _as_key(row: dict) -> tuple:
    return tuple(row[k] for k in KEYS)


def refresh() -> SummaryRefresh:
    """Rebuild the summary from the projects as they are now; idempotent, safe on any worker."""
    started = time.perf_counter()
    projects = Project.objects.exclude(stage=Stage.DRAFT)
    keys = _keys()
    cells: dict[tuple, dict] = {}
    for row in (
        projects.annotate(**{f"k_{k}": v for k, v in keys.items()})
        .values(*(f"k_{k}" for k in KEYS))
        .annotate(
            n=Count("id"),
            requested=_fen("requested_estimate"),
            approved=_fen("approved_estimate"),
            invest=Sum(Coalesce("approved_estimate", "requested_estimate"), output_field=BigIntegerField()),
        )
        .order_by()
    ):
        key = tuple(row[f"k_{k}"] for k in KEYS)
        cells[key] = {
            "projects": row["n"],
            "requested_fen": row["requested"] or 0,
            "approved_fen": row["approved"] or 0,
            "invest_fen": row["invest"] or 0,
            "contracted_fen": 0,
            "paid_fen": 0,
            "joint_inspections": 0,
            "single_inspections": 0,
        }
    project_keys = _keys("project__")
    for model, column in ((Contract, "contracted_fen"), (Payment, "paid_fen")):
        for row in (
            model.objects.exclude(project__stage=Stage.DRAFT)
            .annotate(**{f"k_{k}": v for k, v in project_keys.items()})
            .values(*(f"k_{k}" for k in KEYS))
            .annotate(total=_fen("amount"))
            .order_by()
        ):
            key = tuple(row[f"k_{k}"] for k in KEYS)
            if key in cells:
                cells[key][column] = row["total"] or 0
    for row in (  # IMPL-09: "1+1" inspections apart from one unit's
        Inspection.objects.exclude(project__stage=Stage.DRAFT)
        .annotate(**{f"k_{k}": v for k, v in project_keys.items()})
        .values(*(f"k_{k}" for k in KEYS))
        .annotate(
            joint=Count("id", filter=Q(partner_unit__isnull=False)),
            single=Count("id", filter=Q(partner_unit__isnull=True)),
        )
        .order_by()
    ):
        key = tuple(row[f"k_{k}"] for k in KEYS)
        if key in cells:
            cells[key].update(joint_inspections=row["joint"], single_inspections=row["single"])
    tallies = _tallies(projects)
    with transaction.atomic():
        SummaryRefresh.objects.get_or_create(pk=1)
        state = SummaryRefresh.objects.select_for_update().get(pk=1)  # one rebuild at a time
        SummaryCell.objects.all().delete()
        SummaryCell.objects.bulk_create(
            (SummaryCell(**dict(zip(KEYS, key, strict=True)), **sums) for key, sums in cells.items()),
            batch_size=2000,
        )
        SummaryTally.objects.all().delete()
        SummaryTally.objects.bulk_create(
            SummaryTally(kind=kind, code=code, n=n) for (kind, code), n in tallies.items()
        )
        state.refreshed_at = clock.now()
        state.projects = sum(c["projects"] for c in cells.values())
        state.seconds = round(time.perf_counter() - started, 3)
        state.save()
        return state


def _tallies(projects: QuerySet[Project]) -> dict[tuple[str, str], int]:
    today = clock.today()
    tallies: dict[tuple[str, str], int] = {}
    overdue = (
        Deadline.objects.exclude(project__stage=Stage.DRAFT)
        .filter(Q(status=Deadline.Status.OVERDUE) | Q(status=Deadline.Status.OPEN, overdue_after__lt=today))
        .values("code")
        .annotate(n=Count("id"))
        .order_by()
    )
    for row in overdue:
        tallies[(SummaryTally.Kind.DEADLINE, row["code"])] = row["n"]
    hits = (
        Finding.objects.exclude(project__stage=Stage.DRAFT)
        .filter(outcome=Finding.Outcome.HIT)
        .exclude(rule_code__startswith="SCOPE-")  # out of scope is not a rejection (SCOPE-05)
        .values("rule_code")
        .annotate(n=Count("project_id", distinct=True))
        .order_by()
    )
    for rule_code, n in hits.values_list("rule_code", "n"):
        tallies[(SummaryTally.Kind.RULE, rule_code)] = n
    for code in ARCHITECTURE_LAYERS:
        # `layers` holds the codes joined by commas: match a whole code, never a prefix of another.
        whole_code = Q(layers=code) | Q(layers__startswith=f"{code},") | Q(layers__endswith=f",{code}")
        n = projects.filter(whole_code | Q(layers__contains=f",{code},")).count()
        if n:
            tallies[(SummaryTally.Kind.LAYER, code)] = n
    return tallies


def latest() -> SummaryRefresh:
    """The current summary. The job engine rebuilds it every GOVPM_SUMMARY_SECONDS; where no job engine
    runs (the demo, inline mode) or none was ever made, a read rebuilds a stale one itself."""
    current = SummaryRefresh.objects.filter(pk=1, refreshed_at__isnull=False).first()
    if current is not None and current.refreshed_at is not None:
        age = (clock.now() - current.refreshed_at).total_seconds()
        if 0 <= age < settings.GOVPM_SUMMARY_SECONDS or not settings.CELERY_TASK_ALWAYS_EAGER:
            return current
    return refresh()


def _yuan(fen: int | None) -> Decimal:
    return (Decimal(fen or 0) / 100).quantize(CENT)


def dashboard() -> dict:
    """queries.dashboard's aggregates, read from the summary (one query each, none over projects)."""
    as_of = latest()
    cells = SummaryCell.objects.all()
    pipeline_counts = dict(cells.values_list("stage").annotate(n=Sum("projects")).values_list("stage", "n"))
    pipeline = [
        (Stage(code).label, pipeline_counts[code], f"stage={code}")
        for code in Stage.values
        if pipeline_counts.get(code)
    ]
    went_on = cells.filter(went_on=True)
    units = (
        went_on.values("owner_unit_id", "owner_unit__short_name")
        .annotate(total=Sum("invest_fen"), n=Sum("projects"))
        .order_by("-total", "owner_unit_id")[:15]
    )
    by_unit = [
        (row["owner_unit__short_name"], _yuan(row["total"]), f"unit={row['owner_unit_id']}") for row in units
    ]
    regions = went_on.values("region_code").annotate(total=Sum("invest_fen")).order_by("region_code")
    by_county = [
        (
            REGIONS.get(row["region_code"], row["region_code"]),
            _yuan(row["total"]),
            f"region={row['region_code']}",
        )
        for row in regions
    ]
    tallies: dict[str, dict[str, int]] = defaultdict(dict)
    for kind, code, n in SummaryTally.objects.values_list("kind", "code", "n"):
        tallies[kind][code] = n
    labels = dict(Deadline.Code.choices)
    overdue = tallies[SummaryTally.Kind.DEADLINE]
    rules = tallies[SummaryTally.Kind.RULE]
    layers = tallies[SummaryTally.Kind.LAYER]
    return {
        "pipeline": pipeline,
        "by_unit": by_unit,
        "by_county": by_county,
        "overdue": [(f"{code} {labels[code]}", overdue[code], "overdue=true") for code in sorted(overdue)],
        "rejections": [(code, rules[code], f"rule={code}") for code in sorted(rules)],
        "layers": [
            (label, layers.get(code, 0), f"layer={code}") for code, label in ARCHITECTURE_LAYERS.items()
        ],
        "as_of": as_of.refreshed_at,
    }


def statistics(params) -> dict:
    """statistics.statistics over every non-draft project, read from the summary: the same rows and
    totals, by the same dimension and filters."""
    dimension, label = checked_dimension(params)
    as_of = latest()
    cells = SummaryCell.objects.filter(went_on=True, **filters(params, CELL_FIELDS))
    column = {"year": "year", "unit": "owner_unit__name", "category": "category", "level": "level"}.get(
        dimension, dimension
    )
    rows = []
    for row in (
        cells.values(column)
        .annotate(
            n=Sum("projects"),
            requested=Sum("requested_fen"),
            approved=Sum("approved_fen"),
            contracted=Sum("contracted_fen"),
            paid=Sum("paid_fen"),
            joint=Sum("joint_inspections"),
            single=Sum("single_inspections"),
        )
        .order_by(column)
    ):
        key = row[column]
        rows.append(
            {
                "key": key,
                "label": _label(dimension, key),
                "count": row["n"],
                "requested": _yuan(row["requested"]),
                "approved": _yuan(row["approved"]),
                "contracted": _yuan(row["contracted"]),
                "paid": _yuan(row["paid"]),
                "joint_inspections": row["joint"] or 0,
                "single_inspections": row["single"] or 0,
            }
        )
    totals = {
        "count": sum(r["count"] for r in rows),
        "joint_inspections": sum(r["joint_inspections"] for r in rows),
        "single_inspections": sum(r["single_inspections"] for r in rows),
        **{
            c: sum((r[c] for r in rows), Decimal("0.00"))
            for c in ("requested", "approved", "contracted", "paid")
        },
    }
    return {"by": dimension, "by_label": label, "rows": rows, "totals": totals, "as_of": as_of.refreshed_at}


def statistics_for(user, params) -> dict:
    """The statistics a user sees: from the summary for the whole portfolio, live over an owner unit's
    or an expert's own projects."""
    if whole(user):
        return statistics(params)
    return live.statistics(visible_projects(user), params)
