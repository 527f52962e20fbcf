"""Cost and schedule variance (PORT-02) beside smart_office's risk rating (PORT-03), and the plan
against actuals of the project page (PORT-01).

Ratings follow the US IT Dashboard: green under 10 %, amber 10–30 %, red 30 % and over."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from govpm.core import clock
from govpm.projects.finance import current_baseline
from govpm.projects.models import Project

from .models import Milestone, MilestonePlan, RiskRating

GREEN, AMBER, RED = "green", "amber", "red"
LABELS = {GREEN: "绿", AMBER: "黄", RED: "红", None: "—"}
BADGES = {GREEN: "ok", AMBER: "warn", RED: "bad", None: ""}  # the UI's badge classes
ORDER = {None: -1, GREEN: 0, AMBER: 1, RED: 2}
LOW_RISK = 2  # a rating of 1 or 2 on a red project is flagged


def rate(percent: Decimal | None) -> str | None:
    if percent is None:
        return None
    if percent < 10:
        return GREEN
    if percent < 30:
        return AMBER
    return RED


@dataclass
class Bar:
    label: str
    planned_start: dt.date | None
    planned_end: dt.date | None
    actual_start: dt.date | None
    actual_end: dt.date | None
    forecast: bool = False  # actual_end is today's forecast, the work is not done


@dataclass
class Variance:
    baseline: Decimal | None
    cost: Decimal
    cost_percent: Decimal | None
    cost_rating: str | None
    planned_end: dt.date | None
    end: dt.date | None
    end_is_forecast: bool
    schedule_percent: Decimal | None
    schedule_rating: str | None
    risk: RiskRating | None
    bars: list[Bar] = field(default_factory=list)
    plans: dict[str, dt.date] = field(default_factory=dict)  # milestone code → planned date

    @property
    def rating(self) -> str | None:
        return max(self.cost_rating, self.schedule_rating, key=lambda r: ORDER[r])

    @property
    def rating_label(self) -> str:
        return LABELS[self.rating]

    @property
    def badges(self) -> dict[str, str]:
        return {
            "cost": BADGES[self.cost_rating],
            "schedule": BADGES[self.schedule_rating],
            "overall": BADGES[self.rating],
        }

    @property
    def flagged(self) -> bool:
        """PORT-03: a low-risk rating on a red project."""
        return self.rating == RED and self.risk is not None and self.risk.rating <= LOW_RISK


def _percent(part: Decimal, whole: Decimal) -> Decimal:
    return (abs(part) * 100 / whole).quantize(Decimal("0.1"))


def project_variance(project: Project, *, today: dt.date | None = None) -> Variance:
    """Reads the project's modules, contracts and payments (prefetched by project_detail) and its plans."""
    today = today or clock.today()
    contracts = list(project.contracts.all())
    payments = list(project.payments.all())
    modules = list(project.modules.all())
    plans = {plan.milestone: plan.planned_on for plan in MilestonePlan.objects.filter(project=project)}
    risk = RiskRating.objects.filter(project=project).select_related("rated_by").first()

    # Cost: the current baseline (the approved estimate, with any change it had) against what was
    # committed — the larger of contracts signed and payments made.
    baseline = current_baseline(project)
    cost = max(sum((c.amount for c in contracts), Decimal(0)), sum((p.amount for p in payments), Decimal(0)))
    cost_percent = _percent(cost - baseline, baseline) if baseline and cost else None

    first_contract = min((c.signed_on for c in contracts), default=None)
    bars = []
    for module in modules:
        done = module.accepted_on
        bars.append(
            Bar(
                module.name,
                module.planned_start,
                module.planned_end,
                first_contract,
                done or (today if first_contract else None),
                forecast=done is None,
            )
        )
    last_accepted = max((m.accepted_on for m in modules if m.accepted_on), default=None)
    actual: dict[str, dt.date | None] = {
        Milestone.APPROVAL: project.approved_on,
        Milestone.CONTRACT: first_contract,
        Milestone.MODULES: last_accepted if modules and all(m.accepted_on for m in modules) else None,
        Milestone.FINAL: project.final_accepted_on,
    }
    for code in Milestone.values:
        if code in plans or actual[code]:
            bars.append(
                Bar(Milestone(code).label, plans.get(code), plans.get(code), actual[code], actual[code])
            )

    # Schedule: the planned end (last module or milestone) against the actual end, or today's forecast
    # for work still open past its plan; the slip as a share of the planned duration.
    planned_starts = [b.planned_start for b in bars if b.planned_start]
    planned_ends = [b.planned_end for b in bars if b.planned_end]
    planned_end = max(planned_ends, default=None)
    schedule_percent, end, forecast = None, None, False
    if planned_end and planned_starts:
        ends = []
        for bar in bars:
            if bar.planned_end is None:
                continue
            if bar.actual_end and not bar.forecast:
                ends.append(bar.actual_end)
            else:
                ends.append(max(bar.planned_end, today))
                forecast = forecast or today > bar.planned_end
        end = max(ends)
        duration = max((planned_end - min(planned_starts)).days, 1)
        slip = max((end - planned_end).days, 0)
        schedule_percent = (Decimal(slip) * 100 / duration).quantize(Decimal("0.1"))
    return Variance(
        baseline,
        cost,
        cost_percent,
        rate(cost_percent),
        planned_end,
        end,
        forecast,
        schedule_percent,
        rate(schedule_percent),
        risk,
        bars,
        plans,
    )


def gantt(variance: Variance) -> dict:
    """ECharts options' data for the plan-against-actual chart: one row per bar, planned and actual."""
    rows = [bar.label for bar in variance.bars]

    def span(start, end):
        return [start.isoformat(), end.isoformat()] if start and end else None

    return {
        "rows": rows,
        "planned": [span(b.planned_start, b.planned_end) for b in variance.bars],
        "actual": [span(b.actual_start, b.actual_end) for b in variance.bars],
    }


def plan_form(project: Project, variance: Variance) -> dict:
    """The plan form's rows (PORT-01): each module with its planned start and end, each milestone with
    its planned date; from what the project page already loaded."""
    return {
        "modules": [(m.pk, m.name, m.planned_start, m.planned_end) for m in project.modules.all()],
        "milestones": [(code, label, variance.plans.get(code)) for code, label in Milestone.choices],
    }
