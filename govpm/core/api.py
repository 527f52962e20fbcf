"""API plumbing shared by every endpoint: one error shape, one pagination."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig
from django.core.paginator import InvalidPage
from django.db import IntegrityError
from django.db.models import QuerySet
from django.http import Http404, JsonResponse
from rest_framework import exceptions, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response

from .errors import Conflict, GovpmError, InvalidInput, NotFound
from .middleware import error_page

T = TypeVar("T")

_DRF_MESSAGES = {
    exceptions.NotAuthenticated: ("not_authenticated", "未登录或令牌无效"),
    exceptions.AuthenticationFailed: ("not_authenticated", "未登录或令牌无效"),
    exceptions.PermissionDenied: ("forbidden", "无权进行此操作"),
    exceptions.NotFound: ("not_found", "对象不存在或无权查看"),
    exceptions.MethodNotAllowed: ("method_not_allowed", "不支持该请求方法"),
    exceptions.UnsupportedMediaType: ("unsupported_media_type", "请求体须为 JSON"),
    exceptions.ParseError: ("invalid", "请求体不是合法的 JSON"),
    exceptions.Throttled: ("throttled", "请求过于频繁，请稍后再试"),
    exceptions.NotAcceptable: ("not_acceptable", "不支持请求的响应格式"),
}


class Pagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200

    def get_page_size(self, request):
        """As the document says: `page_size` is a whole number ≥ 1 (capped at 200), or it is refused, not
        silently replaced by the default."""
        raw = request.query_params.get(self.page_size_query_param)
        if raw is not None and not (raw.isascii() and raw.isdigit() and int(raw) >= 1):
            raise InvalidInput(
                f"page_size：应为不小于1的整数（最大 {self.max_page_size}）", field="page_size"
            )
        return super().get_page_size(request)

    def page_of(self, queryset, request, read: Callable[[QuerySet, int, int], tuple[int, T] | None]):
        """`paginate_queryset` for an endpoint that reads the rows its own way (a read model):
        `read(queryset, start, stop)` answers the filter's count and the rows of the slice together, in one
        statement, or None when the slice is empty. Only then is the count read on its own, to tell an empty
        list (rows None) from a page past the end (refused); `page=last` reads it first. Returns the page
        (whose links work after) and the rows."""
        size = self.get_page_size(request)
        paginator = self.django_paginator_class(queryset, size)
        number = str(self.get_page_number(request, paginator))
        self.request = request
        wanted = int(number) if number.isascii() and number.isdigit() else 0
        if wanted >= 1 and (found := read(queryset, (wanted - 1) * size, wanted * size)) is not None:
            paginator.count = found[0]  # read with the rows: the paginator does not count again
            self.page = paginator.page(wanted)
            return self.page, found[1]
        if number in self.last_page_strings:
            number = str(paginator.num_pages)
        try:
            self.page = paginator.page(number)
        except InvalidPage:
            raise NotFound("页码超出范围", field="page") from None
        if self.page.number == wanted:  # read above, and empty: an empty list
            return self.page, None
        found = read(queryset, self.page.start_index() - 1, self.page.end_index())
        return self.page, found[1] if found else None


def _first_error(detail, prefix: str = "") -> tuple[str | None, str]:
    """The first field and message of a DRF ValidationError detail, with a dotted path."""
    if isinstance(detail, dict):
        for key, value in detail.items():
            path = key if key == "non_field_errors" else f"{prefix}{key}"
            field, message = _first_error(value, f"{path}.")
            return (field or path if key != "non_field_errors" else field), message
    if isinstance(detail, list) and detail:
        for index, item in enumerate(detail):
            if isinstance(item, (dict, list)) and item:
                return _first_error(item, f"{prefix}{index}.")
        return None, str(detail[0])
    return None, str(detail)


def error_response(error: GovpmError) -> Response:
    return Response({"error": error.as_dict()}, status=error.status)


def exception_handler(exc, context):
    if isinstance(exc, GovpmError):
        return error_response(exc)
    if isinstance(exc, IntegrityError):
        # A uniqueness race lost to a simultaneous request: the transaction rolled back, nothing was saved.
        return error_response(Conflict("数据已被同时提交的其他操作修改，请刷新后重试", code="conflict"))
    if isinstance(exc, RequestDataTooBig):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE / 1024 / 1024
        body: dict[str, object] = {
            "code": "too_large",
            "message": f"请求体过大：不能超过 {limit:g} MB",
            "rule": None,
            "citation": None,
            "field": None,
        }
        return Response({"error": body}, status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    if isinstance(exc, exceptions.ValidationError):
        field, message = _first_error(exc.detail)
        field = field.rstrip(".") if field else None
        body = {
            "code": "invalid",
            "message": f"{field}：{message}" if field else message,
            "rule": None,
            "citation": None,
            "field": field,
            "details": exc.detail,
        }
        return Response({"error": body}, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, exceptions.APIException):
        code, message = _DRF_MESSAGES.get(type(exc), ("error", str(exc.detail)))
        headers = {}
        auth_header = getattr(exc, "auth_header", None)
        if auth_header:
            headers["WWW-Authenticate"] = auth_header
        status_code: int
        if isinstance(exc, exceptions.NotAuthenticated | exceptions.AuthenticationFailed):
            status_code = status.HTTP_401_UNAUTHORIZED
        else:
            status_code = exc.status_code
        body = {"code": code, "message": message, "rule": None, "citation": None, "field": None}
        return Response({"error": body}, status=status_code, headers=headers)
    return None


def not_found(request, exception=None):
    """Django's 404 for a URL no route matches (`/api/v1/projects/10.5/`): the API's error shape under
    /api/, the ordinary page elsewhere."""
    if request.path.startswith("/api/"):
        body = {
            "code": "not_found",
            "message": "对象不存在或无权查看",
            "rule": None,
            "citation": None,
            "field": None,
        }
        return JsonResponse({"error": body}, status=404, json_dumps_params={"ensure_ascii": False})
    return error_page(request, "404.html", exception, 404)
