"""ORG-03: each county's and city department's work under the policy, for the city's comprehensive
assessment. Figures only; the assessment itself is the assessors' judgement."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Q

from govpm.accounts.models import Unit
from govpm.policy.models import Finding
from govpm.projects.evaluations import LOW_SCORE
from govpm.projects.models import Deadline, PostEvaluation, Project, TargetScore, ZombieListing
from govpm.projects.stages import Stage


def unit_performance(year: int) -> list[dict]:
    """Per owner unit: needs submitted, rejected, in the pool or beyond, overdue and late clocks, zombie listings.
    Four grouped queries, whatever the number of units."""
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
    late = (
        Deadline.objects.filter(starts_on__year=year)
        .values("project__owner_unit_id")
        .annotate(
            overdue=Count("id", filter=Q(status=Deadline.Status.OVERDUE)),
            late=Count("id", filter=Q(status=Deadline.Status.DONE_LATE)),
        )
    )
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
    for item in late:
        row(item["project__owner_unit_id"]).update(overdue=item["overdue"], late=item["late"])
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
    return sorted(result, key=lambda r: (-lapses(r), r["unit"]))


def lapses(row: dict) -> int:
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
