"""The OpenAPI document's conventions, the same in every app: one error shape (see api.exception_handler),
one pagination, input bodies that refuse unknown keys, operation ids and tags for generated code.

Summaries and descriptions stay Chinese (people read them in the Swagger page); operation ids, tags and
component names are English (code generators turn them into names)."""

import re

from drf_spectacular.extensions import OpenApiSerializerExtension
from drf_spectacular.utils import OpenApiResponse, inline_serializer
from rest_framework import serializers

ERROR = inline_serializer(
    "Error",
    {
        "error": inline_serializer(
            "ErrorBody",
            {
                "code": serializers.CharField(),
                "message": serializers.CharField(help_text="中文说明"),
                "rule": serializers.CharField(allow_null=True, help_text="规则编号，如 IMPL-01"),
                "citation": serializers.CharField(allow_null=True, help_text="规则编号与条款"),
                "field": serializers.CharField(allow_null=True, help_text="出错的字段"),
                "details": serializers.JSONField(required=False, help_text="输入校验失败时各字段的错误"),
            },
        )
    },
)
BAD_INPUT = OpenApiResponse(ERROR, "输入或规则不允许（field 指出哪一项）")
NOT_LOGGED_IN = OpenApiResponse(ERROR, "未登录或令牌无效")
FORBIDDEN = OpenApiResponse(ERROR, "角色无权进行此操作")
NOT_FOUND = OpenApiResponse(ERROR, "对象不存在或无权查看")
CONFLICT = OpenApiResponse(ERROR, "阶段不符或与同时提交的操作冲突")
ERRORS = {400: BAD_INPUT, 401: NOT_LOGGED_IN, 403: FORBIDDEN, 404: NOT_FOUND, 409: CONFLICT}

# Every operation may answer these, whatever its view declares: a bad query parameter (400), a bad or
# missing token (401, also on public endpoints when a wrong token is sent), a role (403), an object that
# is not there or not visible (404). Writes may also lose a race (409) or send too much (413).
_ALWAYS = {
    "400": "输入或规则不允许（field 指出哪一项）",
    "401": "未登录或令牌无效",
    "403": "角色无权进行此操作",
    "404": "对象不存在或无权查看",
}
_WRITES = {"409": "阶段不符或与同时提交的操作冲突", "413": "请求体过大"}
_ERROR_REF = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}


class StrictExtension(OpenApiSerializerExtension):
    """Input bodies refuse unknown keys (inputs.Strict), so their schema says so."""

    target_class = "govpm.projects.api.inputs.Strict"
    match_subclasses = True

    def map_serializer(self, auto_schema, direction):
        schema = auto_schema._map_basic_serializer(self.target, direction)
        schema["additionalProperties"] = False
        return schema


_DECIMAL = re.compile(r"^\^-\?\\d\{0,(\d+)\}\(\?:\\\.\\d\{0,(\d+)\}\)\?\$$")


def _decimals(node) -> None:
    """drf-spectacular's decimal pattern accepts "" and "."; a decimal has at least one digit."""
    if isinstance(node, dict):
        match = _DECIMAL.match(node.get("pattern", "")) if node.get("format") == "decimal" else None
        if match:
            node["pattern"] = rf"^-?\d{{1,{match[1]}}}(?:\.\d{{1,{match[2]}}})?$"
        for value in node.values():
            _decimals(value)
    elif isinstance(node, list):
        for value in node:
            _decimals(value)


def _titles(node) -> None:
    """A field's Chinese label goes into its description: generators name inline models from `title`
    (`CreateProjectRequest申报事实`), while people read the description in the Swagger page."""
    if isinstance(node, dict):
        for value in (node.get("properties") or {}).values():
            title = value.pop("title", None) if isinstance(value, dict) else None
            if title:
                value["description"] = (
                    f"{title}：{value['description']}" if value.get("description") else title
                )
        for value in node.values():
            _titles(value)
    elif isinstance(node, list):
        for value in node:
            _titles(value)


def error_responses(result, generator, request, public):
    """Postprocessing hook: every operation lists the error bodies it can answer with, in one shape;
    decimal patterns and field labels are made right for validators and generators."""
    for path_item in result.get("paths", {}).values():
        for method, operation in path_item.items():
            responses = operation.setdefault("responses", {})
            codes = dict(_ALWAYS, **(_WRITES if method in {"post", "put", "patch", "delete"} else {}))
            for code, description in codes.items():
                responses.setdefault(code, {"description": description, "content": _ERROR_REF})
    _decimals(result.get("components", {}))
    _titles(result.get("components", {}))
    return result
