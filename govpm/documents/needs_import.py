"""Needs (项目需求) imported from an Excel sheet: all rows or none.

Every row is checked first and every bad row reported with its row number and the reason in Chinese;
if any row is bad nothing is imported. Then all rows are created through lifecycle.create_project in
one transaction, so a row that fails even then (a rule only the lifecycle knows) rolls back the rows
before it. An owner imports its own unit's needs, as drafts, exactly as if typed into the form."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from openpyxl import Workbook

from govpm.accounts.models import User
from govpm.core import access, audit, spreadsheets
from govpm.core.errors import Forbidden, GovpmError, InvalidInput
from govpm.core.money import to_yuan
from govpm.core.spreadsheets import RowError, cell_text, open_xlsx, parse_columns, table
from govpm.projects import lifecycle
from govpm.projects.facts import (
    ARCHITECTURE_LAYERS,
    BOOLEAN_FACTS,
    PRIORITY_CLAIMS,
    SYSTEM_KINDS,
    clean_facts,
)
from govpm.projects.models import BuildType, Level, Project

from .workbooks import add_sheet, save

MAX_ROWS = 500
MAX_BYTES = 5 * 1024 * 1024
# Physical rows the sheet may span, the header and blank rows included; MAX_ROWS counts filled ones.
MAX_SHEET_ROWS = 1_000
MAX_COLUMNS = 40  # the template has 16
MAX_SHARED_STRINGS = 50_000
# A worksheet's (or the shared strings') XML once inflated: 500 filled rows take about 1 MB; this
# bounds the time of reading the largest file that passes every other limit to a few seconds.
MAX_XML_BYTES = 8 * 1024 * 1024
MAX_CELLS = MAX_ROWS * MAX_COLUMNS
SHEET = "项目需求"

# Column header → fact key or project field. Headers are what officials see in the template.
COLUMNS = {
    "项目名称": "name",
    "需求概述": "summary",
    "申报估算（元）": "requested_estimate",
    "项目层级": "level",
    "项目类别": "category",
    "建设类型": "build_type",
    **{label: key for key, label in BOOLEAN_FACTS.items()},
    "新建系统类型": "system_kinds",
    "优先列入情形": "priority_claims",
    "“四横三纵”架构层级": "architecture_layers",
}
REQUIRED = ["项目名称", "申报估算（元）"]
CHOICES = {
    "level": {label: code for code, label in Level.choices} | {code: code for code in Level.values},
    "build_type": {label: code for code, label in BuildType.choices}
    | {code: code for code in BuildType.values},
}
LISTS = {
    "system_kinds": SYSTEM_KINDS,
    "priority_claims": PRIORITY_CLAIMS,
    "architecture_layers": ARCHITECTURE_LAYERS,
}
YES, NO = {"是", "true", "1", "yes", "y"}, {"否", "false", "0", "no", "n"}


class ImportRefused(spreadsheets.ImportRefused):
    """The file had bad rows; nothing was imported (govpm.core.spreadsheets.ImportRefused)."""

    what = "需求"


def template() -> bytes:
    """The empty sheet to fill in, with one example row and a sheet of allowed values."""
    book = Workbook()
    example = [
        "衢州市智慧停车服务平台",
        "全市停车资源一张图",
        "1200000.00",
        "市本级",
        1,
        "新建",
        *["否" for _ in BOOLEAN_FACTS],
        "",
        "",
        "业务应用,数据资源",
    ]
    example[list(COLUMNS).index(BOOLEAN_FACTS["deploys_on_city_cloud"])] = "是"
    add_sheet(book, SHEET, list(COLUMNS), [example])
    allowed = [
        ("项目层级", "、".join(label for _, label in Level.choices)),
        ("项目类别", "1至7的整数（实施意见二(一)(1)）"),
        ("建设类型", "、".join(label for _, label in BuildType.choices)),
        ("是否类各列", "是 或 否"),
        ("新建系统类型", "、".join(SYSTEM_KINDS.values()) + "（多项以逗号分隔，可填代码）"),
        ("优先列入情形", "、".join(PRIORITY_CLAIMS.values()) + "（多项以逗号分隔，可填代码）"),
        ("“四横三纵”架构层级", "、".join(ARCHITECTURE_LAYERS.values()) + "（多项以逗号分隔，可填代码）"),
        ("必填", "、".join(REQUIRED) + "；整表一次导入，任何一行有误则全部不导入"),
    ]
    add_sheet(book, "填写说明", ["列", "可填内容"], allowed)
    return save(book)


def _parse_list(value: str, allowed: dict[str, str]) -> list[str]:
    by_label = {label: code for code, label in allowed.items()}
    items = [item.strip() for item in value.replace("，", ",").replace("、", ",").split(",") if item.strip()]
    codes = []
    for item in items:
        code = item if item in allowed else by_label.get(item)
        if code is None:
            raise ValueError(f"不识别的取值「{item}」")
        codes.append(code)
    return codes


def _cell(header: str, value) -> object:
    """One cell → its stored form, or ValueError with the reason in Chinese."""
    key = COLUMNS[header]
    text = cell_text(value)
    if key in {"name", "summary"}:
        # The model's max_length, checked here: SQLite would store any length, PostgreSQL would fail.
        limit = getattr(Project._meta.get_field(key), "max_length", None)
        if limit is not None and len(text) > limit:
            raise ValueError(f"不能超过{limit}个字（现有{len(text)}个字）")
        return text
    if key == "requested_estimate":
        try:
            amount = to_yuan(text if not isinstance(value, float) else repr(value))
        except ValidationError as exc:
            raise ValueError(exc.messages[0]) from None
        if amount < 0:
            raise ValueError("金额不能为负数")
        return amount
    if not text:
        return None
    if key in CHOICES:
        if text not in CHOICES[key]:
            raise ValueError(f"应为 {'、'.join(label for label in CHOICES[key] if not label.isascii())} 之一")
        return CHOICES[key][text]
    if key == "category":
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if not str(value).strip().isdigit() or not 1 <= int(str(value).strip()) <= 7:
            raise ValueError("应为1至7的整数")
        return int(str(value).strip())
    if key in BOOLEAN_FACTS:
        if value is True or text.lower() in YES:
            return True
        if value is False or text.lower() in NO:
            return False
        raise ValueError("应为 是 或 否")
    if key in LISTS:
        return _parse_list(text, LISTS[key])
    raise AssertionError(key)


@dataclass
class Row:
    number: int
    name: str
    summary: str
    requested_estimate: Decimal
    facts: dict


def read_rows(data: bytes) -> tuple[list[Row], list[RowError]]:
    lines = open_xlsx(
        data,
        max_bytes=MAX_BYTES,
        max_rows=MAX_SHEET_ROWS,
        max_cols=MAX_COLUMNS,
        max_shared_strings=MAX_SHARED_STRINGS,
        max_part_bytes=MAX_XML_BYTES,
        max_cells=MAX_CELLS,
        sheet=SHEET,
    )
    headers, data_rows = table(lines, required=REQUIRED, known=COLUMNS, max_rows=MAX_ROWS)
    rows, errors = [], []
    for number, cells in data_rows:
        parsed, row_errors = parse_columns(
            number, cells, headers, columns=COLUMNS, required=REQUIRED, parse=_cell
        )
        facts = {
            key: value
            for key, value in parsed.items()
            if key not in {"name", "summary", "requested_estimate"} and value is not None
        }
        if not row_errors:
            try:
                facts = clean_facts(facts, partial=True)
            except InvalidInput as exc:
                row_errors.append(RowError(number, _header_of(exc.field), exc.message))
        if row_errors:
            errors += row_errors
            continue
        rows.append(
            Row(number, parsed["name"], parsed.get("summary", ""), parsed["requested_estimate"], facts)
        )
    if not rows and not errors:
        raise InvalidInput("表中没有需求行", field="file")
    return rows, errors


def _header_of(field_path: str | None) -> str:
    key = (field_path or "").removeprefix("facts.").split(".")[0]
    return next((header for header, column in COLUMNS.items() if column == key), key or "申报事实")


def import_needs(data: bytes, *, actor: User) -> list[Project]:
    """All rows as drafts of the actor's unit, or ImportRefused naming every bad row."""
    if not access.can(actor, "project.import_needs") or actor.unit_id is None:
        raise Forbidden("只有业主单位可以导入项目需求")
    rows, errors = read_rows(data)
    if errors:
        raise ImportRefused(errors)
    created: list[Project] = []
    with transaction.atomic():
        for row in rows:
            try:
                created.append(
                    lifecycle.create_project(
                        actor=actor,
                        name=row.name,
                        summary=row.summary,
                        facts=row.facts,
                        requested_estimate=row.requested_estimate,
                    )
                )
            except GovpmError as exc:
                raise ImportRefused([RowError(row.number, _header_of(exc.field), exc.message)]) from exc
        # Each project's creation is its own event; this one records the import that made them.
        audit.record(
            actor=actor,
            action="import_needs",
            object_type="projects.project",
            payload={"projects": [project.pk for project in created]},
        )
    return created
