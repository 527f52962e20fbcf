"""The data dictionary (数据字典, IMPL-04): a Frictionless Table Schema, or a Data Package whose
resources carry one, checked with the `frictionless` library itself.

`problems(descriptor)` returns every problem as (field path, Chinese message); an empty list means the
dictionary is valid. frictionless stops at the first problem of a descriptor and does not say which
field it was, so each field is checked on its own (its path then names it), then the schema as a
whole. On top of the Table Schema rules the platform requires a primary key, and checks constraint
values frictionless lets through (a regex that does not compile, a minimum that is not of the
field's type)."""

from __future__ import annotations

import re

from frictionless import Field, Package, Schema

TYPE_NAMES = {
    "integer": "整数",
    "number": "数值",
    "boolean": "布尔值（true 或 false）",
    "array": "列表",
    "string": "字符串",
    "object": "对象",
}
BOUNDS = ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum")


def _translate(note: str) -> tuple[str, str]:
    """frictionless' English note → (sub-path, Chinese message)."""
    if match := re.match(r'field type "(.+)" is not supported', note):
        return "type", f"字段类型 {match[1]!r} 不是 Table Schema 类型"
    if match := re.match(r"(.+) is not of type '(\w+)' at property '([^']+)'", note):
        return match[3].replace("/", "."), f"取值 {match[1]} 应为{TYPE_NAMES.get(match[2], match[2])}"
    if match := re.match(r'constraint "(\w+)" is not supported by type "(\w+)"', note):
        return f"constraints.{match[1]}", f"约束 {match[1]} 不适用于 {match[2]} 类型的字段"
    if match := re.match(r"'(\w+)' is a required property", note):
        return match[1], f"缺少必填属性 {match[1]}"
    if match := re.match(r"(.+) does not match '(.+)' at property '([^']+)'", note):
        return match[3].replace("/", "."), f"取值 {match[1]} 不符合格式 {match[2]}"
    if note == "names of the fields are not unique":
        return "fields", "字段名重复"
    if match := re.match(r"primary key \"(.+)\" does not match the fields", note):
        return "primaryKey", f"主键 {match[1]} 中有未定义的字段"
    if match := re.match(r"(.+) is not one of (.+) at property '([^']+)'", note):
        return match[3].replace("/", "."), f"取值 {match[1]} 不在允许范围 {match[2]} 内"
    return "", f"不符合 Table Schema 规范：{note}"


def _join(path: str, sub: str) -> str:
    return f"{path}.{sub}" if sub else path


def _frictionless(check, descriptor, path: str) -> list[tuple[str, str]]:
    try:
        report = check(descriptor)
    except Exception as exc:  # frictionless raises plain TypeErrors on some malformed shapes
        return [(path, f"不符合 Table Schema 规范：{exc}")]
    found = []
    for error in report.errors:
        sub, message = _translate(error.note)
        found.append((_join(path, sub), message))
    return found


def _constraint_values(field: dict, where: str) -> list[tuple[str, str]]:
    """What frictionless accepts but cannot work: an uncompilable pattern, bounds or enum values that
    the field's own type cannot read."""
    constraints = field.get("constraints") or {}
    found = []
    if isinstance(constraints.get("pattern"), str):
        try:
            re.compile(constraints["pattern"])
        except re.error as exc:
            found.append((f"{where}.constraints.pattern", f"正则表达式无效：{exc}"))
    typed = Field.from_descriptor({"name": field["name"], "type": field.get("type", "any")})
    values = [(key, constraints[key]) for key in BOUNDS if key in constraints]
    values += [(f"enum.{index}", value) for index, value in enumerate(constraints.get("enum") or [])]
    for key, value in values:
        _, notes = typed.read_cell(value)
        if notes:
            found.append((f"{where}.constraints.{key}", f"取值 {value!r} 不是 {typed.type} 类型的值"))
    return found


def _schema_problems(schema, path: str) -> list[tuple[str, str]]:
    if not isinstance(schema, dict):
        return [(path, "表结构应为对象")]
    fields = schema.get("fields")
    if not isinstance(fields, list) or not fields:
        return [(f"{path}.fields", "至少定义一个字段")]
    found: list[tuple[str, str]] = []
    for index, field in enumerate(fields):
        named = isinstance(field, dict) and isinstance(field.get("name"), str) and field["name"].strip()
        where = f"{path}.fields.{field['name']}" if named else f"{path}.fields.{index}"
        if not isinstance(field, dict):
            found.append((where, "字段定义应为对象"))
            continue
        field_problems = _frictionless(Field.validate_descriptor, field, where)
        found += field_problems
        if named and not field_problems:
            found += _constraint_values(field, where)
    if not found:
        found += _frictionless(Schema.validate_descriptor, schema, path)
    if not schema.get("primaryKey"):
        found.append((f"{path}.primaryKey", "须定义主键"))
    return found


def problems(descriptor) -> list[tuple[str, str]]:
    if not isinstance(descriptor, dict):
        return [("descriptor", "数据字典应为 JSON 对象")]
    if "resources" not in descriptor:
        return _schema_problems(descriptor, "descriptor")
    resources = descriptor["resources"]
    if not isinstance(resources, list) or not resources:
        return [("descriptor.resources", "数据包至少包含一个数据表")]
    found: list[tuple[str, str]] = []
    for index, resource in enumerate(resources):
        name = resource.get("name", str(index)) if isinstance(resource, dict) else str(index)
        schema = resource.get("schema") if isinstance(resource, dict) else None
        found += _schema_problems(schema, f"descriptor.resources.{name}.schema")
    if not found:
        # The package itself (names, paths, profiles), now that every table schema is known to be sound.
        found += _frictionless(Package.validate_descriptor, descriptor, "descriptor")
    return found


# --- the dictionary as a table (issue 15 item 4) ------------------------------------------------------

# The Table Schema types an owner chooses from, by their Chinese names.
FIELD_TYPES = {
    "string": "文本",
    "integer": "整数",
    "number": "数值",
    "boolean": "是/否",
    "date": "日期",
    "datetime": "日期时间",
    "year": "年份",
    "object": "对象（JSON）",
    "array": "列表（JSON）",
}
# The table's columns: key, Chinese header (also the XLSX template's headers).
COLUMNS = [
    ("name", "字段名"),
    ("title", "中文名"),
    ("type", "类型"),
    ("description", "说明"),
    ("required", "必填"),
    ("shared", "共享"),
    ("primary", "主键"),
]
_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,62}$")
MAX_ROWS = 500
YES = {"是", "yes", "true", "1", "y", "√"}
NO = {"否", "no", "false", "0", "n", ""}


class RowProblem(Exception):
    """Rows of the table that cannot make a schema: each (row number from 1, column header, message)."""

    def __init__(self, problems: list[tuple[int, str, str]]):
        super().__init__("；".join(f"第{row}行「{column}」：{message}" for row, column, message in problems))
        self.problems = problems


def _flag(value, row: int, column: str, found: list) -> bool:
    text = str(value if value is not None else "").strip().lower()
    if text in YES:
        return True
    if text not in NO:
        found.append((row, column, f"应为“是”或“否”，不是“{value}”"))
    return False


def schema_from_rows(rows: list[dict], *, first_row: int = 1) -> dict:
    """A Table Schema from the rows an owner entered (field name, 中文名, type, 说明, required, shared,
    primary key); blank rows are skipped. Raises RowProblem naming each bad row and column, counted from
    `first_row` (2 for a sheet whose row 1 is the header)."""
    headers = dict(COLUMNS)
    found: list[tuple[int, str, str]] = []
    fields: list[dict] = []
    primary: list[str] = []
    seen: dict[str, int] = {}
    if len(rows) > MAX_ROWS:
        raise RowProblem([(first_row + MAX_ROWS, headers["name"], f"最多{MAX_ROWS}个字段")])
    for number, row in enumerate(rows, start=first_row):
        cells = {key: str(row.get(key) if row.get(key) is not None else "").strip() for key, _ in COLUMNS}
        if not any(cells[key] for key in ("name", "title", "description")):
            continue  # an empty row of the table, or one only defaulted
        name = cells["name"]
        if not name:
            found.append((number, headers["name"], "必填"))
        elif not _NAME.match(name):
            found.append(
                (number, headers["name"], "应以英文字母开头，只含英文字母、数字和下划线，最长63个字符")
            )
        elif name in seen:
            found.append((number, headers["name"], f"与第{seen[name]}行重复"))
        else:
            seen[name] = number
        if not cells["title"]:
            found.append((number, headers["title"], "必填"))
        elif len(cells["title"]) > 100:
            found.append((number, headers["title"], "最长100个字符"))
        kind = {label: code for code, label in FIELD_TYPES.items()}.get(
            cells["type"], cells["type"] or "string"
        )
        if kind not in FIELD_TYPES:
            found.append((number, headers["type"], f"应为{'、'.join(FIELD_TYPES.values())}之一"))
        if len(cells["description"]) > 500:
            found.append((number, headers["description"], "最长500个字符"))
        required = _flag(cells["required"], number, headers["required"], found)
        shared = _flag(cells["shared"], number, headers["shared"], found)
        if _flag(cells["primary"], number, headers["primary"], found):
            primary.append(name)
        field: dict = {"name": name, "title": cells["title"], "type": kind}
        if cells["description"]:
            field["description"] = cells["description"]
        if required or name in primary:
            field["constraints"] = {"required": True}
        if shared:
            field["shared"] = True
        fields.append(field)
    if not fields and not found:
        found.append((first_row, headers["name"], "至少填写一个字段"))
    elif fields and not primary and not found:
        found.append((first_row, headers["primary"], "至少把一个字段标为主键"))
    if found:
        raise RowProblem(found)
    return {"fields": fields, "primaryKey": primary}


XLSX_MAX_BYTES = 2 * 1024 * 1024


def template_xlsx() -> bytes:
    """The XLSX an owner fills in instead of the table: the columns' Chinese headers, one example-free
    sheet, and a second sheet listing the types."""
    import io

    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "数据字典"
    sheet.append([header for _key, header in COLUMNS])
    for column, width in zip("ABCDEFG", [18, 18, 12, 40, 8, 8, 8], strict=True):
        sheet.column_dimensions[column].width = width
    types = book.create_sheet("填写说明")
    types.append(["列", "填写"])
    types.append(["字段名", "英文字母开头，只含英文字母、数字和下划线"])
    types.append(["类型", "、".join(FIELD_TYPES.values())])
    types.append(["必填、共享、主键", "是 或 否；至少一个字段为主键"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def rows_from_xlsx(source) -> list[dict]:
    """The rows of an uploaded dictionary XLSX (the template's headers, in any order). Raises RowProblem
    for a missing column, InvalidInput (field "file") for a file that is not a bounded XLSX."""
    from govpm.core.spreadsheets import open_xlsx

    rows = open_xlsx(
        source, max_bytes=XLSX_MAX_BYTES, max_rows=MAX_ROWS + 1, max_cols=20, max_cell_chars=1000
    )
    header = [str(cell or "").strip() for cell in next(rows, ())]
    keys = {label: key for key, label in COLUMNS}
    missing = [label for label in keys if label not in header]
    if missing:
        raise RowProblem([(1, label, "表头缺少此列（请使用下载的模板）") for label in missing])
    index = {keys[label]: header.index(label) for label in keys}
    return [
        {key: (row[i] if i < len(row) and row[i] is not None else "") for key, i in index.items()}
        for row in rows
    ]
