"""Entering measured values (TGT-03) and judging qualitative targets (TGT-02).

A value entered for a year that already has one is a correction: it needs a reason, and the earlier
value stays in the history (`is_current=False`, linked by `replaces`). Nothing is overwritten."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from decimal import Decimal, InvalidOperation

from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction

from govpm.core import audit, clock
from govpm.core.errors import InvalidInput, NotFound
from govpm.core.spreadsheets import FileTooLarge
from govpm.materials import detect

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


JUDGEMENT_FIELDS = ("year", "verdict", "reason", "evidence", "evidence_name")


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
EVIDENCE_MAX_BYTES = 20 * 1024 * 1024
EVIDENCE_MAX_NAME = 200
EVIDENCE_FORMATS = "PDF、OFD、DOCX、XLSX、JPEG、PNG"


def check_evidence_file(file) -> tuple[str, str]:
    """(checked name, SHA-256) of an optional evidence file, or the refusal naming `evidence_file`.
    The type is read from the content (govpm.materials.detect), and the name must agree with it."""
    name = (file.name or "").strip()
    if not name or "/" in name or "\\" in name or "\x00" in name or name in {".", ".."}:
        raise InvalidInput("佐证材料的文件名不能为空，也不能含路径分隔符或空字符", field="evidence_file")
    if len(name) > EVIDENCE_MAX_NAME:
        raise InvalidInput(f"佐证材料的文件名不能超过{EVIDENCE_MAX_NAME}个字符", field="evidence_file")
    if not file.size:
        raise InvalidInput("佐证材料文件为空", field="evidence_file")
    if file.size > EVIDENCE_MAX_BYTES:
        raise FileTooLarge("佐证材料文件过大：不能超过 20 MB", field="evidence_file")
    detected = detect.detect(file)
    if detected is None:
        raise InvalidInput(f"佐证材料的文件类型无法识别，仅接受 {EVIDENCE_FORMATS}", field="evidence_file")
    if not detect.extension_agrees(name, detected):
        raise InvalidInput(f"佐证材料的内容与文件名「{name}」不符", field="evidence_file")
    digest = hashlib.sha256()
    file.seek(0)
    for chunk in file.chunks(64 * 1024):
        digest.update(chunk)
    file.seek(0)
    return name, digest.hexdigest()


def record_judgement(
    indicator_id: int, *, actor, year, verdict, reason, evidence="", evidence_file=None
) -> Judgement:
    """A named assessor's verdict on a target the platform cannot evaluate (a milestone such as 建成…体系,
    a qualitative target such as 全部开设…), with the reason in words and the evidence it rests on
    (TGT-11): text, required, and optionally a file. Without evidence it is refused, naming `evidence`."""
    permissions.require(actor, "judge")
    judged_year = clean_year(year, field="year")
    if verdict not in {v.value for v in JUDGEABLE}:
        raise InvalidInput("结论须为 已达成、未达成、进度正常 或 进度滞后", field="verdict")
    reason_text = clean_text(reason, field="reason", label="评估理由", max_length=2000)
    evidence_text = clean_text(
        evidence, field="evidence", label="佐证（判断所依据的材料或事实）", max_length=2000
    )
    checked = check_evidence_file(evidence_file) if evidence_file is not None else None
    with transaction.atomic():
        indicator = lock_indicator(indicator_id)
        judgement = Judgement(
            indicator=indicator,
            year=judged_year,
            verdict=verdict,
            reason=reason_text,
            evidence=evidence_text,
            assessor=actor,
            judged_at=clock.now(),
        )
        stored: str | None = None
        if checked is not None:
            name, sha256 = checked
            judgement.evidence_name, judgement.evidence_sha256 = name, sha256
            extension = name.rsplit(".", 1)[-1].lower()
            stored = default_storage.save(
                f"targets/evidence/{indicator.pk}/{sha256}.{extension}", File(evidence_file)
            )
            judgement.evidence_file.name = stored
        try:
            judgement.save()
            audit.record(
                actor=actor,
                action="record_judgement",
                target=judgement,
                changes=audit.diff({}, audit.values(judgement, JUDGEMENT_FIELDS)),
                payload={"indicator": indicator.pk, "evidence_sha256": judgement.evidence_sha256 or None},
            )
        except Exception:
            if stored is not None:  # the row is not saved: nor is its file
                default_storage.delete(stored)
            raise
        return judgement
