"""Entering measured values (TGT-03) and judging qualitative targets (TGT-02).

A value entered for a year that already has one is a correction: it needs a reason, and the earlier
value stays in the history (`is_current=False`, linked by `replaces`). Nothing is overwritten."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal, InvalidOperation

from django.db import transaction

from govpm.core import audit, clock
from govpm.core.errors import InvalidInput, NotFound

from . import parsing, permissions, scope
from .models import CorrectedRecord, Indicator, Judgement, Observation, Verdict

MIN_YEAR, MAX_YEAR = 2000, 2100


def clean_year(value, *, field: str) -> int:
    try:
        year = int(str(value).strip())
    except (TypeError, ValueError):
        raise InvalidInput(f"年度须为四位数年份：{value!r}", field=field) from None
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise InvalidInput(f"年度须在{MIN_YEAR}至{MAX_YEAR}之间", field=field)
    return year


def clean_decimal(value, *, field: str, required: bool = True) -> Decimal | None:
    """Exact numbers only: a float is refused (binary fractions are not the number that was measured)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise InvalidInput("此项为必填数值", field=field)
        return None
    if isinstance(value, float):
        raise InvalidInput("数值须以字符串或整数给出，不接受浮点数", field=field)
    if isinstance(value, bool):
        raise InvalidInput("数值格式不正确", field=field)
    try:
        number = Decimal(str(value).strip().replace(",", ""))
    except (InvalidOperation, ValueError):
        raise InvalidInput(f"数值格式不正确：{value!r}", field=field) from None
    if not number.is_finite():
        raise InvalidInput("数值须为有限数", field=field)
    if number.as_tuple().exponent < -6 or abs(number) >= Decimal(10) ** 14:
        raise InvalidInput("数值超出范围（最多6位小数、14位整数）", field=field)
    return number


def clean_text(value, *, field: str, label: str, required: bool = True, max_length: int = 200) -> str:
    text = (value or "").strip() if isinstance(value, str) or value is None else str(value).strip()
    if required and not text:
        raise InvalidInput(f"{label}不能为空", field=field)
    if len(text) > max_length:
        raise InvalidInput(f"{label}不能超过{max_length}字", field=field)
    return text


def supersede_current(
    records, *, reason: str, taken: Callable[[CorrectedRecord], str]
) -> CorrectedRecord | None:
    """Lock the current record of one series (an indicator's year, a county's year) and retire it: a new
    value there is a correction and must give a reason. Returns the retired record, or None.

    The lock makes two people correcting the same year queue instead of both superseding it (the partial
    unique constraint would refuse the second anyway)."""
    previous = records.select_for_update().filter(is_current=True).first()
    if previous is None:
        return None
    if not reason:
        raise InvalidInput(taken(previous), field="correction_reason")
    previous.is_current = False
    previous.save(update_fields=["is_current"])
    return previous


OBSERVATION_FIELDS = ("period", "value", "secondary_value", "source", "correction_reason", "flag")

# TGT-09: what a value in each unit may be. A percentage lies in 0–100 (both inclusive); a count is whole;
# no unit the documents use measures below zero. An empty unit is not checked.
PERCENT_UNITS = {"%"}
# (not 名/人: "每千人拥有社会体育指导员 2.51名" is a rate per head, not a count)
COUNT_UNITS = {"个", "家", "项", "次"}
# A change of more than half the previous value is flagged for the person to confirm, not refused.
JUMP_SHARE = Decimal("0.5")


def check_value(indicator: Indicator, number: Decimal, *, field: str, label: str) -> None:
    """Refuse a value the indicator's unit cannot take, naming the field (TGT-09)."""
    unit = indicator.unit
    if not unit:
        return
    if unit in PERCENT_UNITS and not Decimal(0) <= number <= Decimal(100):
        raise InvalidInput(f"{label}{number}超出百分比范围：单位为%的指标须在0至100之间", field=field)
    if number < 0:
        raise InvalidInput(f"{label}{number}不能为负数（单位{unit}）", field=field)
    if unit in COUNT_UNITS and number != number.to_integral_value():
        raise InvalidInput(f"{label}{number}须为整数（单位{unit}）", field=field)


def jump_flag(indicator: Indicator, year: int, number: Decimal) -> str:
    """A warning when the value moved more than half from the previous year's (or the baseline of that
    year): saved with the observation and shown beside it for confirmation."""
    earlier = (
        Observation.objects.filter(indicator=indicator, period=year - 1, is_current=True)
        .values_list("value", flat=True)
        .first()
    )
    if earlier is None and indicator.baseline_year == year - 1:
        earlier = indicator.baseline_value
    if earlier is None or earlier == 0:
        return ""
    change = (number - earlier) / abs(earlier)
    if abs(change) <= JUMP_SHARE:
        return ""
    return (
        f"较{year - 1}年{parsing.fmt(earlier)}变化{parsing.fmt((change * 100).quantize(Decimal('0.1')))}%，"
        f"超过{parsing.fmt(JUMP_SHARE * 100)}%，请核实"
    )


JUDGEMENT_FIELDS = ("year", "verdict", "reason")


def lock_indicator(indicator_id: int) -> Indicator:
    """The row lock a write on an indicator takes first: two people entering its values queue here."""
    try:
        return Indicator.objects.select_for_update().get(pk=indicator_id)
    except (Indicator.DoesNotExist, ValueError, TypeError):
        raise NotFound("指标不存在") from None


def record_observation(
    indicator_id: int,
    *,
    actor,
    period,
    value,
    source,
    secondary_value=None,
    correction_reason="",
) -> Observation:
    """Enter the value of an indicator for `period`; a second value for the same period is a correction.
    The audit event's changes run from the corrected value (if any) to the new one."""
    permissions.require(actor, "enter")
    year = clean_year(period, field="period")
    number = clean_decimal(value, field="value")
    assert number is not None  # required=True
    secondary = clean_decimal(secondary_value, field="secondary_value", required=False)
    source_text = clean_text(source, field="source", label="数据来源")
    reason = clean_text(
        correction_reason, field="correction_reason", label="更正理由", required=False, max_length=300
    )
    with transaction.atomic():
        indicator = lock_indicator(indicator_id)
        scope.require_indicator(actor, indicator)  # TGT-08: a unit enters only its own indicators
        check_value(indicator, number, field="value", label="观测值")
        if secondary is not None:
            check_value(indicator, secondary, field="secondary_value", label="括号内观测值")
        flag = jump_flag(indicator, year, number)
        previous = supersede_current(
            Observation.objects.filter(indicator=indicator, period=year),
            reason=reason,
            taken=lambda earlier: f"{year}年度已有观测值{earlier.value}，更正须填写更正理由",
        )
        if previous is None and reason:
            raise InvalidInput("该年度尚无观测值，无需填写更正理由", field="correction_reason")
        observation = Observation.objects.create(
            indicator=indicator,
            period=year,
            value=number,
            secondary_value=secondary,
            source=source_text,
            entered_by=actor,
            entered_at=clock.now(),
            replaces=previous,
            correction_reason=reason,
            flag=flag,
        )
        audit.record(
            actor=actor,
            action="record_observation",
            target=observation,
            changes=audit.diff(
                audit.values(previous, OBSERVATION_FIELDS) if previous else {},
                audit.values(observation, OBSERVATION_FIELDS),
            ),
            payload={"indicator": indicator.pk, "replaces": previous.pk if previous else None},
        )
        return observation


JUDGEABLE = {Verdict.MET, Verdict.NOT_MET, Verdict.ON_TRACK, Verdict.BEHIND}


def record_judgement(indicator_id: int, *, actor, year, verdict, reason) -> Judgement:
    """A named assessor's verdict on a target the platform cannot evaluate, with the reason in words."""
    permissions.require(actor, "judge")
    judged_year = clean_year(year, field="year")
    if verdict not in {v.value for v in JUDGEABLE}:
        raise InvalidInput("结论须为 已达成、未达成、进度正常 或 进度滞后", field="verdict")
    reason_text = clean_text(reason, field="reason", label="评估理由", max_length=2000)
    with transaction.atomic():
        indicator = lock_indicator(indicator_id)
        judgement = Judgement.objects.create(
            indicator=indicator,
            year=judged_year,
            verdict=verdict,
            reason=reason_text,
            assessor=actor,
            judged_at=clock.now(),
        )
        audit.record(
            actor=actor,
            action="record_judgement",
            target=judgement,
            changes=audit.diff({}, audit.values(judgement, JUDGEMENT_FIELDS)),
            payload={"indicator": indicator.pk},
        )
        return judgement
