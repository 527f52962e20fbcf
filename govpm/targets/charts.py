"""The data behind the targets pages' charts (item 9), as plain lists the templates embed with
`json_script` and static/targets/targets.js draws with ECharts (the dashboard's way: no inline script,
so the Content-Security-Policy holds). Pure over what the view loaded."""

from __future__ import annotations

from decimal import Decimal

from govpm.accounts.codes import COUNTY_REGIONS

from . import parsing
from .models import Indicator, Target


def _number(value: Decimal | None) -> str | None:
    return parsing.fmt(value) if value is not None else None


def indicator_path(indicator: Indicator, targets: list[Target], observations) -> dict | None:
    """Observed values against the straight path from the baseline to each numeric target."""
    numeric = [
        t
        for t in sorted(targets, key=lambda t: t.year)
        if t.kind == parsing.COMPARISON and t.value is not None
    ]
    current = sorted((o for o in observations if o.is_current), key=lambda o: o.period)
    if not numeric and not current:
        return None
    path = []
    if indicator.baseline_value is not None and indicator.baseline_year is not None:
        path.append(
            [
                indicator.baseline_year,
                _number(indicator.baseline_value),
                _number(indicator.baseline_secondary),
            ]
        )
    path += [[t.year, _number(t.value), _number(t.secondary_value)] for t in numeric]
    return {
        "unit": indicator.unit,
        "paired": any(t.secondary_value is not None for t in numeric),  # "100(99)": both values drawn
        "path": path,
        "observed": [[o.period, _number(o.value), _number(o.secondary_value)] for o in current],
    }


def ranking(rows) -> list:
    """The county ranking: [county, cumulative completion rate %]."""
    return [[row.region_name, _number(row.rate)] for row in rows if row.rate is not None]


def completion_by_year(task, shares) -> dict:
    """Per county and year: planned against completed (current figures)."""
    years = sorted({s.year for s in shares if s.year is not None})
    planned = {(s.region_code, s.year): s.planned for s in shares if s.year is not None}
    done = {(r.region_code, r.year): r.completed for r in task.current_progress}
    series = []
    for code, name in COUNTY_REGIONS.items():
        if not any((code, y) in planned for y in years):
            continue
        series.append(
            {
                "name": name,
                "planned": [_number(planned.get((code, y))) for y in years],
                "completed": [_number(done.get((code, y))) for y in years],
            }
        )
    return {"years": years, "series": series, "unit": task.unit}
