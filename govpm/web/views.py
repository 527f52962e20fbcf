"""The web UI's views: parse, check the role rule, call one lifecycle function or selector, render.

Nothing here decides a rule: every change goes through govpm.projects.lifecycle (a test parses this
file and fails on any model write), and every read through the selectors and govpm.web.queries."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from govpm.accounts.codes import REGIONS
from govpm.core.errors import GovpmError, InvalidInput, NotFound
from govpm.policy.catalog import JUDGEMENT_REJECTIONS, RULES
from govpm.projects import lifecycle, selectors
from govpm.projects.api import inputs
from govpm.projects.facts import ARCHITECTURE_LAYERS
from govpm.projects.models import CATEGORY_LABELS, Level
from govpm.projects.stages import ACTIONS, Stage

from . import forms, presenters, queries, workbench
from .permissions import role_required

PAGE_SIZE = 20


def _htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


def _page(request, rows, size: int = PAGE_SIZE):
    return Paginator(rows, size).get_page(request.GET.get("page"))


def _project(request, pk):
    try:
        return selectors.project_detail(request.user, pk)
    except NotFound:
        raise Http404(_("项目不存在或无权查看")) from None


@role_required("workbench")
def workbench_view(request):
    q, section = request.GET.get("q", "").strip(), request.GET.get("section", "")
    items = workbench.items(request.user, q=q, section=section if section in workbench.SECTIONS else "")
    return render(
        request,
        "web/workbench.html",
        {
            "page": _page(request, items),
            "total": len(items),
            "q": q,
            "section": section,
            "sections": workbench.SECTIONS,
            "overdue": sum(1 for item in items if item.deadline and item.deadline.overdue),
        },
    )


@role_required("pool")
def pool_view(request):
    error, status = None, 200
    try:
        projects = queries.project_list(request.user, request.GET)
    except InvalidInput as exc:
        error, status = presenters.error_view(exc), 400
        projects = selectors.visible_projects(request.user).none()
    ranking = request.GET.get("view") == "ranking"
    context = {
        "page": _page(request, projects),
        "error": error,
        "ranking": ranking,
        "params": request.GET,
        "stages": Stage.choices,
        "levels": Level.choices,
        "categories": list(CATEGORY_LABELS.items()),
        "layers": list(ARCHITECTURE_LAYERS.items()),
        "units": queries.owner_units(),
        "regions": sorted(REGIONS.items()),
        "orderings": [
            ("priority", "优先排序"),
            ("newest", "最新"),
            ("oldest", "最早"),
            ("name", "名称"),
            ("estimate", "估算金额"),
        ],
    }
    template = "web/_pool_results.html" if _htmx(request) else "web/pool.html"
    return render(request, template, context, status=status)


@role_required("project_new")
def project_new(request):
    form = forms.Form(forms.need_controls(), request.POST if request.method == "POST" else None)
    if request.method == "POST":
        try:
            data = inputs.parse(inputs.CreateProject, form.payload())
            project = lifecycle.create_project(actor=request.user, **data)
        except GovpmError as error:
            form.fail(error)
        else:
            messages.success(request, _("需求已保存为草稿。核对后请“预检”并“提交需求”。"))
            return redirect("web:project", pk=project.pk)
    return render(
        request, "web/need_form.html", {"form": form, "project": None}, status=400 if form.has_errors else 200
    )


@role_required("project_edit")
def project_edit(request, pk):
    project = _project(request, pk)
    form = forms.Form(forms.need_controls(project), request.POST if request.method == "POST" else None)
    if request.method == "POST":
        try:
            data = inputs.parse(inputs.ACTION_INPUTS["update"], form.payload())
            lifecycle.ACTION_FUNCTIONS["update"](project.pk, actor=request.user, **data)
        except GovpmError as error:
            form.fail(error)
        else:
            messages.success(request, _("需求已修改。"))
            return redirect("web:project", pk=project.pk)
    return render(
        request,
        "web/need_form.html",
        {"form": form, "project": project},
        status=400 if form.has_errors else 200,
    )


def _project_page(request, project, failed: forms.Form | None = None, status: int = 200):
    action_forms = [
        failed
        if failed and failed.action == spec.code
        else forms.action_form(spec.code, project, request.user)
        for spec in presenters.available_actions(project, request.user)
    ]
    extras = queries.project_extras(project)
    context = {
        "project": project,
        "facts": presenters.fact_rows(project.facts),
        "timeline": presenters.timeline(project, extras["events"]),
        "money": presenters.money_summary(project),
        "action_forms": action_forms,
        "failed": failed,
        "can_edit": "update"
        in {
            spec.code
            for spec in ACTIONS.values()
            if project.stage in spec.sources and request.user.role in spec.roles
        },
        **extras,
    }
    return render(request, "web/project.html", context, status=status)


@role_required("project")
def project_view(request, pk):
    return _project_page(request, _project(request, pk))


@require_POST
@role_required("action")
def project_action(request, pk, action):
    spec = ACTIONS.get(action)
    if spec is None or action in presenters.SEPARATE_PAGES or request.user.role not in spec.roles:
        raise PermissionDenied(_("当前角色不能进行此操作"))
    project = _project(request, pk)
    form = forms.action_form(action, project, request.user, request.POST)
    try:
        data = inputs.parse(inputs.ACTION_INPUTS[action], form.payload())
        result = lifecycle.ACTION_FUNCTIONS[action](project.pk, actor=request.user, **data)
    except NotFound:
        raise Http404(_("项目不存在或无权查看")) from None
    except GovpmError as error:
        form.fail(error)
        if _htmx(request):
            return render(request, "web/_action_form.html", {"form": form, "project": project, "spec": spec})
        return _project_page(request, _project(request, pk), failed=form, status=error.status)
    messages.success(request, presenters.done_message(spec, result))
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = reverse("web:project", kwargs={"pk": project.pk})
    if _htmx(request):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = target
        return response
    return redirect(target)


@role_required("joint_review")
def joint_review_view(request, pk):
    project = _project(request, pk)
    opinion_forms = [
        forms.action_form(spec.code, project, request.user)
        for spec in presenters.available_actions(project, request.user)
        if spec.code in {"record_opinion", "remind_reviewers", "issue_consultation"}
    ]
    return render(
        request,
        "web/joint_review.html",
        {
            "project": project,
            **queries.joint_review(project),
            "action_forms": opinion_forms,
        },
    )


@role_required("needs_review")
def needs_review_view(request, pk):
    project = _project(request, pk)
    review_forms = [
        forms.action_form(spec.code, project, request.user)
        for spec in presenters.available_actions(project, request.user)
        if spec.code in {"review_needs", "reopen"}
    ]
    findings = list(project.findings.all())
    return render(
        request,
        "web/needs_review.html",
        {
            "project": project,
            "facts": presenters.fact_rows(project.facts),
            "findings": findings,
            "checklist": [RULES[code] for code in JUDGEMENT_REJECTIONS],
            "action_forms": review_forms,
        },
    )


@role_required("zombies")
def zombies_view(request):
    return render(
        request,
        "web/zombies.html",
        {
            "page": _page(request, queries.zombie_registry(request.GET)),
            "barred": queries.barred_units(),
            "q": request.GET.get("q", ""),
            "status": request.GET.get("status", ""),
        },
    )


@role_required("dashboard")
def dashboard_view(request):
    charts = presenters.dashboard_charts(queries.dashboard(request.user))
    return render(request, "web/dashboard.html", {"chart_list": charts, "pool_url": reverse("web:pool")})
