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
