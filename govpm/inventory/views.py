"""Pages of the inventory: the systems list with filters and export, the XLSX import, zombie
candidates for bdb, the data-resource catalogue. Each parses, checks, calls one function, renders."""

from __future__ import annotations

import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from openpyxl import Workbook

from govpm.accounts.models import Unit
from govpm.core import access
from govpm.core.errors import GovpmError, InvalidInput
from govpm.core.spreadsheets import check_upload_size

from . import selectors, services
from .models import System


def _require(request, capability: str) -> None:
    if not access.can(request.user, capability):
        raise PermissionDenied("当前角色无权访问此页面")


def _xlsx(headers: list[str], rows: list[list], title: str, filename: str) -> HttpResponse:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = title
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    response = HttpResponse(out.getvalue(), content_type=services.XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{filename}"
    return response


@login_required
def systems_view(request):
    _require(request, "inventory.read")
    error, status = None, 200
    try:
        systems = selectors.system_list(request.user, request.GET)
    except InvalidInput as exc:
        error, status = exc.message, 400
        systems = selectors.system_list(request.user, {})
    page = Paginator(systems, 30).get_page(request.GET.get("page"))
    return render(
        request,
        "inventory/systems.html",
        {
            "page": page,
            "total": page.paginator.count,
            "error": error,
            "params": request.GET,
            "units": Unit.objects.filter(systems__isnull=False).distinct().order_by("name"),
            "statuses": System.Status.choices,
            "may_import": access.can(request.user, "inventory.manage"),
        },
        status=status,
    )


@login_required
def systems_xlsx(request):
    _require(request, "inventory.read")
    systems = selectors.system_list(request.user, request.GET)
    rows = [
        [
            s.name,
            s.owner_unit.name,
            s.summary,
            "、".join(s.function_list),
            "是" if s.on_city_cloud else "否",
            "、".join(s.resource_list),
            s.get_status_display(),
            s.get_source_display(),
            s.built_on.isoformat() if s.built_on else "",
            s.last_month.strftime("%Y-%m") if s.last_month else "",  # type: ignore[attr-defined]
        ]
        for s in systems
    ]
    headers = [*services.COLUMNS, "来源", "最近使用报告月份"]
    headers.remove("建成日期")
    headers.insert(8, "建成日期")
    return _xlsx(headers, rows, "信息系统", "%E4%BF%A1%E6%81%AF%E7%B3%BB%E7%BB%9F%E7%9B%AE%E5%BD%95.xlsx")


@login_required
def template_view(request):
    _require(request, "inventory.manage")
    response = HttpResponse(services.template(), content_type=services.XLSX)
    response["Content-Disposition"] = "attachment; filename*=UTF-8''%E5%AF%BC%E5%85%A5%E6%A8%A1%E6%9D%BF.xlsx"
    return response


@login_required
def import_view(request):
    _require(request, "inventory.manage")
    errors, message, status = [], None, 200
    if request.method == "POST":
        upload = request.FILES.get("file")
        try:
            if upload is None:
                raise InvalidInput("请选择要导入的 Excel 文件", field="file")
            check_upload_size(upload.size, max_bytes=services.MAX_BYTES)  # 413 before reading it
            created = services.import_systems(upload.read(), actor=request.user)
        except services.ImportRefused as exc:
            message, errors, status = exc.message, exc.errors, exc.status
        except GovpmError as exc:
            message, status = exc.message, exc.status
        else:
            messages.success(request, f"已导入 {len(created)} 个信息系统。")
            return redirect("inventory:systems")
    return render(
        request,
        "inventory/import.html",
        {"message": message, "errors": errors, "columns": list(services.COLUMNS)},
        status=status,
    )


@login_required
def candidates_view(request):
    _require(request, "project.action.list_zombie")
    if request.method == "POST":
        try:
            services.list_zombie(
                request.POST.get("system"), actor=request.user, reason=request.POST.get("reason", "")
            )
        except InvalidInput as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "已列入僵尸系统，该单位2年内原则上不得申报。")
        return redirect("inventory:candidates")
    return render(request, "inventory/candidates.html", {"candidates": selectors.zombie_candidates()})


@login_required
def catalogue_view(request):
    _require(request, "inventory.read")
    error = None
    try:
        rows = selectors.search_catalogue(request.GET)
    except InvalidInput as exc:
        error, rows = exc.message, []
    return render(
        request,
        "inventory/catalogue.html",
        {
            "page": Paginator(rows, 50).get_page(request.GET.get("page")),
            "error": error,
            "q": request.GET.get("q", ""),
        },
    )
