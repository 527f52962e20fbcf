"""Indicator tables and observations to and from XLSX and CSV (TGT-07).

Export writes numbers as text, so what goes out comes back digit for digit. Import reports every bad
row with its row number (the header is row 1) and the reason:

- indicator tables: every good row is saved, each bad row is reported;
- observations: all or nothing — one bad row and nothing is saved.

A row whose value equals the current one changes nothing, so re-importing an export is harmless;
history rows (当前有效 = 否) are part of the export for reading and are not re-entered."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from openpyxl import Workbook

from govpm.core import audit, spreadsheets
from govpm.core.errors import GovpmError, InvalidInput

from . import parsing, permissions, storing
from .models import Direction, Document, Indicator, Nature, Observation, Source, Target
from .observations import clean_decimal, clean_text, clean_year, record_observation

INDICATOR_COLUMNS = [
    "文号",
    "编号",
    "指标名称",
    "单位",
    "所属行动",
    "条款",
    "指标性质",
    "方向",
    "责任部门",
    "基期原文",
    "基期年份",
    "原文",
    "审核说明",
]
OBSERVATION_COLUMNS = [
    "文号",
    "编号",
    "指标名称",
    "年度",
    "观测值",
    "括号内观测值",
    "数据来源",
    "录入人",
    "录入时间",
    "当前有效",
    "更正理由",
]
# Upload limits: the three documents' 111 indicators, or their observations for every year, fit many
# times over. MAX_XML_BYTES (a worksheet's XML once inflated) bounds the time of the largest file.
MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5_000
MAX_COLUMNS = 100
MAX_SHARED_STRINGS = 100_000
MAX_XML_BYTES = 8 * 1024 * 1024
MAX_CELLS = 50_000
TARGET_COLUMN = re.compile(r"^(\d{4})年目标值$")
NATURE_BY_LABEL = {label: value for value, label in Nature.choices}
DIRECTION_BY_LABEL = {label: value for value, label in Direction.choices if value}


@dataclass
class RowError:
    row: int
    reason: str

    def as_dict(self) -> dict:
        return {"row": self.row, "reason": self.reason}


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def as_dict(self) -> dict:
        return {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "skipped": self.skipped,
            "errors": [e.as_dict() for e in self.errors],
        }


def _reason(error: GovpmError) -> str:
    """The message, naming the column when the message does not already."""
    if error.field and error.field not in error.message:
        return f"{error.field}：{error.message}"
    return error.message


# --- export -----------------------------------------------------------------------------------------


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return parsing.fmt(value)
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).isoformat(timespec="seconds")
    return str(value)


def indicator_table(indicators) -> tuple[list[str], list[list[str]]]:
    """`indicators` must come with their targets prefetched (see selectors.indicators_for_export)."""
    indicators = list(indicators)
    years = sorted({t.year for i in indicators for t in i.targets.all()})
    headers = INDICATOR_COLUMNS + [f"{year}年目标值" for year in years]
    rows = []
    for i in indicators:
        targets = {t.year: t.raw_text for t in i.targets.all()}
        rows.append(
            [
                i.document.number,
                i.code,
                i.name,
                i.unit,
                i.action_group,
                i.clause,
                Nature(i.nature).label if i.nature else "",
                Direction(i.direction).label if i.direction else "",
                i.department,
                i.baseline_raw,
                _text(i.baseline_year),
                i.raw_text,
                i.note,
                *[targets.get(year, "") for year in years],
            ]
        )
    return headers, rows


def observation_table(observations) -> tuple[list[str], list[list[str]]]:
    rows = [
        [
            o.indicator.document.number,
            o.indicator.code,
            o.indicator.name,
            _text(o.period),
            _text(o.value),
            _text(o.secondary_value),
            o.source,
            str(o.entered_by),
            _text(o.entered_at),
            "是" if o.is_current else "否",
            o.correction_reason,
        ]
        for o in observations
    ]
    return OBSERVATION_COLUMNS, rows


def to_csv(headers: list[str], rows: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(spreadsheets.safe_row(headers))
    writer.writerows(spreadsheets.safe_row(row) for row in rows)  # formulas stay text (issue 13 item 6)
    return buffer.getvalue().encode("utf-8-sig")  # the BOM lets Excel open Chinese text correctly


def to_xlsx(headers: list[str], rows: list[list[str]], title: str) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title[:31]
    sheet.append(spreadsheets.safe_row(headers))
    for row in rows:
        sheet.append(spreadsheets.safe_row(row))  # formulas stay text (issue 13 item 6)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- reading an upload ------------------------------------------------------------------------------


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        # A number typed into Excel: its shortest repr is the number the person typed.
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime):
        return value.isoformat()
    return str(value).strip()


def read_table(filename: str, data: bytes) -> list[tuple[int, dict[str, str]]]:
    """(row number, {header: text}) for every non-empty data row; the header is row 1.

    Read within the limits below (govpm.core.spreadsheets): a file over them is refused before it is
    parsed, with 413 for its size and 400 for the rest."""
    name = (filename or "").lower()
    lines: list[list]
    if name.endswith(".csv"):
        lines = list(
            spreadsheets.read_csv(data, max_bytes=MAX_BYTES, max_rows=MAX_ROWS, max_cols=MAX_COLUMNS)
        )
    elif name.endswith(".xlsx"):
        sheet_rows = spreadsheets.open_xlsx(
            data,
            max_bytes=MAX_BYTES,
            max_rows=MAX_ROWS,
            max_cols=MAX_COLUMNS,
            max_shared_strings=MAX_SHARED_STRINGS,
            max_part_bytes=MAX_XML_BYTES,
            max_cells=MAX_CELLS,
        )
        lines = [[_cell(v) for v in row] for row in sheet_rows]
    else:
        raise InvalidInput("文件须为 .xlsx 或 .csv", field="file")
    if not lines:
        raise InvalidInput("文件为空", field="file")
    headers = [h.strip() for h in lines[0]]
    rows: list[tuple[int, dict[str, str]]] = []
    for number, cells in enumerate(lines[1:], start=2):
        # An exported '=... (see spreadsheets.safe_cell) comes back as the =... that was exported.
        cells = [spreadsheets.unquote_cell(c.strip()) if isinstance(c, str) else _cell(c) for c in cells]
        if not any(cells):
            continue
        rows.append((number, {h: (cells[i] if i < len(cells) else "") for i, h in enumerate(headers) if h}))
    return rows


def _require_columns(rows, headers_needed: list[str]) -> None:
    if rows:
        missing = [h for h in headers_needed if h not in rows[0][1]]
        if missing:
            raise InvalidInput(f"缺少列：{'、'.join(missing)}", field="file")


# --- import: indicator tables -------------------------------------------------------------------------


def import_indicators(filename: str, data: bytes, *, actor) -> ImportResult:
    permissions.require(actor, "import")
    rows = read_table(filename, data)
    _require_columns(rows, ["文号", "编号", "指标名称"])
    documents = {d.number: d for d in Document.objects.all()}
    result = ImportResult()
    for number, row in rows:
        try:
            with transaction.atomic():  # a savepoint per row: a bad row leaves the good ones saved
                created = _import_indicator_row(row, documents)
        except GovpmError as error:
            result.errors.append(RowError(number, _reason(error)))
            continue
        except IntegrityError:
            result.errors.append(RowError(number, "指标名称或编号与同一文件中的其他指标重复"))
            continue
        if created:
            result.created += 1
        else:
            result.updated += 1
    with transaction.atomic():
        audit.record(
            actor=actor,
            action="import_indicators",
            object_type="targets.indicator",
            payload={"filename": filename, **result.as_dict()},
        )
    return result


def _bounded(row: dict[str, str], header: str, model, field_name: str) -> str:
    """The column's text within its model field's max_length: SQLite does not enforce it and PostgreSQL
    answers a DataError, so both databases refuse it here alike, naming the column."""
    limit = model._meta.get_field(field_name).max_length
    return clean_text(row.get(header, ""), field=header, label=header, required=False, max_length=limit)


def _import_indicator_row(row: dict[str, str], documents: dict[str, Document]) -> bool:
    document = documents.get(row.get("文号", ""))
    if document is None:
        raise InvalidInput(f"文号“{row.get('文号', '')}”不是平台已有的目标来源文件", field="文号")
    code = clean_text(row.get("编号"), field="编号", label="编号", max_length=20)
    name = clean_text(row.get("指标名称"), field="指标名称", label="指标名称", max_length=300)
    nature_label = row.get("指标性质", "")
    if nature_label and nature_label not in NATURE_BY_LABEL:
        raise InvalidInput("指标性质须为“预期性”或“约束性”", field="指标性质")
    direction_label = row.get("方向", "")
    if direction_label and direction_label not in DIRECTION_BY_LABEL:
        raise InvalidInput("方向须为“越高越好”或“越低越好”", field="方向")
    baseline_year = clean_year(row["基期年份"], field="基期年份") if row.get("基期年份") else None
    baseline_raw = _bounded(row, "基期原文", Indicator, "baseline_raw")
    targets = {}
    for header, raw in row.items():
        match = TARGET_COLUMN.match(header)
        if match and raw:
            _bounded(row, header, Target, "raw_text")
            if parsing.looks_like_artefact(raw):
                raise InvalidInput(f"{header}“{raw}”含无法解读的字符", field=header)
            targets[int(match.group(1))] = parsing.parse_target(raw)
    fields = {
        "name": name,
        "unit": _bounded(row, "单位", Indicator, "unit"),
        "action_group": _bounded(row, "所属行动", Indicator, "action_group"),
        "clause": _bounded(row, "条款", Indicator, "clause"),
        "nature": NATURE_BY_LABEL.get(nature_label, ""),
        "direction": DIRECTION_BY_LABEL.get(direction_label, ""),
        "department": _bounded(row, "责任部门", Indicator, "department"),
        "baseline_year": baseline_year,
        "raw_text": row.get("原文", ""),
        "note": row.get("审核说明", ""),
        **storing.baseline_fields(
            baseline_raw, parsing.parse_baseline(baseline_raw) if baseline_raw else None
        ),
    }
    indicator, created = Indicator.objects.update_or_create(
        document=document, code=code, defaults=fields, create_defaults={**fields, "source": Source.UPLOAD}
    )
    storing.replace_targets(indicator, targets)
    return created


# --- import: observations (all or nothing) ---------------------------------------------------------------


def import_observations(filename: str, data: bytes, *, actor) -> ImportResult:
    permissions.require(actor, "import")
    permissions.require(actor, "enter")
    rows = read_table(filename, data)
    _require_columns(rows, ["文号", "编号", "年度", "观测值", "数据来源"])
    indicators = {(i.document.number, i.code): i for i in Indicator.objects.select_related("document")}
    current = {(o.indicator_id, o.period): o for o in Observation.objects.filter(is_current=True)}
    result = ImportResult()
    to_save = []
    seen: dict = {}
    for number, row in rows:
        if row.get("当前有效") == "否":
            result.skipped += 1
            continue
        try:
            entry = _check_observation_row(row, indicators)
        except GovpmError as error:
            result.errors.append(RowError(number, _reason(error)))
            continue
        key = (entry["indicator"].pk, entry["period"])
        if key in seen:
            result.errors.append(RowError(number, f"与第{seen[key]}行重复：同一指标同一年度只能有一个值"))
            continue
        seen[key] = number
        existing = current.get(key)
        if (
            existing
            and existing.value == entry["value"]
            and existing.secondary_value == entry["secondary_value"]
        ):
            result.unchanged += 1
            continue
        if existing and not entry["correction_reason"]:
            result.errors.append(
                RowError(
                    number,
                    f"{entry['period']}年度已有观测值{parsing.fmt(existing.value)}，更正须填写更正理由",
                )
            )
            continue
        if not existing:
            entry["correction_reason"] = ""
        to_save.append((number, entry, existing is not None))
    if result.errors:
        return result
    with transaction.atomic():
        # Every indicator's row lock first, in id order, before any audit event takes the chain lock: a
        # single entry on one of them (row lock, then chain lock) cannot then wait on this import in a cycle.
        ids = sorted({entry["indicator"].pk for _number, entry, _ in to_save})
        list(Indicator.objects.select_for_update().filter(pk__in=ids).order_by("pk").values_list("pk"))
        for _number, entry, is_correction in to_save:
            record_observation(entry.pop("indicator").pk, actor=actor, **entry)
            if is_correction:
                result.updated += 1
            else:
                result.created += 1
        audit.record(
            actor=actor,
            action="import_observations",
            object_type="targets.observation",
            payload={"filename": filename, **result.as_dict()},
        )
    return result


def _check_observation_row(row: dict[str, str], indicators) -> dict:
    indicator = indicators.get((row.get("文号", ""), row.get("编号", "")))
    if indicator is None:
        raise InvalidInput(
            f"找不到指标：文号“{row.get('文号', '')}”编号“{row.get('编号', '')}”", field="编号"
        )
    return {
        "indicator": indicator,
        "period": clean_year(row.get("年度"), field="年度"),
        "value": clean_decimal(row.get("观测值"), field="观测值"),
        "secondary_value": clean_decimal(row.get("括号内观测值"), field="括号内观测值", required=False),
        "source": clean_text(row.get("数据来源"), field="数据来源", label="数据来源"),
        "correction_reason": clean_text(
            row.get("更正理由"), field="更正理由", label="更正理由", required=False, max_length=300
        ),
    }
