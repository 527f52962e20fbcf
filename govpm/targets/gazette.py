"""Reading the raw gazette text (衢州政报) into rows and problems. Pure functions, no database.

The two tables read here came out of a PDF:

- 衢政发〔2020〕10号, attachment 推进健康衢州行动的主要指标: tab-separated, the header repeated on every
  page, the action-name column shifted in places;
- 衢政办发〔2020〕9号, attachment 任务分解表: afforestation (亩) by region × year.

Whatever a cell does not say plainly becomes a `Problem` (row, column, raw text, reason) and is left
out: this module never guesses a value. The action group of a health row is the one printed on that row
or, failing that, the last one printed above it (a merged cell): the layout's reading, not a reviewed
one — the curated data file carries the reviewed grouping.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from govpm.accounts.codes import REGIONS

from . import parsing

HEALTH_DOCUMENT = "衢政发〔2020〕10号"
HEALTH_TABLE = "推进健康衢州行动的主要指标"
AFFORESTATION_DOCUMENT = "衢政办发〔2020〕9号"
AFFORESTATION_TABLE_MARK = "任务分解表"
ECO_DOCUMENT = "衢政发〔2020〕9号"

NATURES = {"预期性": "expected", "约束性": "binding"}
KNOWN_UNITS = {"%", "‰", "1/10万", "万户", "名", "平方米", "个", "小时", "亩", "万亩"}
REGION_BY_NAME = {name: code for code, name in REGIONS.items()}
_DOCUMENT_NUMBER = re.compile(r"^衢\S*〔\d{4}〕\d+号$")


@dataclass(frozen=True)
class Problem:
    """A cell the reader could not interpret. `line` is the line in the gazette file, `row` the data row
    of the table (1 = first row under the first header)."""

    table: str
    line: int
    row: int
    column: str
    raw: str
    reason: str

    def as_dict(self) -> dict:
        return {
            "table": self.table,
            "line": self.line,
            "row": self.row,
            "column": self.column,
            "raw": self.raw,
            "reason": self.reason,
        }


@dataclass
class HealthRow:
    line: int
    row: int
    raw_line: str
    action_printed: str
    action_group: str
    name: str
    unit: str
    nature: str  # "" when the cell could not be read
    baseline_raw: str
    baseline: parsing.ParsedBaseline | None  # None when the cell is not trusted
    targets: dict[int, parsing.ParsedTarget] = field(default_factory=dict)  # only cells that were read


@dataclass
class TaskRow:
    line: int
    row: int
    raw_line: str
    region_code: str
    region_name: str
    total: Decimal | None
    total_raw: str
    by_year: dict[int, tuple[Decimal, str]] = field(default_factory=dict)


@dataclass
class TaskTable:
    document: str
    title: str
    unit: str
    years: list[int]
    rows: list[TaskRow]
    stated_total: Decimal | None
    stated_total_raw: str


@dataclass
class GazetteReading:
    documents: dict[str, str]  # number → title
    health_rows: list[HealthRow]
    task_table: TaskTable | None
    problems: list[Problem]
    target_years: list[int]


@dataclass(frozen=True)
class Section:
    number: str
    title: str
    start: int  # index of the number line
    end: int  # index after the last line


def sections(lines: list[str]) -> dict[str, Section]:
    """Each document of the issue: from its number line (衢政发〔2020〕10号) to the next one."""
    starts = [i for i, line in enumerate(lines) if _DOCUMENT_NUMBER.match(line.strip())]
    found = {}
    for position, start in enumerate(starts):
        end = starts[position + 1] if position + 1 < len(starts) else len(lines)
        title = next((lines[j].strip() for j in range(start - 1, -1, -1) if lines[j].strip()), "")
        number = lines[start].strip()
        found[number] = Section(number=number, title=title.replace(" ", ""), start=start, end=end)
    return found


def split_unit(label: str) -> tuple[str, str]:
    """ "居民健康素养水平(%)" → ("居民健康素养水平", "%"); a bracket that is no unit stays in the name."""
    match = re.fullmatch(r"(.*)\(([^()]*)\)", label)
    if match and match.group(2) in KNOWN_UNITS:
        return match.group(1), match.group(2)
    return label, ""


def read_gazette(text: str) -> GazetteReading:
    lines = text.splitlines()
    found = sections(lines)
    problems: list[Problem] = []
    health_rows: list[HealthRow] = []
    years: list[int] = []
    if HEALTH_DOCUMENT in found:
        health_rows, years = _read_health_table(lines, found[HEALTH_DOCUMENT], problems)
    else:
        problems.append(Problem(HEALTH_TABLE, 0, 0, "", "", f"未找到文件{HEALTH_DOCUMENT}"))
    task_table = None
    if AFFORESTATION_DOCUMENT in found:
        task_table = _read_task_table(lines, found[AFFORESTATION_DOCUMENT], problems)
    else:
        problems.append(
            Problem(AFFORESTATION_TABLE_MARK, 0, 0, "", "", f"未找到文件{AFFORESTATION_DOCUMENT}")
        )
    return GazetteReading(
        documents={number: section.title for number, section in found.items()},
        health_rows=health_rows,
        task_table=task_table,
        problems=problems,
        target_years=years,
    )


def _cells(line: str, width: int) -> list[str]:
    cells = [cell.strip() for cell in line.split("\t")]
    return (cells + [""] * width)[: max(width, len(cells))]


def _read_health_table(lines: list[str], section: Section, problems: list[Problem]):
    start = next((i for i in range(section.start, section.end) if lines[i].strip() == HEALTH_TABLE), None)
    if start is None:
        problems.append(Problem(HEALTH_TABLE, 0, 0, "", "", "未找到附件表格"))
        return [], []
    header: list[str] = []
    years: list[int] = []
    rows: list[HealthRow] = []
    action = ""
    row_number = 0
    for index in range(start + 1, section.end):
        line = lines[index]
        if line.startswith("备注"):
            break
        if not line.strip():
            continue
        cells = _cells(line, 6)
        if cells[0] == "行动名称":
            header = cells
            years = [int(m.group(1)) for c in cells if (m := re.match(r"(\d{4})年目标值", c))]
            continue
        if not header:
            continue
        row_number += 1
        row = _read_health_row(index + 1, row_number, line, cells, header, years, action, problems)
        if cells[0]:
            action = cells[0]
        if row is not None:
            row.action_group = action
            rows.append(row)
    return rows, years


def _problem(line: int, row: int, column: str, raw: str, reason: str) -> Problem:
    return Problem(HEALTH_TABLE, line, row, column, raw, reason)


def _read_health_row(line_no, row_no, line, cells, header, years, action, problems) -> HealthRow | None:
    action_cell, name_cell = cells[0], cells[1]
    baseline_cell = cells[2]
    target_cells = dict(zip(years, cells[3 : 3 + len(years)], strict=False))
    nature_cell = cells[3 + len(years)] if len(cells) > 3 + len(years) else ""
    if not name_cell:
        if action_cell and not any(cells[1:]):
            problems.append(
                _problem(
                    line_no,
                    row_no,
                    header[0],
                    action_cell,
                    "行动名称单独成行、没有指标（版式错位），无法从表格确定其所辖指标",
                )
            )
        elif any(cells):
            problems.append(_problem(line_no, row_no, header[1], "", "指标名称为空，本行不导入"))
        return None

    name, unit = split_unit(name_cell)
    nature = NATURES.get(nature_cell, "")
    # A nature word in a target column means the row slid left: none of its value cells can be placed.
    slid = not nature and any(cell in NATURES for cell in target_cells.values())
    if not nature:
        problems.append(
            _problem(
                line_no,
                row_no,
                header[-1] if len(header) > 3 + len(years) else "指标性质",
                nature_cell,
                "指标性质不是“预期性”或“约束性”" + ("（本行错位）" if slid else ""),
            )
        )

    baseline = None
    if parsing.looks_like_artefact(baseline_cell):
        problems.append(
            _problem(
                line_no,
                row_no,
                header[2],
                baseline_cell,
                "含PDF提取残留字符，无法判断是基期值、目标值还是“\\”（无基期）",
            )
        )
    elif slid:
        problems.append(
            _problem(line_no, row_no, header[2], baseline_cell, "本行错位，无法确定该值属于哪一栏")
        )
    else:
        baseline = parsing.parse_baseline(baseline_cell)
        if baseline.status == parsing.BASELINE_TEXT:
            problems.append(
                _problem(
                    line_no, row_no, header[2], baseline_cell, "基期不是数值、“\\”或“?”，原文保留，未取值"
                )
            )

    targets = {}
    for offset, (year, raw) in enumerate(target_cells.items()):
        column = header[3 + offset]
        if slid:
            reason = (
                "本行错位：指标性质出现在目标值栏，该值不能确定属于哪一栏" if raw else "本行错位，目标值缺失"
            )
            problems.append(_problem(line_no, row_no, column, raw, reason))
        elif not raw:
            problems.append(_problem(line_no, row_no, column, raw, "目标值为空"))
        elif parsing.looks_like_artefact(raw):
            problems.append(_problem(line_no, row_no, column, raw, "含PDF提取残留字符，无法解读"))
        else:
            targets[year] = parsing.parse_target(raw)

    return HealthRow(
        line=line_no,
        row=row_no,
        raw_line=line,
        action_printed=action_cell,
        action_group=action,
        name=name,
        unit=unit,
        nature=nature,
        baseline_raw=baseline_cell,
        baseline=baseline,
        targets=targets,
    )


def _number(text: str) -> Decimal | None:
    return Decimal(text) if re.fullmatch(r"\d+(?:\.\d+)?", text) else None


def _read_task_table(lines: list[str], section: Section, problems: list[Problem]) -> TaskTable | None:
    body = lines[section.start : section.end]
    title_index = next(
        (
            i
            for i, line in enumerate(body)
            if AFFORESTATION_TABLE_MARK in line and not line.startswith("附件")
        ),
        None,
    )
    table_name = AFFORESTATION_TABLE_MARK
    if title_index is None:
        problems.append(Problem(table_name, 0, 0, "", "", "未找到任务分解表"))
        return None
    title = body[title_index].replace(" ", "").strip()
    unit, years, rows = "", [], []
    header_seen = False
    row_number = 0
    for offset in range(title_index + 1, len(body)):
        line = body[offset]
        line_no = section.start + offset + 1
        if not line.strip():
            if rows:
                break
            continue
        if match := re.fullmatch(r"单位[:：](\S+)", line.strip()):
            unit = match.group(1)
            continue
        cells = _cells(line, 7)
        if cells[0] == "单位":
            header_seen = True
            continue
        if header_seen and not years and not cells[0]:
            years = [int(m.group(1)) for c in cells if (m := re.fullmatch(r"(\d{4})年", c))]
            continue
        if not years:
            continue
        row_number += 1
        code = REGION_BY_NAME.get(cells[0])
        if code is None:
            problems.append(
                Problem(title, line_no, row_number, "单位", cells[0], "不是衢州市或所辖县（市、区）的名称")
            )
            continue
        total = _number(cells[1])
        if total is None:
            problems.append(Problem(title, line_no, row_number, "合计", cells[1], "合计不是数值"))
        row = TaskRow(line_no, row_number, line, code, cells[0], total, cells[1])
        for year, raw in zip(years, cells[2 : 2 + len(years)], strict=False):
            value = _number(raw)
            if value is None:
                problems.append(Problem(title, line_no, row_number, f"{year}年", raw, "计划量不是数值"))
            else:
                row.by_year[year] = (value, raw)
        rows.append(row)
    text = "\n".join(body)
    stated = re.search(r"新增造林(\d+(?:\.\d+)?)万亩(以上)?", text)
    if stated is None:
        problems.append(Problem(title, 0, 0, "正文", "", "正文中未找到新增造林总量"))
    return TaskTable(
        document=section.number,
        title=title,
        unit=unit,
        years=years,
        rows=rows,
        stated_total=Decimal(stated.group(1)) * 10000 if stated else None,
        stated_total_raw=stated.group(0) if stated else "",
    )
