"""Token sign-in and sign-out for API clients (issue 13 item 2): parse, call one function, render."""

from __future__ import annotations

from django.contrib.auth import authenticate
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from govpm.core.auth import TokenAuthentication
from govpm.core.errors import InvalidInput
from govpm.core.schema import ERROR, ERRORS

from . import tokens
from .models import AuthToken, User


class TokenInput(serializers.Serializer):
    username = serializers.CharField(label="用户名", max_length=150)
    password = serializers.CharField(label="密码", max_length=4096, trim_whitespace=False)
    device = serializers.CharField(
        label="设备", max_length=100, required=False, allow_blank=True, default="", help_text="如 office-pc"
    )


def _parse(data) -> dict:
    """Validated data, or InvalidInput naming the field in Chinese (unknown keys refused)."""
    if not isinstance(data, dict):
        raise InvalidInput("请求体应为 JSON 对象")
    unknown = sorted(set(data) - set(TokenInput().fields))
    if unknown:
        raise InvalidInput(f"不识别的字段 {unknown[0]}", field=unknown[0])
    serializer = TokenInput(data=data)
    if not serializer.is_valid():
        field, messages = next(iter(serializer.errors.items()))
        label = TokenInput().fields[field].label
        raise InvalidInput(f"{label}：{messages[0]}", field=field)
    return dict(serializer.validated_data)


class ObtainToken(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list = []

    @extend_schema(
        request=TokenInput,
        responses={
            200: inline_serializer(
                "Token",
                {
                    "token": serializers.CharField(),
                    "expiry": serializers.DateTimeField(),
                    "device": serializers.CharField(),
                },
            ),
            **ERRORS,
            429: OpenApiResponse(ERROR, "登录失败次数过多，账号或本机已被暂时锁定"),
        },
        summary="获取访问令牌（每台设备一个，到期失效）",
    )
    def post(self, request: Request) -> Response:
        try:
            body = request.data
        except RecursionError:
            # Deeply nested JSON on this anonymous endpoint was a 500 (issue 13). The shared JSON parser
            # is being given a depth limit (govpm/core/parsers.py); this guard keeps the endpoint safe alone.
            raise InvalidInput("请求体嵌套过深，不是合法的登录请求") from None
        data = _parse(body)
        # The Django request, not DRF's wrapper: django-axes counts the failure and flags the lockout on it.
        user = authenticate(request._request, username=data["username"], password=data["password"])
        if user is None or not user.is_active:
            raise InvalidInput("用户名或密码不正确", field="password", code="invalid_credentials")
        issued = tokens.issue_token(user, device=data["device"])
        return Response({"token": issued.key, "expiry": issued.expiry, "device": issued.device})


class Logout(APIView):
    authentication_classes = [TokenAuthentication]
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={204: None, **ERRORS}, summary="注销当前令牌")
    def post(self, request: Request) -> Response:
        assert isinstance(request.auth, AuthToken)  # TokenAuthentication is the only class here
        tokens.revoke_token(request.auth)
        return Response(status=204)


class LogoutAll(APIView):
    authentication_classes = [TokenAuthentication]
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={204: None, **ERRORS}, summary="注销本账号的全部令牌")
    def post(self, request: Request) -> Response:
        assert isinstance(request.user, User)  # IsAuthenticated
        tokens.revoke_all_tokens(request.user)
        return Response(status=204)
