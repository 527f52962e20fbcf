"""ORG-03: each county's and city department's work under the policy, for the city's comprehensive
assessment. Figures only; the assessment itself is the assessors' judgement."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Q

from govpm.accounts.models import Unit
from govpm.policy.models import Finding
from govpm.projects.evaluations import LOW_SCORE
from govpm.projects.models import PostEvaluation, Project, TargetScore, ZombieListing
from govpm.projects.stages import Stage

from . import lapses


def unit_performance(year: int) -> list[dict]:
    """Per unit: needs submitted, rejected, in the pool or beyond (as owner); overdue and late steps (as the
    unit responsible for them, ORG-05); zombie listings. A handful of queries, whatever the number of units."""
    submitted = Q(submitted_at__year=year)
    projects = (
        Project.objects.filter(submitted)
        .values("owner_unit_id")
        .annotate(
            submitted=Count("id"),
            rejected=Count("id", filter=Q(stage=Stage.REJECTED)),
            completed=Count("id", filter=Q(stage__in=[Stage.OPERATION, Stage.EVALUATED])),
        )
    )
    # ORG-05: overdue and late counted against the unit that had to act (lapses.LAPSE_SOURCES).
    late = lapses.counts(year)
    zombies = ZombieListing.objects.filter(listed_on__year=year).values("unit_id").annotate(count=Count("id"))
    hits = (
        Finding.objects.filter(created_at__year=year, outcome=Finding.Outcome.HIT)
        .values("project__owner_unit_id")
        .annotate(count=Count("id"))
    )
    rows: dict[int, dict] = {}

    def row(unit_id: int) -> dict:
        return rows.setdefault(
            unit_id,
            {
                "unit_id": unit_id,
                "submitted": 0,
                "rejected": 0,
                "completed": 0,
                "overdue": 0,
                "late": 0,
                "zombies": 0,
                "rule_hits": 0,
            },
        )

    for item in projects:
        row(item["owner_unit_id"]).update(
            submitted=item["submitted"], rejected=item["rejected"], completed=item["completed"]
        )
    for unit_id, counted in late.items():
        row(unit_id).update(overdue=counted[lapses.OVERDUE], late=counted[lapses.LATE])
    for item in zombies:
        row(item["unit_id"])["zombies"] = item["count"]
    for item in hits:
        row(item["project__owner_unit_id"])["rule_hits"] = item["count"]
    for unit_id, figures in evaluation_figures(year).items():  # PERF-02
        row(unit_id).update(figures)
    names = dict(Unit.objects.filter(pk__in=rows).values_list("pk", "name"))
    result = [
        {"evaluated": 0, "evaluation_mean": None, "low_evaluations": 0, **values, "unit": names[unit_id]}
        for unit_id, values in rows.items()
    ]
    return sorted(result, key=lambda r: (-lapse_count(r), r["unit"]))


def lapse_count(row: dict) -> int:
    """What ranks a unit lower in the table: late or missed clocks, zombie listings and low post-evaluation
    results (PERF-02), one each."""
    return row["overdue"] + row["late"] + row["zombies"] + row.get("low_evaluations", 0)


def evaluation_figures(year: int) -> dict[int, dict]:
    """PERF-02 counted in ORG-03 (评估结果作为…考核…的参考依据, 三(四)): per owner unit, the post-evaluations
    made in the year, their mean score, and how many were low (under 60, or a performance target not met).
    One query."""
    missed = TargetScore.objects.filter(evaluation=OuterRef("pk"), result=TargetScore.Result.NOT_MET)
    found: dict[int, list[tuple[Decimal, bool]]] = {}
    zero = Decimal("0")
    for unit_id, score, not_met in (
        PostEvaluation.objects.filter(evaluated_on__year=year)
        .annotate(not_met=Exists(missed))
        .values_list("project__owner_unit_id", "score", "not_met")
    ):
        found.setdefault(unit_id, []).append((score, not_met))
    return {
        unit_id: {
            "evaluated": len(results),
            "evaluation_mean": (sum((score for score, _ in results), zero) / len(results)).quantize(
                Decimal("0.01")
            ),
            "low_evaluations": sum(1 for score, not_met in results if score < LOW_SCORE or not_met),
        }
        for unit_id, results in found.items()
    }


@dataclass(frozen=True)
class Behind:
    """One row behind a number of the table: the project, and for a lapse what was missed and when."""

    project: Project
    what: str = ""
    due_on: dt.date | None = None


DRILLABLE = (
    "submitted",
    "rejected",
    "completed",
    "overdue",
    "late",
    "zombies",
    "rule_hits",
    "evaluated",
    "low_evaluations",
)


def projects_behind(year: int, unit_id: int, column: str) -> list[Behind]:
    """ORG-05: the projects behind one number of unit_performance(year), as it counted them."""
    if column in lapses.COLUMNS:
        return [
            Behind(row.project, f"{row.source_label}：{row.lapse.what}", row.lapse.due_on)
            for row in lapses.drill_down(year, unit_id, column)
        ]
    projects = Project.objects.select_related("owner_unit")
    if column in ("submitted", "rejected", "completed"):
        chosen = projects.filter(submitted_at__year=year, owner_unit_id=unit_id)
        if column == "rejected":
            chosen = chosen.filter(stage=Stage.REJECTED)
        elif column == "completed":
            chosen = chosen.filter(stage__in=[Stage.OPERATION, Stage.EVALUATED])
        return [Behind(project) for project in chosen.order_by("id")]
    if column == "zombies":
        listings = ZombieListing.objects.filter(listed_on__year=year, unit_id=unit_id, project__isnull=False)
        chosen = projects.filter(pk__in=listings.values("project_id"))
        return [Behind(project, "列入僵尸系统") for project in chosen.order_by("id")]
    if column == "rule_hits":
        hits = Finding.objects.filter(
            created_at__year=year, outcome=Finding.Outcome.HIT, project__owner_unit_id=unit_id
        )
        chosen = projects.filter(pk__in=hits.values("project_id"))
        return [Behind(project, "规则命中") for project in chosen.order_by("id")]
    if column in ("evaluated", "low_evaluations"):  # PERF-02, as evaluation_figures counted them
        missed = TargetScore.objects.filter(evaluation=OuterRef("pk"), result=TargetScore.Result.NOT_MET)
        evaluations = (
            PostEvaluation.objects.filter(evaluated_on__year=year, project__owner_unit_id=unit_id)
            .annotate(not_met=Exists(missed))
            .select_related("project__owner_unit")
        )
        if column == "low_evaluations":
            evaluations = evaluations.filter(Q(score__lt=LOW_SCORE) | Q(not_met=True))
        return [
            Behind(
                e.project,
                f"后评估得分 {e.score}" + ("，有绩效目标未达成" if e.not_met else ""),
                e.evaluated_on,
            )
            for e in evaluations.order_by("project_id", "id")
        ]
    raise ValueError(column)
