"""Performance targets (PERF-01) and their scores at post-evaluation (PERF-02).

A need states its 绩效目标 with the need (create and update), each with an indicator, a target value, a
unit and a date; submission requires at least one (the `performance_targets_stated` precondition). The
post-evaluation scores every target of the need, once."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from govpm.core.errors import InvalidInput
from govpm.core.parsers import clean_text

from ..models import PerformanceTarget, PostEvaluation, Project, TargetScore
from .base import refuse

MAX_TARGETS = 20
FIELDS = {"indicator", "target_value", "unit", "due_by"}
SCORE_FIELDS = {"target_id", "achieved_value", "result", "score", "note"}
VALUE_LIMIT = Decimal("1e14")


def _decimal(value, field: str, label: str) -> Decimal:
    if value is None or (isinstance(value, str) and not value.strip()):
        raise InvalidInput(f"{label}：不能为空", field=field)
    if isinstance(value, bool) or not isinstance(value, int | float | str | Decimal):
        raise InvalidInput(f"{label}：应为数值", field=field)
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise InvalidInput(f"{label}：应为数值，如 95 或 0.5", field=field) from None
    if not number.is_finite() or abs(number) >= VALUE_LIMIT:
        raise InvalidInput(f"{label}：数值超出范围", field=field)
    if number != number.quantize(Decimal("0.0001")):
        raise InvalidInput(f"{label}：最多4位小数", field=field)
    return number


def _text(value, field: str, label: str, max_length: int) -> str:
    if value is not None and not isinstance(value, str):
        raise InvalidInput(f"{label}：应为文本", field=field)
    text = clean_text(value or "", field, label, multiline=True).strip()
    if not text:
        raise InvalidInput(f"{label}：不能为空", field=field)
    if len(text) > max_length:
        raise InvalidInput(f"{label}：不能超过{max_length}个字", field=field)
    return text


def _date(value, field: str, label: str) -> dt.date:
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str) or not value.strip():
        raise InvalidInput(f"{label}：不能为空", field=field)
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise InvalidInput(f"{label}：日期格式应为 YYYY-MM-DD，如 2027-12-31", field=field) from None


def clean_targets(raw) -> list[dict]:
    """The targets as given, checked one by one; the first bad field refuses the whole list, named as
    `performance_targets.<n>.<field>`."""
    if not isinstance(raw, list):
        raise InvalidInput("绩效目标：应为列表", field="performance_targets")
    if len(raw) > MAX_TARGETS:
        raise InvalidInput(f"绩效目标：最多{MAX_TARGETS}项", field="performance_targets")
    cleaned = []
    for index, item in enumerate(raw):
        base = f"performance_targets.{index}"
        if not isinstance(item, dict):
            raise InvalidInput(f"绩效目标第{index + 1}项：应为对象", field=base)
        unknown = sorted(set(item) - FIELDS)
        if unknown:
            raise InvalidInput(
                f"绩效目标第{index + 1}项：不识别的字段 {unknown[0]}", field=f"{base}.{unknown[0]}"
            )
        n = f"绩效目标第{index + 1}项"
        cleaned.append(
            {
                "indicator": _text(item.get("indicator"), f"{base}.indicator", f"{n}的绩效指标", 200),
                "target_value": _decimal(item.get("target_value"), f"{base}.target_value", f"{n}的目标值"),
                "unit": _text(item.get("unit"), f"{base}.unit", f"{n}的计量单位", 20),
                "due_by": _date(item.get("due_by"), f"{base}.due_by", f"{n}的完成时限"),
            }
        )
    return cleaned


def replace_targets(project: Project, targets: list[dict]) -> list[PerformanceTarget]:
    """The need's targets become exactly these (a draft's, under its row lock)."""
    PerformanceTarget.objects.filter(project=project).delete()
    return PerformanceTarget.objects.bulk_create(
        [PerformanceTarget(project=project, position=index, **target) for index, target in enumerate(targets)]
    )


def as_payload(targets: list[dict]) -> list[dict]:
    return [
        {**target, "target_value": str(target["target_value"]), "due_by": target["due_by"].isoformat()}
        for target in targets
    ]


def target_lines(project: Project) -> list[dict]:
    """The need's targets as the REJ-02 finding records them: what bdb judged against."""
    return [
        {"id": t.pk, "indicator": t.indicator, "target": t.value_text, "due_by": t.due_by.isoformat()}
        for t in PerformanceTarget.objects.filter(project=project).order_by("position", "id")
    ]


def clean_scores(project: Project, raw) -> list[dict]:
    """PERF-02: one score for each target of the need, none for another need's, none twice."""
    targets = {target.pk: target for target in PerformanceTarget.objects.filter(project=project)}
    raw = raw if raw is not None else []
    if not isinstance(raw, list):
        raise InvalidInput("绩效目标评分：应为列表", field="target_scores")
    if len(raw) > MAX_TARGETS:
        raise InvalidInput(f"绩效目标评分：最多{MAX_TARGETS}项", field="target_scores")
    cleaned: list[dict] = []
    seen: set[int] = set()
    results = {choice.value for choice in TargetScore.Result}
    for index, item in enumerate(raw):
        base = f"target_scores.{index}"
        n = f"绩效目标评分第{index + 1}项"
        if not isinstance(item, dict):
            raise InvalidInput(f"{n}：应为对象", field=base)
        unknown = sorted(set(item) - SCORE_FIELDS)
        if unknown:
            raise InvalidInput(f"{n}：不识别的字段 {unknown[0]}", field=f"{base}.{unknown[0]}")
        target_id = item.get("target_id")
        if isinstance(target_id, bool) or not isinstance(target_id, int) or target_id not in targets:
            raise InvalidInput(f"{n}：不是本项目的绩效目标", field=f"{base}.target_id")
        if target_id in seen:
            raise InvalidInput(f"{n}：同一绩效目标重复评分", field=f"{base}.target_id")
        seen.add(target_id)
        result = item.get("result")
        if result not in results:
            raise InvalidInput(
                f"{n}的达成情况：应为 met（达成）、partly（部分达成）或 not_met（未达成）",
                field=f"{base}.result",
            )
        score = _decimal(item.get("score"), f"{base}.score", f"{n}的得分")
        if not Decimal("0") <= score <= Decimal("100") or score != score.quantize(Decimal("0.01")):
            raise InvalidInput(f"{n}的得分：应在0至100之间，最多2位小数", field=f"{base}.score")
        cleaned.append(
            {
                "target": targets[target_id],
                "achieved_value": _decimal(
                    item.get("achieved_value"), f"{base}.achieved_value", f"{n}的实际值"
                ),
                "result": result,
                "score": score,
                "note": _text(item.get("note"), f"{base}.note", f"{n}的说明与佐证", 2000),
            }
        )
    missing = [target for pk, target in targets.items() if pk not in seen]
    if missing:
        raise refuse(
            "PERF-02",
            f"须对每项绩效目标评分，尚未评分：{'、'.join(target.indicator for target in missing)}",
            field="target_scores",
        )
    return cleaned


def save_scores(evaluation: PostEvaluation, scores: list[dict]) -> list[TargetScore]:
    return TargetScore.objects.bulk_create([TargetScore(evaluation=evaluation, **score) for score in scores])
