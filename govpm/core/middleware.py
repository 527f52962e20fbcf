"""Requests the platform cannot read are refused in the platform's words, never with Django's English
HTML: on /api/ in the API's error shape {"error": {code, message, rule, citation, field}}, on the web
pages with a Chinese page.

- a body beyond DATA_UPLOAD_MAX_MEMORY_SIZE: 413 (checked from Content-Length before anything reads it;
  a multipart body whose fields overflow is caught when Django parses it, through `bad_request`);
- a query parameter with NUL or another control character: 400 (PostgreSQL cannot compare text with NUL);
- on /api/, a lost database connection: 503; any other unexpected exception: 500, logged."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.exceptions import (
    BadRequest,
    PermissionDenied,
    RequestDataTooBig,
    SuspiciousOperation,
    TooManyFilesSent,
)
from django.db import InterfaceError, OperationalError
from django.http import Http404, JsonResponse
from django.shortcuts import render

from .errors import GovpmError, InvalidInput
from .parsers import check_params, too_large_error

logger = logging.getLogger("django.request")

# Exceptions Django itself answers with 404, 403 or 400 (through handler400 below).
EXPECTED = (Http404, PermissionDenied, SuspiciousOperation, BadRequest)

UNAVAILABLE = "数据库暂时不可用，请稍后重试；本次操作未完成"
INTERNAL = "服务器内部错误，请稍后重试或联系管理员"


class Unavailable(GovpmError):
    """The database connection was lost mid-request: the transaction rolled back, nothing was saved."""

    status = 503
    code = "unavailable"


class ServerError(GovpmError):
    status = 500
    code = "error"


def is_api(request) -> bool:
    return request.path.startswith("/api/")


def refusal(request, error: GovpmError):
    """The error in the shape of the part of the site that was asked."""
    if is_api(request):
        return JsonResponse(
            {"error": error.as_dict()}, status=error.status, json_dumps_params={"ensure_ascii": False}
        )
    return render(request, "refused.html", {"error": error}, status=error.status)


def _declared_too_large(request) -> bool:
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    if limit is None or request.content_type == "multipart/form-data":
        # Files do not count against the limit; Django checks a multipart body's other fields itself.
        return False
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return False
    return length > limit


class InputGuardMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if _declared_too_large(request):
            return refusal(request, too_large_error())
        try:
            check_params(request.GET)
        except InvalidInput as error:
            return refusal(request, error)
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, RequestDataTooBig):
            return refusal(request, too_large_error())
        if not is_api(request) or isinstance(exception, EXPECTED):
            return None  # the web pages keep Django's 500 page; 404, 403 and 400 keep their handlers
        if isinstance(exception, OperationalError | InterfaceError):
            logger.error("Database unavailable: %s", request.path, exc_info=exception)
            return refusal(request, Unavailable(UNAVAILABLE))
        logger.error("Internal Server Error: %s", request.path, exc_info=exception)
        return refusal(request, ServerError(INTERNAL))


def bad_request(request, exception=None):
    """handler400: SuspiciousOperation and BadRequest from anywhere, including a body whose form fields
    overflow DATA_UPLOAD_MAX_MEMORY_SIZE while CSRF or a view reads it."""
    if isinstance(exception, RequestDataTooBig):
        return refusal(request, too_large_error())
    if isinstance(exception, TooManyFilesSent):
        limit = settings.DATA_UPLOAD_MAX_NUMBER_FILES
        return refusal(
            request, InvalidInput(f"一次上传的文件过多：每次请求不超过 {limit} 个文件", field="file")
        )
    return refusal(request, InvalidInput("请求无法解析，请检查后重试"))
