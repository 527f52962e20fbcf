"""The data dictionary (数据字典, IMPL-04): a Table Schema, or a Data Package whose resources carry one.

Returns the problems as (field path, Chinese message); an empty list means the dictionary is valid."""

from __future__ import annotations

TYPES = {"string", "number", "integer", "boolean", "object", "array", "date", "time", "datetime", "year",
         "yearmonth", "duration", "geopoint", "geojson", "any"}
CONSTRAINTS = {"required", "unique", "minLength", "maxLength", "minimum", "maximum", "pattern", "enum"}


def _schema_problems(schema, path: str) -> list[tuple[str, str]]:
    if not isinstance(schema, dict):
        return [(path, "表结构应为对象")]
    fields = schema.get("fields")
    if not isinstance(fields, list) or not fields:
        return [(f"{path}.fields", "至少定义一个字段")]
    problems: list[tuple[str, str]] = []
    names: list[str] = []
    for index, field in enumerate(fields):
        where = f"{path}.fields.{index}"
        if not isinstance(field, dict) or not isinstance(field.get("name"), str) or not field["name"].strip():
            problems.append((f"{where}.name", "字段须有名称"))
            continue
        names.append(field["name"])
        where = f"{path}.fields.{field['name']}"
        if field.get("type", "string") not in TYPES:
            problems.append((f"{where}.type", f"字段类型 {field.get('type')!r} 不是 Table Schema 类型"))
        constraints = field.get("constraints", {})
        if not isinstance(constraints, dict):
            problems.append((f"{where}.constraints", "约束应为对象"))
            continue
        for key, value in constraints.items():
            if key not in CONSTRAINTS:
                problems.append((f"{where}.constraints.{key}", f"不识别的约束 {key}"))
            elif key in {"required", "unique"} and not isinstance(value, bool):
                problems.append((f"{where}.constraints.{key}", "应为 true 或 false"))
            elif key in {"minLength", "maxLength"} and (isinstance(value, bool) or not isinstance(value, int) or value < 0):
                problems.append((f"{where}.constraints.{key}", "应为非负整数"))
            elif key == "enum" and not isinstance(value, list):
                problems.append((f"{where}.constraints.{key}", "应为列表"))
    if len(set(names)) != len(names):
        problems.append((f"{path}.fields", "字段名重复"))
    key = schema.get("primaryKey")
    if key is None:
        problems.append((f"{path}.primaryKey", "须定义主键"))
    else:
        keys = [key] if isinstance(key, str) else key
        if not isinstance(keys, list) or not keys:
            problems.append((f"{path}.primaryKey", "主键应为字段名或字段名列表"))
        else:
            for name in keys:
                if name not in names:
                    problems.append((f"{path}.primaryKey", f"主键字段 {name!r} 未定义"))
    return problems


def problems(descriptor) -> list[tuple[str, str]]:
    if not isinstance(descriptor, dict):
        return [("descriptor", "数据字典应为 JSON 对象")]
    if "resources" in descriptor:
        resources = descriptor["resources"]
        if not isinstance(resources, list) or not resources:
            return [("descriptor.resources", "数据包至少包含一个数据表")]
        found: list[tuple[str, str]] = []
        for index, resource in enumerate(resources):
            name = resource.get("name", str(index)) if isinstance(resource, dict) else str(index)
            schema = resource.get("schema") if isinstance(resource, dict) else None
            found += _schema_problems(schema, f"descriptor.resources.{name}.schema")
        return found
    return _schema_problems(descriptor, "descriptor")
