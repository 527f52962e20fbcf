"""The error shape every endpoint answers with, for the OpenAPI document (see api.exception_handler)."""

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
