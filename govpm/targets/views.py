"""Web pages of the targets module: parse, check the role, call one service function, render."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from govpm.core import clock
from govpm.core.errors import GovpmError, InvalidInput
from govpm.core.http import content_disposition
from govpm.core.parsers import parse_year
from govpm.core.spreadsheets import ImportRefused, check_upload_size
from govpm.officialdoc.pdf import ConversionFailed

from . import charts, exchange, permissions, reports, scope, selectors, task_imports, tasks
from .assessment import assess_year, summary, target_flags
from .forms import (
    AssignForm,
    JudgementForm,
    ObservationForm,
    ProgressForm,
    TaskImportForm,
    UploadForm,
    attach,
)
from .models import Document, Indicator, Nature
from .observations import record_judgement, record_observation
from .responsibility import assign_unit

YEARS = range(2019, 2031)  # the documents' span: baselines (2019) to the 2030 targets
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def role_required(action: str):
    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not permissions.can(request.user, action):
                raise PermissionDenied(permissions.MESSAGES[action])
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def _year(request) -> int:
    raw = request.GET.get("year", "")
    if not raw:
        return selectors.latest_year_with_data(clock.today().year)
    try:
        return parse_year(raw)
    except InvalidInput:
        raise Http404("年度不正确") from None


def _document(request) -> Document | None:
    number = request.GET.get("document", "")
    return get_object_or_404(Document, number=number) if number else None


def _download(content: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition(filename)
    return response


@require_GET
@role_required("view")
def indicator_list(request):
    filters = {key: request.GET.get(key, "").strip() for key in ("document", "nature", "action_group", "q")}
    return render(
        request,
        "targets/indicator_list.html",
        {
            "indicators": selectors.indicators(user=request.user, **filters),
            "sees_all": scope.sees_all(request.user),
            "filters": filters,
            "documents": selectors.documents(),
            "natures": Nature.choices,
            "action_groups": selectors.action_groups(),
            "can_import": permissions.can(request.user, "import"),
        },
    )


@require_http_methods(["GET", "POST"])
@role_required("view")
def indicator_detail(request, pk: int):
    try:
        indicator = selectors.indicator_detail(pk, user=request.user)
    except Indicator.DoesNotExist:
        raise Http404("指标不存在") from None
    observation_form = ObservationForm(prefix="obs")
    judgement_form = JudgementForm(prefix="judge")
    assign_form = AssignForm(prefix="assign")
    if request.method == "POST":
        action = (
            "judge"
            if "judge-year" in request.POST
            else "assign"
            if "assign-unit" in request.POST
            else "enter"
        )
        if not permissions.can(request.user, action):
            raise PermissionDenied(permissions.MESSAGES[action])
        if action == "assign":
            assign_form = AssignForm(request.POST, prefix="assign")
            if assign_form.is_valid():
                try:
                    assign_unit(indicator.pk, actor=request.user, unit_id=assign_form.cleaned_data["unit"].pk)
                    return redirect("targets:indicator", pk=pk)
                except GovpmError as error:
                    attach(assign_form, error)
        elif action == "enter":
            observation_form = ObservationForm(request.POST, prefix="obs")
            if observation_form.is_valid():
                try:
                    record_observation(indicator.pk, actor=request.user, **observation_form.cleaned_data)
                    return redirect("targets:indicator", pk=pk)
                except GovpmError as error:
                    attach(observation_form, error)
        else:
            judgement_form = JudgementForm(request.POST, request.FILES, prefix="judge")
            if judgement_form.is_valid():
                try:
                    record_judgement(indicator.pk, actor=request.user, **judgement_form.cleaned_data)
                    return redirect("targets:indicator", pk=pk)
                except GovpmError as error:
                    attach(judgement_form, error)
    status = 400 if request.method == "POST" else 200
    targets = list(indicator.targets.all())
    observations = list(indicator.observations.all())
    return render(
        request,
        "targets/indicator_detail.html",
        {
            "indicator": indicator,
            "targets": targets,
            "flags": target_flags(indicator, targets),
            "chart": charts.indicator_path(indicator, targets, observations),
            "assign_form": assign_form,
            "can_assign": permissions.can(request.user, "assign"),
            "observations": observations,
            "judgements": list(indicator.judgements.all()),
            "observation_form": observation_form,
            "judgement_form": judgement_form,
            "can_enter": permissions.can(request.user, "enter"),
            "can_judge": permissions.can(request.user, "judge"),
        },
        status=status,
    )


@require_GET
@role_required("view")
def assessment(request):
    year, document = _year(request), _document(request)
    results = assess_year(year, document=document, user=request.user)
    return render(
        request,
        "targets/assessment.html",
        {
            "sees_all": scope.sees_all(request.user),
            "years": YEARS,
            "year": year,
            "document": document,
            "results": results,
            "summary": summary(results),
            "documents": selectors.documents(),
        },
    )


@require_GET
@role_required("view_all")
def assessment_xlsx(request):
    year, document = _year(request), _document(request)
    suffix = f"-{document.number}" if document else ""
    return _download(
        reports.assessment_workbook(year, document=document), f"{year}年度目标评估{suffix}.xlsx", XLSX
    )


def _report_document(request) -> Document:
    document = _document(request)
    if document is None:
        raise Http404("评估报告按文件分别生成：请选择文号")
    return document


@require_GET
@role_required("view_all")
def assessment_docx(request):
    """TGT-06: one document's yearly report as a GB/T 9704 DOCX (same rule as the XLSX: view)."""
    year, document = _year(request), _report_document(request)
    report = reports.assessment_docx(year, document)
    return _download(report.data, report.filename, report.content_type)


@require_GET
@role_required("view_all")
def assessment_pdf(request):
    """TGT-06: the same report as PDF, converted from the DOCX (cached by its content hash)."""
    year, document = _year(request), _report_document(request)
    try:
        report = reports.assessment_pdf(year, document)
    except ConversionFailed as error:
        return HttpResponse(error.message, status=error.status, content_type="text/plain; charset=utf-8")
    return _download(report.data, report.filename, report.content_type)


@require_GET
def public_results(request):
    """考核结果向社会公开: no login, read only, no names of who entered what."""
    year = _year(request)
    results = assess_year(year)
    return render(
        request,
        "targets/public.html",
        {"year": year, "years": YEARS, "results": results, "summary": summary(results)},
    )


@require_http_methods(["GET", "POST"])
@role_required("view")
def task_detail(request, pk: int):
    task = get_object_or_404(scope.tasks_for(request.user).select_related("document"), pk=pk)
    year = _year(request)
    form = ProgressForm(initial={"year": year})
    if request.method == "POST":
        if not permissions.can(request.user, "enter"):
            raise PermissionDenied(permissions.MESSAGES["enter"])
        form = ProgressForm(request.POST)
        if form.is_valid():
            try:
                tasks.record_progress(task.pk, actor=request.user, **form.cleaned_data)
                return redirect(f"{request.path}?year={form.cleaned_data['year']}")
            except GovpmError as error:
                attach(form, error)
    task = selectors.task_with_progress(pk, user=request.user)
    shares = list(task.shares.all())
    progress = tasks.progress(task, year, shares=shares, records=task.current_progress)
    return render(
        request,
        "targets/task_detail.html",
        {
            "task": task,
            "year": year,
            "form": form,
            "years": YEARS,
            "progress": progress,
            "ranking_chart": charts.ranking(progress),
            "completion_chart": charts.completion_by_year(task, shares),
            "mismatches": tasks.check_decomposition(task, shares),
            "can_enter": permissions.can(request.user, "enter"),
            "can_import": permissions.can(request.user, "import"),
        },
        status=400 if request.method == "POST" else 200,
    )


@require_GET
@role_required("view")
def export(request, kind: str, fmt: str):
    document = request.GET.get("document", "")
    if fmt not in ("csv", "xlsx"):
        raise Http404("导出格式须为 csv 或 xlsx")
    if kind == "indicators":
        headers, rows = exchange.indicator_table(selectors.indicators(user=request.user, document=document))
        name = "指标表"
    elif kind == "observations":
        headers, rows = exchange.observation_table(
            selectors.observations_for_export(user=request.user, document=document)
        )
        name = "观测值"
    else:
        raise Http404("未知的导出内容")
    if fmt == "csv":
        return _download(exchange.to_csv(headers, rows), f"{name}.csv", "text/csv; charset=utf-8")
    return _download(exchange.to_xlsx(headers, rows, name), f"{name}.xlsx", XLSX)


@require_http_methods(["GET", "POST"])
@role_required("import")
def upload(request):
    form = UploadForm()
    result = None
    if request.method == "POST":
        form = UploadForm(request.POST, request.FILES)
        if form.is_valid():
            file = form.cleaned_data["file"]
            service = (
                exchange.import_indicators
                if form.cleaned_data["kind"] == "indicators"
                else exchange.import_observations
            )
            try:
                check_upload_size(file.size, max_bytes=exchange.MAX_BYTES)  # before reading it
                # Not a zip, a bomb, too many rows: refused by govpm.core.spreadsheets before parsing.
                result = service(file.name, file.read(), actor=request.user)
            except GovpmError as error:
                attach(form, error)
    status = 400 if request.method == "POST" and (not form.is_valid() or (result and not result.ok)) else 200
    return render(request, "targets/upload.html", {"form": form, "result": result}, status=status)


@require_GET
@role_required("view")
def task_list(request):
    return render(request, "targets/task_list.html", {"tasks": selectors.tasks(user=request.user)})


@require_GET
@role_required("import")
def task_import_template(request, pk: int, kind: str):
    """The template to fill in: the task's table as stored now, with its totals (TGT-10 item 5)."""
    task = get_object_or_404(scope.tasks_for(request.user), pk=pk)
    if kind not in task_imports.KINDS:
        raise Http404("没有这种模板")
    return _download(
        task_imports.template_xlsx(task, kind), f"{task.name}{task_imports.KINDS[kind]}模板.xlsx", XLSX
    )


@require_http_methods(["GET", "POST"])
@role_required("import")
def task_import(request, pk: int):
    """Upload a task's decomposition table or progress: sums checked, all or nothing."""
    task = get_object_or_404(scope.tasks_for(request.user).select_related("document"), pk=pk)
    form = TaskImportForm()
    result, refused = None, []
    if request.method == "POST":
        form = TaskImportForm(request.POST, request.FILES)
        if form.is_valid():
            file = form.cleaned_data["file"]
            try:
                check_upload_size(file.size, max_bytes=task_imports.MAX_BYTES)
                result = task_imports.import_xlsx(
                    task.pk,
                    form.cleaned_data["kind"],
                    file.read(),
                    actor=request.user,
                    source=form.cleaned_data["source"],
                )
            except ImportRefused as error:
                refused = error.errors
                form.add_error(None, error.message)
            except GovpmError as error:
                attach(form, error)
    status = 400 if request.method == "POST" and result is None else 200
    return render(
        request,
        "targets/task_import.html",
        {"task": task, "form": form, "result": result, "refused": refused, "kinds": task_imports.KINDS},
        status=status,
    )
