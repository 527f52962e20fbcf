"""ORG-03: each county's and city department's work under the policy, for the city's comprehensive
assessment. Figures only; the assessment itself is the assessors' judgement."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q

from govpm.accounts.models import Unit
from govpm.policy.models import Finding
from govpm.projects.models import Project, ZombieListing
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
    names = dict(Unit.objects.filter(pk__in=rows).values_list("pk", "name"))
    result = [{**values, "unit": names[unit_id]} for unit_id, values in rows.items()]
    return sorted(result, key=lambda r: (-r["overdue"] - r["late"] - r["zombies"], r["unit"]))


@dataclass(frozen=True)
class Behind:
    """One row behind a number of the table: the project, and for a lapse what was missed and when."""

    project: Project
    what: str = ""
    due_on: dt.date | None = None


DRILLABLE = ("submitted", "rejected", "completed", "overdue", "late", "zombies", "rule_hits")


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
    raise ValueError(column)
