"""The 申报批次 pages (PLAN-05) for smart_office and the supervisors: the list with the open form, each
batch with its needs and 年度项目计划, and the downloads. Each view parses, calls one function, renders."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from govpm.core import access, clock
from govpm.core.errors import GovpmError, InvalidInput, NotFound
from govpm.core.http import content_disposition
from govpm.core.parsers import parse_year
from govpm.officialdoc.pdf import ConversionFailed
from govpm.policy.catalog import citation

from . import batches


def _page(request) -> None:
    if not access.can(request.user, "page.batches"):
        raise Http404("页面不存在")


def _date(value: str, field: str, label: str) -> dt.date:
    try:
        return dt.date.fromisoformat((value or "").strip())
    except ValueError:
        raise InvalidInput(f"{label}：日期格式应为 YYYY-MM-DD", field=field) from None


@login_required
@require_http_methods(["GET", "POST"])
def batch_list(request):
    _page(request)
    error, status, posted = None, 200, {}
    if request.method == "POST":
        posted = {key: request.POST.get(key, "") for key in ("name", "closes_on")}
        try:
            batch = batches.open_batch(
                actor=request.user,
                name=posted["name"],
                closes_on=_date(posted["closes_on"], "closes_on", "截止日期"),
            )
        except GovpmError as exc:
            error, status = exc, exc.status
        else:
            messages.success(request, f"申报批次「{batch.name}」已开启")
            return redirect("documents:batch", pk=batch.pk)
    rows = list(batches.batch_list(request.user))
    return render(
        request,
        "documents/batches.html",
        {
            "rows": rows,
            "open_batch": next((row for row in rows if row.status == "open"), None),
            "can_manage": access.can(request.user, "batches.manage"),
            "error": error,
            "posted": posted,
            "today": clock.today(),
            "citation": citation("PLAN-05"),
            "current": "batches",
        },
        status=status,
    )


def _detail_page(request, pk, *, error=None, status=200):
    try:
        detail = batches.batch_detail(pk, actor=request.user)
    except NotFound as exc:
        raise Http404(exc.message) from None
    batch = detail["batch"]
    return render(
        request,
        "documents/batch.html",
        {
            **detail,
            "can_close": access.can(request.user, "batches.manage") and batch.status == "open",
            "default_budget_year": batch.year + 1,
            "error": error,
            "citation": citation("PLAN-05"),
            "current": "batches",
        },
        status=status,
    )


@login_required
@require_GET
def batch_detail(request, pk: int):
    _page(request)
    return _detail_page(request, pk)


@login_required
@require_POST
def batch_close(request, pk: int):
    _page(request)
    try:
        if request.POST.get("confirm") != "yes":
            raise InvalidInput(
                "请勾选确认：截止后将印发需求汇总表并确定年度项目计划，不可撤销", field="confirm"
            )
        year = parse_year(request.POST.get("budget_year", ""), "budget_year", "预算年度")
        batch = batches.close_batch(pk, actor=request.user, budget_year=year)
    except NotFound as exc:
        raise Http404(exc.message) from None
    except GovpmError as exc:
        return _detail_page(request, pk, error=exc, status=exc.status)
    messages.success(request, f"申报批次「{batch.name}」已截止，需求汇总表已印发（{batch.summary_number}）")
    return redirect("documents:batch", pk=pk)


@login_required
@require_GET
def batch_file(request, pk: int, name: str):
    _page(request)
    try:
        data, filename, content_type = batches.download(pk, name, actor=request.user)
    except NotFound as exc:
        raise Http404(exc.message) from None
    except ConversionFailed as exc:
        return HttpResponse(exc.message, status=exc.status, content_type="text/plain; charset=utf-8")
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = content_disposition(filename, inline=name.endswith(".pdf"))
    return response
