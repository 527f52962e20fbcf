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
from django.urls import Resolver404, get_resolver

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


class DemoErrorPagesMiddleware:
    """In the demo (GOVPM_DEMO with DEBUG on) a missing page or a crash shows the platform's Chinese
    404 and 500 pages, not Django's English debug pages: the demo is shown to officials, not debugged.
    Without DEBUG, Django already renders templates/404.html and 500.html; /api/ keeps its JSON shape.
    Last in MIDDLEWARE, so the pages see the logged-in user and show the platform's navigation."""

    def __init__(self, get_response):
        self.get_response = get_response

    def _active(self) -> bool:
        return settings.DEBUG and getattr(settings, "GOVPM_DEMO", False)

    def __call__(self, request):
        if self._active():
            try:  # a URL no route matches never reaches a view, so process_exception would not see it
                get_resolver(getattr(request, "urlconf", None)).resolve(request.path_info)
            except Resolver404 as exc:
                from .api import not_found  # the API's shape under /api/; govpm.core.api imports this module

                return not_found(request, exc)
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not self._active() or is_api(request):  # the API answers its own errors (InputGuardMiddleware)
            return None
        if isinstance(exception, Http404):
            return error_page(request, "404.html", exception, 404)
        if isinstance(exception, EXPECTED):
            return None  # 403 and 400 render the platform's pages with DEBUG on too
        logger.error("Internal Server Error: %s", request.path, exc_info=exception)
        return error_page(request, "500.html", None, 500)


def error_page(request, template: str, exception, status: int):
    # A Resolver404 carries a dict of tried patterns: only a message a view wrote is shown.
    message = exception.args[0] if exception and exception.args and isinstance(exception.args[0], str) else ""
    return render(request, template, {"exception": message}, status=status)
