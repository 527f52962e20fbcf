"""XLSX imports of a decomposed task (TGT-10 item 5): its decomposition table (计划量) and the counties'
progress (完成量), each with its row and column sums checked, all or nothing.

The sheet is the template `template_xlsx` writes: a title row, a header row 单位 | 合计 | 2020年 … 2024年,
then one row for 衢州市 and one per county. The sums are checked before anything is saved:

- each county's years add up to its 合计 (a row sum), and each year's counties to the 衢州市 row (a
  column sum), and the counties' 合计 to the city's;
- for the decomposition table, those totals must also equal the stored ones (the city's figure per
  year, each region's 合计 and the document's stated total): a cell moved without its total is named.

Every mismatch is named by row and column (govpm.core.spreadsheets.RowError); on any mismatch or bad
cell nothing is saved (ImportRefused, 400). Applying is one transaction under the task's row lock,
audited: the changed cells, old and new."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from openpyxl import Workbook
from openpyxl.styles import Font

from govpm.accounts.codes import CITY_REGION, COUNTY_REGIONS, REGIONS
from govpm.core import audit, clock, spreadsheets
from govpm.core.errors import InvalidInput
from govpm.core.spreadsheets import RowError

from . import parsing, permissions
from .models import Task, TaskProgress, TaskShare
from .observations import clean_decimal, clean_text
from .tasks import lock_task

MAX_BYTES = 1024 * 1024
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
KINDS = {"shares": "任务分解表（计划量）", "progress": "完成情况（完成量）"}
HEADER_ROW = 2  # Excel row of 单位 | 合计 | 2020年 …; row 1 is the title
TOTAL = "合计"
REGION_ORDER = [CITY_REGION, *COUNTY_REGIONS]
CODE_BY_NAME = {REGIONS[code]: code for code in REGION_ORDER}


class SharesRefused(spreadsheets.ImportRefused):
    what = "计划量"


class ProgressRefused(spreadsheets.ImportRefused):
    what = "完成量"


@dataclass
class ImportResult:
    kind: str
    changed: list[dict] = field(default_factory=list)  # {region, year, old, new}
    unchanged: int = 0

    def as_dict(self) -> dict:
        return {"kind": self.kind, "changed": self.changed, "unchanged": self.unchanged}


def _kind(kind: str) -> str:
    if kind not in KINDS:
        raise InvalidInput("导入内容须为 shares（任务分解表）或 progress（完成情况）", field="kind")
    return kind


def _years(task: Task) -> list[int]:
    return sorted({s.year for s in task.shares.all() if s.year is not None})


def _column_label(year: int | None) -> str:
    return TOTAL if year is None else f"{year}年"


def template_xlsx(task: Task, kind: str) -> bytes:
    """The sheet to fill in, holding what is stored now (the plan, or the current progress with its sums)."""
    _kind(kind)
    years = _years(task)
    if kind == "shares":
        cells = {(s.region_code, s.year): s.planned for s in task.shares.all()}
    else:
        cells = {}
        for record in task.progress.filter(is_current=True):
            cells[(record.region_code, record.year)] = record.completed
        for code in COUNTY_REGIONS:
            done = [cells[(code, y)] for y in years if (code, y) in cells]
            if done:
                cells[(code, None)] = sum(done, Decimal(0))
        for year in [*years, None]:
            column = [cells[(c, year)] for c in COUNTY_REGIONS if (c, year) in cells]
            if column:
                cells[(CITY_REGION, year)] = sum(column, Decimal(0))
    book = Workbook()
    sheet = book.active
    sheet.title = "导入"
    sheet.append(
        spreadsheets.safe_row(
            [f"{task.name}（{task.unit}）{KINDS[kind]}：合计须等于各年度之和，衢州市须等于各县之和"]
        )
    )
    sheet.append(spreadsheets.safe_row(["单位", TOTAL, *[_column_label(y) for y in years]]))
    for cell in sheet[HEADER_ROW]:
        cell.font = Font(bold=True)
    for code in REGION_ORDER:
        row = [REGIONS[code]]
        for year in [None, *years]:
            value = cells.get((code, year))
            row.append(parsing.fmt(value) if value is not None else "")
        sheet.append(spreadsheets.safe_row(row))
    sheet.column_dimensions["A"].width = 12
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _read(task: Task, data: bytes, refused: type[spreadsheets.ImportRefused]):
    """The table's cells {(region, year|None): (value, excel row)} and the bad cells, as RowErrors."""
    years = _years(task)
    rows = spreadsheets.open_xlsx(data, max_bytes=MAX_BYTES, max_rows=40, max_cols=20)
    errors: list[RowError] = []
    cells: dict[tuple[str, int | None], Decimal] = {}
    row_of: dict[str, int] = {}
    header_seen = False
    columns: list[int | None] = []
    for number, values in enumerate(rows, start=1):
        texts = ["" if v is None else str(v).strip() for v in values]
        if not any(texts):
            continue
        if not header_seen:
            if texts[0] != "单位":
                continue  # the title row
            header_seen = True
            expected = ["单位", TOTAL, *[_column_label(y) for y in years]]
            if texts[: len(expected)] != expected or any(texts[len(expected) :]):
                errors.append(RowError(number, "单位", f"表头须为：{' | '.join(expected)}（请下载模板填写）"))
                raise refused(errors)
            columns = [None, *years]
            continue
        name = texts[0]
        code = CODE_BY_NAME.get(name)
        if code is None:
            errors.append(RowError(number, "单位", f"“{name[:20]}”不是衢州市或其所辖县（市、区）"))
            continue
        if code in row_of:
            errors.append(RowError(number, "单位", f"{name}与第{row_of[code]}行重复"))
            continue
        row_of[code] = number
        for position, year in enumerate(columns, start=1):
            raw = texts[position] if position < len(texts) else ""
            if raw == "":
                continue
            try:
                value = clean_decimal(raw, field="cell")
            except InvalidInput as error:
                errors.append(RowError(number, _column_label(year), error.message))
                continue
            assert value is not None
            if value < 0:
                errors.append(RowError(number, _column_label(year), f"{raw}不能为负数"))
                continue
            cells[(code, year)] = value
    if not header_seen:
        raise refused([RowError(1, "单位", "找不到表头“单位 | 合计 | 各年度”（请下载模板填写）")])
    missing = [REGIONS[c] for c in REGION_ORDER if c not in row_of]
    if missing and not errors:
        errors.append(RowError(HEADER_ROW, "单位", f"缺少{'、'.join(missing)}的行（请下载模板填写）"))
    return years, cells, row_of, errors


def _fmt(value: Decimal) -> str:
    return parsing.fmt(value)


def _check_sums(task, years, cells, row_of, errors, *, complete: bool) -> None:
    """Row sums (a region's years = its 合计) and column sums (the counties = 衢州市), named by row and
    column. `complete`: every cell must be filled (the plan); otherwise empty cells count as not reported
    and a total is checked where it is given."""
    unit = task.unit
    for code in REGION_ORDER:
        if code not in row_of:
            continue
        for year in [None, *years]:
            if complete and (code, year) not in cells:
                errors.append(RowError(row_of[code], _column_label(year), "计划量不能为空"))
    if errors:
        return
    for code in REGION_ORDER:
        present = [cells[(code, y)] for y in years if (code, y) in cells]
        if (code, None) in cells or (complete and present):
            by_year = sum(present, Decimal(0))
            total = cells.get((code, None), Decimal(0))
            if by_year != total:
                errors.append(
                    RowError(
                        row_of[code],
                        TOTAL,
                        f"{REGIONS[code]}各年度之和{_fmt(by_year)}{unit}，与合计{_fmt(total)}{unit}不符",
                    )
                )
    for year in [*years, None]:
        present = [cells[(c, year)] for c in COUNTY_REGIONS if (c, year) in cells]
        if (CITY_REGION, year) in cells or present:
            counties = sum(present, Decimal(0))
            city = cells.get((CITY_REGION, year), Decimal(0))
            if counties != city:
                label = "全市合计" if year is None else f"{year}年全市"
                errors.append(
                    RowError(
                        row_of[CITY_REGION],
                        _column_label(year),
                        f"{_column_label(year)}各县（市、区）之和{_fmt(counties)}{unit}，与{label}{_fmt(city)}{unit}不符",
                    )
                )


def _check_stored_totals(task, stored, cells, row_of, errors) -> None:
    """The plan's totals must stay those stored: the city's yearly figures, each region's 合计 and the
    document's stated total. A cell moved without them is named where the sum breaks."""
    unit = task.unit
    for (code, year), value in sorted(cells.items(), key=lambda item: (item[0][0], item[0][1] or 0)):
        if year is not None and code != CITY_REGION:
            continue
        before = stored.get((code, year))
        if before is not None and before != value:
            errors.append(
                RowError(
                    row_of[code],
                    _column_label(year),
                    f"{REGIONS[code]}{_column_label(year)}{_fmt(value)}{unit}与已存的{_fmt(before)}{unit}不符："
                    "合计与全市数不能在导入时改变",
                )
            )
    city_total = cells.get((CITY_REGION, None))
    if task.stated_total is not None and city_total is not None and city_total != task.stated_total:
        errors.append(
            RowError(
                row_of[CITY_REGION],
                TOTAL,
                f"全市合计{_fmt(city_total)}{unit}与文件所述“{task.stated_total_raw}”不符",
            )
        )


def import_xlsx(task_id: int, kind: str, data: bytes, *, actor, source: str = "") -> ImportResult:
    """Check the whole sheet, then save every changed cell in one transaction, audited; or save nothing
    and name every bad cell and every sum that does not add up (ImportRefused, 400)."""
    permissions.require(actor, "import")
    _kind(kind)
    source_text = clean_text(source, field="source", label="数据来源") if kind == "progress" else ""
    refused = SharesRefused if kind == "shares" else ProgressRefused
    with transaction.atomic():
        task = lock_task(task_id)
        years, cells, row_of, errors = _read(task, data, refused)
        if not errors:
            _check_sums(task, years, cells, row_of, errors, complete=kind == "shares")
        if kind == "shares":
            shares = {(s.region_code, s.year): s for s in task.shares.select_for_update()}
            if not errors:
                _check_stored_totals(task, {k: s.planned for k, s in shares.items()}, cells, row_of, errors)
            if errors:
                raise refused(errors)
            return _apply_shares(task, shares, cells, actor=actor)
        if errors:
            raise refused(errors)
        return _apply_progress(task, years, cells, actor=actor, source=source_text)


def _apply_shares(task: Task, shares: dict, cells: dict, *, actor) -> ImportResult:
    result = ImportResult("shares")
    for (code, year), value in cells.items():
        share = shares.get((code, year))
        if share is not None and share.planned == value:
            result.unchanged += 1
            continue
        old = parsing.fmt(share.planned) if share is not None else ""
        if share is None:
            TaskShare.objects.create(
                task=task, region_code=code, year=year, planned=value, raw_text=_fmt(value)
            )
        else:
            share.planned, share.raw_text = value, _fmt(value)
            share.save(update_fields=["planned", "raw_text"])
        result.changed.append({"region": REGIONS[code], "year": year, "old": old, "new": _fmt(value)})
    if result.changed:
        audit.record(
            actor=actor,
            action="import_task_shares",
            target=task,
            changes={
                f"{c['region']}{_column_label(c['year'])}": [c["old"] or None, c["new"]]
                for c in result.changed
            },
            payload={"task": task.pk},
        )
    return result


def _apply_progress(task: Task, years, cells: dict, *, actor, source: str) -> ImportResult:
    result = ImportResult("progress")
    current = {
        (r.region_code, r.year): r
        for r in TaskProgress.objects.select_for_update().filter(task=task, is_current=True)
    }
    now = clock.now()
    for code in COUNTY_REGIONS:
        for year in years:
            value = cells.get((code, year))
            if value is None:
                continue
            previous = current.get((code, year))
            if previous is not None and previous.completed == value:
                result.unchanged += 1
                continue
            if previous is not None:
                previous.is_current = False
                previous.save(update_fields=["is_current"])
            TaskProgress.objects.create(
                task=task,
                region_code=code,
                year=year,
                completed=value,
                source=source,
                entered_by=actor,
                entered_at=now,
                replaces=previous,
                correction_reason=f"表格导入更正（{source}）"[:300] if previous is not None else "",
            )
            result.changed.append(
                {
                    "region": REGIONS[code],
                    "year": year,
                    "old": _fmt(previous.completed) if previous is not None else "",
                    "new": _fmt(value),
                }
            )
    if result.changed:
        audit.record(
            actor=actor,
            action="import_task_progress",
            target=task,
            changes={
                f"{c['region']}{_column_label(c['year'])}": [c["old"] or None, c["new"]]
                for c in result.changed
            },
            payload={"task": task.pk, "source": source},
        )
    return result
