"""How a request proves who it is: hashed, expiring API tokens (django-rest-knox) and the lockout answer
of login throttling (django-axes). Issue 13 item 2."""

from __future__ import annotations

import binascii
from hmac import compare_digest

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.plumbing import build_bearer_security_scheme_object
from knox.auth import TokenAuthentication as KnoxTokenAuthentication
from knox.crypto import hash_token
from knox.models import get_token_model
from knox.settings import CONSTANTS
from rest_framework.exceptions import AuthenticationFailed

LOCKED_OUT_MESSAGE = "登录失败次数过多，账号或本机已被暂时锁定，请 {minutes} 分钟后再试。"


class TokenAuthentication(KnoxTokenAuthentication):
    """Knox's token check, fetching the user's unit in the same query (every action reads it), with
    Chinese refusals; an expired token is deleted when it is presented."""

    def authenticate_credentials(self, token: bytes):
        try:
            key = token.decode("utf-8")
            digest = hash_token(key)
        except (UnicodeDecodeError, TypeError, binascii.Error):
            raise AuthenticationFailed("令牌无效") from None
        candidates = get_token_model().objects.select_related("user__unit")
        for auth_token in candidates.filter(token_key=key[: CONSTANTS.TOKEN_KEY_LENGTH]):
            if not compare_digest(digest, auth_token.digest):
                continue
            if auth_token.expiry is not None and auth_token.expiry <= timezone.now():
                auth_token.delete()
                raise AuthenticationFailed("令牌已过期，请重新登录")
            if not auth_token.user.is_active:
                raise AuthenticationFailed("账号已停用")
            return auth_token.user, auth_token
        raise AuthenticationFailed("令牌无效")


class TokenScheme(OpenApiAuthenticationExtension):
    """The OpenAPI document's description of TokenAuthentication: `Authorization: Token <key>`."""

    target_class = "govpm.core.auth.TokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return build_bearer_security_scheme_object(header_name="Authorization", token_prefix="Token")


def cooloff_minutes() -> int:
    return int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)


def lockout_response(request: HttpRequest, response=None, credentials=None, *args, **kwargs) -> HttpResponse:
    """What a locked-out login gets (settings.AXES_LOCKOUT_CALLABLE): the API's error shape under /api/,
    a Chinese page elsewhere (web login, admin). 429: the refusal is about the rate, not the password."""
    message = LOCKED_OUT_MESSAGE.format(minutes=cooloff_minutes())
    if request.path.startswith("/api/"):
        error = {"code": "locked_out", "message": message, "rule": None, "citation": None, "field": None}
        return JsonResponse(
            {"error": error}, status=429, headers={"Retry-After": str(cooloff_minutes() * 60)}
        )
    return render(request, "registration/locked_out.html", {"message": message}, status=429)


def client_ip(request: HttpRequest) -> str | None:
    """The client's address for lockout counting (settings.AXES_CLIENT_IP_CALLABLE).

    Behind GOVPM_PROXY_COUNT trusted reverse proxies, each appends the address it saw to X-Forwarded-For,
    so the client is that many entries from the right; anything further left was written by the client
    and is not trusted. Without proxies, REMOTE_ADDR."""
    count = settings.GOVPM_PROXY_COUNT
    if count > 0:
        chain = [
            part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()
        ]
        if len(chain) >= count:
            return chain[-count]
    return request.META.get("REMOTE_ADDR")
