"""The statistics page and its XLSX (PORT-04), and the public pages (政务公开, PORT-05)."""

from __future__ import annotations

import io
import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.db.models.functions import ExtractYear
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST
from openpyxl import Workbook

from govpm.accounts.models import Unit
from govpm.core import access
from govpm.core.errors import GovpmError, InvalidInput, NotFound
from govpm.projects.models import CATEGORY_LABELS, Contract, IssuedDocument, Level
from govpm.projects.selectors import public_projects

from . import services, statistics, summary
from .models import Milestone

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Documents a visitor may read: the approval and the reports, not the internal review opinions.
PUBLIC_DOCUMENTS = (
    IssuedDocument.Kind.DESIGN_APPROVAL,
    IssuedDocument.Kind.ACCEPTANCE_REPORT,
    IssuedDocument.Kind.POST_EVALUATION_REPORT,
)


@login_required
def statistics_view(request):
    if not access.can(request.user, "portfolio.read"):
        raise PermissionDenied("当前角色无权访问此页面")
    error, status = None, 200
    try:
        result = summary.statistics_for(request.user, request.GET)
    except InvalidInput as exc:
        error, status = exc.message, 400
        result = summary.statistics_for(request.user, {})
    chart = {
        "labels": [r["label"] for r in result["rows"]],
        "series": {
            name: [float(r[key]) / 10000 for r in result["rows"]]
            for key, name in (
                ("requested", "申报"),
                ("approved", "概算"),
                ("contracted", "合同"),
                ("paid", "支付"),
            )
        },
    }
    return render(
        request,
        "portfolio/statistics.html",
        {
            "result": result,
            "error": error,
            "params": request.GET,
            "dimensions": [(code, label) for code, (label, _) in statistics.DIMENSIONS.items()],
            "categories": sorted(CATEGORY_LABELS.items()),
            "levels": Level.choices,
            "chart": chart,
        },
        status=status,
    )


@login_required
def statistics_xlsx(request):
    if not access.can(request.user, "portfolio.read"):
        raise PermissionDenied("当前角色无权访问此页面")
    result = summary.statistics_for(request.user, request.GET)
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "统计报表"
    sheet.append([f"按{result['by_label']}", *statistics.HEADERS[1:]])
    for row in statistics.table(result):
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    response = HttpResponse(out.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = "attachment; filename*=UTF-8''%E7%BB%9F%E8%AE%A1%E6%8A%A5%E8%A1%A8.xlsx"
    return response


def public_list(request):
    """PORT-05: approved projects by year and unit, readable without login."""
    projects = public_projects().select_related("owner_unit").annotate(year=ExtractYear("approved_on"))
    years = sorted({y for y in projects.values_list("year", flat=True) if y}, reverse=True)
    year, unit = request.GET.get("year", ""), request.GET.get("unit", "")
    # ASCII digits only: str.isdigit() also takes "²", which int() refuses.
    if re.fullmatch(r"[0-9]{4}", year):
        projects = projects.filter(approved_on__year=int(year))
    if re.fullmatch(r"[0-9]{1,9}", unit):
        projects = projects.filter(owner_unit_id=int(unit))
    rows = list(projects.order_by("-approved_on", "owner_unit__name", "id"))
    groups: dict = {}
    for project in rows:
        groups.setdefault(project.year, {}).setdefault(project.owner_unit.name, []).append(project)
    return render(
        request,
        "portfolio/public_list.html",
        {
            "groups": [(y, sorted(units.items())) for y, units in groups.items()],
            "years": years,
            "units": Unit.objects.filter(projects__in=public_projects()).distinct().order_by("name"),
            "year": year,
            "unit": unit,
            "total": len(rows),
        },
    )


def public_detail(request, pk: int):
    project = (
        public_projects()
        .select_related("owner_unit")
        .prefetch_related(
            Prefetch("contracts", queryset=Contract.objects.select_related("signing_unit")),
            Prefetch(
                "documents",
                queryset=IssuedDocument.objects.filter(kind__in=PUBLIC_DOCUMENTS).select_related("issuer"),
            ),
        )
        .filter(pk=pk)
        .first()
    )
    if project is None:
        raise Http404("项目不存在或尚未公开")
    return render(request, "portfolio/public_detail.html", {"project": project})


@require_POST
@login_required
def rate_risk_view(request, pk: int):
    """PORT-03 from the project page: smart_office's rating 1–5 with its reason."""
    try:
        services.rate_risk(
            pk, actor=request.user, rating=request.POST.get("rating"), reason=request.POST.get("reason", "")
        )
    except NotFound:
        raise Http404("项目不存在或无权查看") from None
    except GovpmError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "风险评级已登记。")
    return redirect("web:project", pk=pk)


# A plan form's field names: module-<id>-start / module-<id>-end, milestone-<code>.
PLAN_FIELD = re.compile(r"module-([0-9]{1,12})-(start|end)")


@require_POST
@login_required
def set_plan_view(request, pk: int):
    """PORT-01 from the project page: the owner or smart_office dates the modules and milestones."""
    modules: dict[int, dict] = {}
    for name, value in request.POST.items():
        if match := PLAN_FIELD.fullmatch(name):
            row = modules.setdefault(int(match[1]), {"id": int(match[1])})
            row[f"planned_{match[2]}"] = value.strip() or None
    milestones = {
        code: (request.POST.get(f"milestone-{code}") or "").strip() or None
        for code in Milestone.values
        if f"milestone-{code}" in request.POST
    }
    try:
        services.set_plan(pk, actor=request.user, modules=list(modules.values()), milestones=milestones)
    except NotFound:
        raise Http404("项目不存在或无权查看") from None
    except GovpmError as exc:
        messages.error(request, f"计划未保存。{exc.message}")
    else:
        messages.success(request, "计划已保存，成本和进度偏差已按新计划重新计算。")
    return redirect(reverse("web:project", kwargs={"pk": pk}) + "#plan-actual")
