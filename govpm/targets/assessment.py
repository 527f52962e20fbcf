"""Where each indicator stands in a year (TGT-04), with the reason in words.

- In or after a target year the value is checked against the target: 已达成 / 未达成.
- Before it, a value that already meets the target is 进度正常; otherwise it is compared with the
  straight line from the baseline (value, year) to the target: at or past the line 进度正常, else 进度滞后.
- A qualitative target, or one the numbers cannot decide (no baseline for the line), waits for a named
  assessor's judgement; the latest judgement for the year is used once given.
- No current observation for the year: 无数据.

Binding (约束性) indicators that fail are listed first."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Prefetch

from . import parsing, scope
from .models import Direction, Indicator, Judgement, Observation, Target, Verdict

FAILING = {Verdict.NOT_MET, Verdict.BEHIND}


@dataclass
class Assessment:
    indicator: Indicator
    year: int
    status: str
    reason: str
    target: Target | None = None
    observation: Observation | None = None
    judgement: Judgement | None = None
    flags: list[str] = field(default_factory=list)

    @property
    def status_label(self) -> str:
        return Verdict(self.status).label

    @property
    def is_failing(self) -> bool:
        return self.status in FAILING

    @property
    def is_binding_failure(self) -> bool:
        return self.indicator.is_binding and self.is_failing


def show(value: Decimal | None) -> str:
    return parsing.fmt(value)


def applicable_target(targets: list[Target], year: int) -> Target | None:
    """The first target due in or after `year`; past the last one, the last one (it must be held)."""
    ordered = sorted(targets, key=lambda t: t.year)
    for target in ordered:
        if target.year >= year:
            return target
    return ordered[-1] if ordered else None


def effective_operator(indicator: Indicator, target: Target) -> tuple[str, str]:
    """A bare value ("28") is reached from the indicator's direction; without one it is an exact value."""
    if target.operator != "=":
        return target.operator, ""
    if indicator.direction == Direction.HIGHER:
        return "≥", "（未写比较符，按“越高越好”视为≥）"
    if indicator.direction == Direction.LOWER:
        return "≤", "（未写比较符，按“越低越好”视为≤）"
    return "=", ""


def target_flags(indicator: Indicator, targets: list[Target]) -> list[str]:
    """What the reader must know before trusting a verdict (item 4): a target that runs backwards (a
    later target worse than an earlier one in the indicator's direction) and a baseline that already
    meets the first target. Shown on the indicator, the assessment and the report; pure."""
    found = []
    numeric = [t for t in sorted(targets, key=lambda t: t.year) if t.kind == parsing.COMPARISON]
    for earlier, later in zip(numeric, numeric[1:], strict=False):
        op, _ = effective_operator(indicator, later)
        if earlier.value is None or later.value is None:
            continue
        if (op in ("≥", ">") and later.value < earlier.value) or (
            op in ("≤", "<") and later.value > earlier.value
        ):
            found.append(
                f"目标倒退：{later.year}年目标{show(later.value)}比{earlier.year}年目标{show(earlier.value)}"
                f"{'低' if op in ('≥', '>') else '高'}（按原文保存，待核对）"
            )
    if numeric and indicator.baseline_value is not None:
        first = numeric[0]
        op, _ = effective_operator(indicator, first)
        if (
            op != "="
            and first.value is not None
            and parsing.compare(indicator.baseline_value, op, first.value)
        ):
            found.append(
                f"基期值{show(indicator.baseline_value)}已达到{first.year}年目标“{first.raw_text}”，目标未设提升"
            )
    return found


def assess(
    indicator: Indicator,
    year: int,
    *,
    targets: list[Target],
    observations: dict[int, Observation],
    judgements: dict[int, Judgement],
) -> Assessment:
    """Pure over what the caller loaded: `observations` and `judgements` are the current ones by year."""
    result = _assess(indicator, year, targets=targets, observations=observations, judgements=judgements)
    result.flags = target_flags(indicator, targets)
    return result


def _assess(
    indicator: Indicator,
    year: int,
    *,
    targets: list[Target],
    observations: dict[int, Observation],
    judgements: dict[int, Judgement],
) -> Assessment:
    target = applicable_target(targets, year)
    if target is None:
        return _judged_or(
            indicator, year, None, None, judgements, "该指标没有目标值（待核对原件），需评估人判断"
        )
    observation = observations.get(year)
    if target.kind == parsing.QUALITATIVE:
        return _judged_or(
            indicator,
            year,
            target,
            observation,
            judgements,
            f"定性目标“{target.raw_text}”，不自动判定，待评估人判断",
        )
    if observation is None:
        return Assessment(indicator, year, Verdict.NO_DATA, f"尚无{year}年度观测值", target)
    if target.kind == parsing.COMPARISON:
        return _assess_comparison(indicator, year, target, observation, judgements)
    if target.kind == parsing.RANGE:
        inside = target.value <= observation.value <= target.value_high
        if year >= target.year or inside:
            status = Verdict.MET if inside else Verdict.NOT_MET
            if year < target.year:
                status = Verdict.ON_TRACK
            word = "在" if inside else "不在"
            return Assessment(
                indicator,
                year,
                status,
                f"{year}年观测值{show(observation.value)}{word}{target.year}年目标区间"
                f"{show(target.value)}至{show(target.value_high)}内",
                target,
                observation,
            )
        return _judged_or(
            indicator,
            year,
            target,
            observation,
            judgements,
            f"{year}年观测值{show(observation.value)}尚未进入{target.year}年目标区间，区间目标无进度轨迹，待评估人判断",
        )
    if target.kind == parsing.ANNUAL_CHANGE:
        return _assess_annual(indicator, year, target, observation, observations)
    if target.kind == parsing.RELATIVE_CHANGE:
        return _assess_relative(indicator, year, target, observation, observations)
    return _judged_or(indicator, year, target, observation, judgements, f"无法识别的目标类型“{target.kind}”")


def _judged_or(indicator, year, target, observation, judgements, reason) -> Assessment:
    judgement = judgements.get(year)
    if judgement is None:
        return Assessment(indicator, year, Verdict.NEEDS_JUDGEMENT, reason, target, observation)
    who = str(judgement.assessor)
    when = judgement.judged_at.date().isoformat()
    return Assessment(
        indicator,
        year,
        judgement.verdict,
        f"评估人{who}（{when}）判断：{judgement.reason}",
        target,
        observation,
        judgement,
    )


def _assess_comparison(indicator, year, target, observation, judgements) -> Assessment:
    op, how = effective_operator(indicator, target)
    value = observation.value
    meets = parsing.compare(value, op, target.value)
    shown = f"{year}年观测值{show(value)}"
    goal = f"{target.year}年目标“{target.raw_text}”即{op}{show(target.value)}{how}"
    if target.inclusive_note:
        goal += "（“以上”“以下”含本数）"
    if target.secondary_value is not None:
        if observation.secondary_value is None:
            return Assessment(
                indicator,
                year,
                Verdict.NO_DATA,
                f"{shown}，但缺少括号内指标的观测值，无法判定",
                target,
                observation,
            )
        meets = meets and parsing.compare(observation.secondary_value, op, target.secondary_value)
        shown += f"（括号内{show(observation.secondary_value)}）"
        goal += f"（括号内{op}{show(target.secondary_value)}）"
    if year >= target.year:
        status = Verdict.MET if meets else Verdict.NOT_MET
        return Assessment(indicator, year, status, f"{shown}，{goal}：{status.label}", target, observation)
    if meets:
        return Assessment(indicator, year, Verdict.ON_TRACK, f"{shown}，已达到{goal}", target, observation)
    # Before the target year each value that misses its target is held to its own line from its own
    # baseline: a paired target "100(99)" is behind when either value is (a falling bracketed rate is
    # not hidden by a main value already at 100).
    base_year = indicator.baseline_year
    checks = [(value, target.value, indicator.baseline_value, goal)]
    if target.secondary_value is not None:
        checks.append(
            (
                observation.secondary_value,
                target.secondary_value,
                indicator.baseline_secondary,
                f"括号内目标{op}{show(target.secondary_value)}",
            )
        )
    parts, behind = [], False
    for observed, goal_value, baseline, goal_text in checks:
        if parsing.compare(observed, op, goal_value):
            continue
        if baseline is None or base_year is None or base_year >= target.year or op == "=":
            missing = "目标为精确值且方向未定" if op == "=" else "缺少基期值或基期年份"
            return _judged_or(
                indicator,
                year,
                target,
                observation,
                judgements,
                f"{shown}，尚未达到{goal_text}；{missing}，无法计算进度轨迹，待评估人判断",
            )
        expected = _line(baseline, base_year, goal_value, target.year, year)
        ahead = observed >= expected if op in ("≥", ">") else observed <= expected
        behind = behind or not ahead
        parts.append(
            f"按基期{base_year}年{show(baseline)}至{goal_text}的直线进度，{year}年应"
            f"{'不低于' if op in ('≥', '>') else '不高于'}{show(expected)}"
        )
    status = Verdict.BEHIND if behind else Verdict.ON_TRACK
    return Assessment(
        indicator, year, status, f"{shown}；{'；'.join(parts)}：{status.label}", target, observation
    )


def _line(start: Decimal, start_year: int, end: Decimal, end_year: int, year: int) -> Decimal:
    if year <= start_year:
        return start
    share = Decimal(year - start_year) / Decimal(end_year - start_year)
    return (start + (end - start) * share).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)


def _reference(indicator, observations, year) -> Decimal | None:
    """The value of `year`: its current observation, or the baseline when the baseline is of that year."""
    if year in observations:
        return observations[year].value
    if indicator.baseline_year == year and indicator.baseline_value is not None:
        return indicator.baseline_value
    return None


def _assess_annual(indicator, year, target, observation, observations) -> Assessment:
    previous = _reference(indicator, observations, year - 1)
    if previous is None:
        return Assessment(
            indicator,
            year,
            Verdict.NO_DATA,
            f"缺少{year - 1}年数值，无法计算“{target.raw_text}”的年度变化",
            target,
            observation,
        )
    change = observation.value - previous
    meets = change <= target.value if target.value < 0 else change >= target.value
    verb = "降低" if change < 0 else "提高"
    status = Verdict.MET if meets else Verdict.NOT_MET
    return Assessment(
        indicator,
        year,
        status,
        f"{year}年{show(observation.value)}，较{year - 1}年{show(previous)}{verb}{show(abs(change))}；目标“{target.raw_text}”：{status.label}",
        target,
        observation,
    )


def _assess_relative(indicator, year, target, observation, observations) -> Assessment:
    base = _reference(indicator, observations, target.base_year)
    if base is None or base == 0:
        return Assessment(
            indicator,
            year,
            Verdict.NO_DATA,
            f"缺少{target.base_year}年基准值，无法计算“{target.raw_text}”",
            target,
            observation,
        )
    change = ((observation.value - base) / base * 100).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    verb = "下降" if change < 0 else "上升"
    said = f"{year}年{show(observation.value)}，比{target.base_year}年{show(base)}{verb}{show(abs(change))}%"
    required = target.value
    if year < target.year:
        required = _line(Decimal(0), target.base_year, target.value, target.year, year)
    meets = change <= required if target.value < 0 else change >= required
    if year >= target.year:
        status = Verdict.MET if meets else Verdict.NOT_MET
        return Assessment(
            indicator, year, status, f"{said}；目标“{target.raw_text}”：{status.label}", target, observation
        )
    status = Verdict.ON_TRACK if meets else Verdict.BEHIND
    return Assessment(
        indicator,
        year,
        status,
        f"{said}；按{target.base_year}年至{target.year}年直线进度，{year}年应变化{show(required)}%：{status.label}",
        target,
        observation,
    )


def sort_key(assessment: Assessment):
    """Binding failures first, then other failures, then the rest; each group in document and code order."""
    return (
        not assessment.is_binding_failure,
        not assessment.is_failing,
        assessment.indicator.document.number,
        assessment.indicator.code,
    )


def indicators_for_assessment(year: int, *, document=None, user=None):
    """Every indicator (or those `user` may see, TGT-08) with its targets, its current observations and
    its judgements up to `year`: four queries whatever the number of indicators."""
    base = Indicator.objects.all() if user is None else scope.indicators_for(user)
    queryset = base.select_related("document").prefetch_related(
        "targets",
        Prefetch(
            "observations",
            queryset=Observation.objects.filter(is_current=True, period__lte=year),
            to_attr="current_observations",
        ),
        Prefetch(
            "judgements",
            queryset=Judgement.objects.filter(year=year).select_related("assessor"),
            to_attr="year_judgements",
        ),
    )
    if document is not None:
        queryset = queryset.filter(document=document)
    return queryset


def assess_year(year: int, *, document=None, user=None) -> list[Assessment]:
    """`user=None` is every indicator (the public page, the reports); else the user's scope."""
    results = []
    for indicator in indicators_for_assessment(year, document=document, user=user):
        observations = {o.period: o for o in indicator.current_observations}
        judgements = {}
        for judgement in indicator.year_judgements:  # ordered by judged_at: the latest wins
            judgements[judgement.year] = judgement
        results.append(
            assess(
                indicator,
                year,
                targets=list(indicator.targets.all()),
                observations=observations,
                judgements=judgements,
            )
        )
    return sorted(results, key=sort_key)


def summary(assessments: list[Assessment]) -> list[tuple[str, int]]:
    counts = {v.value: 0 for v in Verdict}
    for assessment in assessments:
        counts[assessment.status] += 1
    return [(Verdict(code).label, count) for code, count in counts.items()]
