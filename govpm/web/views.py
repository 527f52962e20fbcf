"""The web UI's views: parse, check the role rule, call one lifecycle function or selector, render.

Nothing here decides a rule: every change goes through govpm.projects.lifecycle or
govpm.promotion.services (a test parses this file and fails on any model write), and every read
through the selectors and govpm.web.queries."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from govpm.accounts.codes import REGIONS
from govpm.core import access, clock
from govpm.core.errors import GovpmError, InvalidInput, NotFound
from govpm.core.http import content_disposition
from govpm.inventory import selectors as inventory
from govpm.materials import selectors as materials
from govpm.materials import services as material_services
from govpm.policy.catalog import JUDGEMENT_REJECTIONS, RULES, citation
from govpm.portfolio import variance as portfolio_variance
from govpm.projects import datadict, evaluations, lifecycle, selectors
from govpm.projects.api import inputs
from govpm.projects.facts import ARCHITECTURE_LAYERS
from govpm.projects.models import CATEGORY_LABELS, Level
from govpm.projects.stages import ACTIONS, Stage
from govpm.promotion import services as promotion
from govpm.promotion.performance import DRILLABLE, projects_behind, unit_performance
from govpm.targets.exchange import to_xlsx

from . import forms, policy_cases, presenters, queries, standing, workbench
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
    # Roles with nothing to do on projects land on the supervision overview instead of an empty list.
    if access.can(request.user, "landing.overview") and not request.GET:
        return redirect("web:overview")
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
            "standing_items": standing.unit_standing(request.user),  # REJ-09: the unit's bar
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
    units = queries.owner_units()
    context = {
        "page": _page(request, projects),
        "error": error,
        "ranking": ranking,
        "params": request.GET,
        "stages": Stage.choices,
        "levels": Level.choices,
        "categories": list(CATEGORY_LABELS.items()),
        "layers": list(ARCHITECTURE_LAYERS.items()),
        "units": units,
        "chips": presenters.filter_chips(request.GET, units),
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
            messages.success(
                request,
                _("需求已保存为草稿。下一步：由本单位核对后“预检”并“提交需求”，提交后由市大数据局审核。"),
            )
            return redirect("web:project", pk=project.pk)
    return render(
        request,
        "web/need_form.html",
        {"form": form, "project": None, "standing_items": standing.unit_standing(request.user)},
        status=400 if form.has_errors else 200,
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
            messages.success(request, _("需求已修改。下一步：由本单位“预检”后重新“提交需求”。"))
            return redirect("web:project", pk=project.pk)
    return render(
        request,
        "web/need_form.html",
        {"form": form, "project": project, "standing_items": standing.standing(project, request.user)},
        status=400 if form.has_errors else 200,
    )


def _project_page(request, project, failed: forms.Form | None = None, status: int = 200):
    # One query for the materials that the checklists, the MAT-01 preconditions and the forms' file
    # controls all read
    materials.prefetch(project)
    action_forms = [
        failed
        if failed and failed.action == spec.code
        else forms.action_form(spec.code, project, request.user)
        for spec in presenters.available_actions(project, request.user)
    ]
    extras = queries.project_extras(project)
    blocked = presenters.blocked_actions(project, request.user)
    context = {
        "project": project,
        "standing_items": standing.standing(
            project, request.user, events=extras["stage_events"], blocked=blocked
        ),
        "blocked_actions": blocked,
        "facts": presenters.fact_rows(project.facts),
        "material_checklists": materials.checklists(project),
        "timeline": presenters.timeline(project, extras["stage_events"]),
        "money": presenters.money_summary(project),
        "action_forms": action_forms,
        "failed": failed,
        "can_edit": project.stage in ACTIONS["update"].sources and access.can_act(request.user, "update"),
        **extras,
    }
    context |= policy_cases.project_context(project, request.user)  # DOC-01, COORD-08/10, PLAN-06/07
    context |= presenters.supervision(project, extras)  # IMPL-09, SUPV-06, IMPL-10
    if access.can_act(request.user, "record_funding"):  # PERF-02: 财政资金再投入的参考依据, for finance
        context |= past_evaluations(project)
    if project.stage in ACTIONS["leading_group_decide"].sources and access.can_act(
        request.user, "leading_group_decide"
    ):  # MAT-02: the leading group decides with the materials of the stage being judged before it
        context["decision_materials"] = materials.stage_materials(project, "leading_group")
    if access.can(request.user, "portfolio.read"):  # PORT-01..03: plan against actual, variance, risk
        variance = portfolio_variance.project_variance(project)
        context |= {
            "variance": variance,
            "gantt": portfolio_variance.gantt(variance),
            "plan_form": portfolio_variance.plan_form(project, variance),
        }
    return render(request, "web/project.html", context, status=status)


@role_required("project")
def project_view(request, pk):
    return _project_page(request, _project(request, pk))


@role_required("project")
def project_history_view(request, pk):
    """Every event of the project (the page shows the latest), newest first, by action and by who acted."""
    project = selectors.visible_projects(request.user).select_related("owner_unit").filter(pk=pk).first()
    if project is None:
        raise Http404(_("项目不存在或无权查看"))
    error, status = None, 200
    try:
        events = queries.project_history(project, request.GET)
    except InvalidInput as exc:
        error, status = presenters.error_view(exc), 400
        events = queries.project_history(project, {})
    page = _page(request, events)
    context = {
        "project": project,
        "page": page,
        "rows": [(event, presenters.changed_fields(event)) for event in page.object_list],
        "actions": queries.history_actions(project),
        "params": request.GET,
        "error": error,
    }
    return render(request, "web/project_history.html", context, status=status)


@require_POST
@role_required("action")
def project_action(request, pk, action):
    spec = ACTIONS.get(action)
    if spec is None or action in presenters.SEPARATE_PAGES or not access.can_act(request.user, action):
        raise PermissionDenied(_("当前角色不能进行此操作"))
    project = _project(request, pk)
    form = forms.action_form(action, project, request.user, request.POST)
    try:
        data = inputs.parse(inputs.ACTION_INPUTS[action], form.payload())
        # MAT-02: the files chosen in the form are stored with the action, all or nothing
        result = material_services.act_with_materials(
            project.pk,
            actor=request.user,
            uploads=form.material_uploads(request.FILES, request),
            act=lambda: lifecycle.ACTION_FUNCTIONS[action](project.pk, actor=request.user, **data),
            field_prefix=forms.MATERIAL_PREFIX,
        )
    except NotFound:
        raise Http404(_("项目不存在或无权查看")) from None
    except GovpmError as error:
        form.fail(error)
        if _htmx(request):
            return render(request, "web/_action_form.html", {"form": form, "project": project, "spec": spec})
        return _project_page(request, _project(request, pk), failed=form, status=error.status)
    standing.announce(request, spec, result, project)
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
        if spec.code
        in {
            "draw_experts",
            "record_opinion",
            "remind_reviewers",
            "issue_consultation",
            "record_estimate_review",
        }
    ]
    return render(
        request,
        "web/joint_review.html",
        {
            "project": project,
            **policy_cases.estimate_context(project, request.user),  # COORD-08
            "stage_materials": materials.stage_materials(project, "joint_review"),
            **queries.joint_review(project),
            "action_forms": opinion_forms,
            "blocked_actions": [
                blocked
                for blocked in presenters.blocked_actions(project, request.user)
                if blocked.spec.code in {"draw_experts", "remind_reviewers", "issue_consultation"}
            ],
        },
    )


def past_evaluations(project) -> dict:
    """PERF-02: the owner unit's earlier post-evaluation results, each marked low or not."""
    found = [
        {"evaluation": evaluation, "low": evaluations.is_low(evaluation)}
        for evaluation in evaluations.unit_evaluations(project.owner_unit_id, exclude_project=project.pk)
    ]
    return {"past_evaluations": found, "perf02_citation": citation("PERF-02")}


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
            "stage_materials": materials.stage_materials(project, "needs_review"),
            "findings": findings,
            "checklist": [RULES[code] for code in JUDGEMENT_REJECTIONS],
            "action_forms": review_forms,
            "duplicates": inventory.duplicate_evidence(project),  # INV-03, REJ-07
            "resources": inventory.resources_for(project),  # INV-04, REJ-08
            **past_evaluations(project),  # PERF-02
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


@role_required("experts")
def experts_view(request):
    """专家库 (COORD-07): the library smart_office keeps (entries are added in the admin or by
    `lifecycle.add_expert`) and the draws made from it, each replayable from its record."""
    return render(
        request,
        "web/experts.html",
        {"experts": queries.expert_library(), "draws": queries.recent_draws()},
    )


@role_required("overview")
def overview_view(request):
    """监督总览: what supervisors look at first — open and overdue work, investment that went on,
    rejections, barred units — each figure linking to its list."""
    return render(request, "web/overview.html", queries.overview(request.user))


@role_required("dashboard")
def dashboard_view(request):
    data = queries.dashboard(request.user)
    charts = presenters.dashboard_charts(data)
    return render(
        request,
        "web/dashboard.html",
        {"chart_list": charts, "pool_url": reverse("web:pool"), "as_of": data["as_of"]},
    )


# --- 推广与考核: publicity cadence, showcases, cases (四) and units' performance (五, ORG-03) ----------

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PROMOTION_RECORDS = {
    "publicity": promotion.record_publicity,
    "showcase": promotion.record_showcase,
    "case": promotion.record_case,
}
PROMOTION_DONE = {
    "publicity": gettext_lazy("主题宣传已登记。"),
    "showcase": gettext_lazy("推介专场已登记。"),
    "case": gettext_lazy("典型案例推介已登记。"),
}
# After recording, the page returns to the year of what was recorded.
PROMOTION_YEAR = {
    "publicity": lambda item: item.year,
    "showcase": lambda item: item.held_on.year,
    "case": lambda item: item.presented_on.year,
}


def _promotion_year(request) -> int:
    """The `year` query parameter, read as the promotion API reads it; this year when absent."""
    return promotion.parse_year(request.GET.get("year"), today=clock.today())


def _promotion_page(request, failed: forms.Form | None = None, status: int = 200):
    today, error = clock.today(), None
    try:
        year = _promotion_year(request)
    except InvalidInput as exc:
        year, error, status = today.year, presenters.error_view(exc), 400
    record_forms = {
        kind: failed
        if failed and failed.action == kind
        else forms.promotion_form(kind, year, initial=request.GET if kind == "publicity" else None)
        for kind in forms.PROMOTION_RECORDERS
        if access.can(request.user, f"promotion.record_{kind}") or (failed and failed.action == kind)
    }
    cadence = promotion.cadence(year, today=today)
    records = queries.promotion_records(year)
    return render(
        request,
        "web/promotion.html",
        {
            "year": year,
            "years": range(2020, today.year + 2),
            "error": error,
            "cadence": cadence,
            "missing_total": sum(len(periods) for periods in cadence.missing.values()),
            "grid": presenters.publicity_grid(cadence, records["publicity"]),
            "showcases": records["showcases"],
            "cases": records["cases"],
            "columns": presenters.PERFORMANCE_COLUMNS,
            "drillable": DRILLABLE,
            "units": unit_performance(year),
            "record_forms": record_forms,
            "can_record_publicity": access.can(request.user, "promotion.record_publicity"),
            "citations": {code: citation(code) for code in ["PROMO-02", "PROMO-03", "ORG-03"]},
        },
        status=status,
    )


@role_required("promotion")
def promotion_view(request):
    return _promotion_page(request)


@require_POST
@role_required("promotion")
def promotion_record(request, kind):
    """Record one publicity item, showcase or case through govpm.promotion.services, which checks the role."""
    if kind not in PROMOTION_RECORDS:
        raise Http404(_("没有这种推广记录"))
    form = forms.promotion_form(kind, clock.today().year, request.POST)
    try:
        data = inputs.parse(forms.PROMOTION_INPUTS[kind], form.payload())
        item = PROMOTION_RECORDS[kind](actor=request.user, **data)
    except GovpmError as error:
        form.fail(error)
        return _promotion_page(request, failed=form, status=error.status)
    messages.success(request, PROMOTION_DONE[kind])
    return redirect(f"{reverse('web:promotion')}?year={PROMOTION_YEAR[kind](item)}")


@role_required("promotion")
def promotion_unit_projects(request, unit_id, column):
    """ORG-05: the projects behind one number of the year's 综合考核 table (a unit, a column)."""
    columns = dict(presenters.PERFORMANCE_COLUMNS)
    if column not in DRILLABLE:
        raise Http404(_("没有这一栏"))
    try:
        year = _promotion_year(request)
    except InvalidInput as exc:
        return HttpResponse(exc.message, status=400, content_type="text/plain; charset=utf-8")
    unit = queries.unit(unit_id)
    if unit is None:
        raise Http404(_("单位不存在"))
    visible = set(selectors.visible_projects(request.user).values_list("pk", flat=True))
    rows = [row for row in projects_behind(year, unit.pk, column) if row.project.pk in visible]
    return render(
        request,
        "web/promotion_unit_projects.html",
        {
            "year": year,
            "unit": unit,
            "column_label": columns[column],
            "rows": rows,
            "citation": citation("ORG-05"),
        },
    )


@role_required("promotion")
def promotion_units_xlsx(request):
    """ORG-03: the year's table of units' performance, as the page shows it, for the assessors."""
    try:
        year = _promotion_year(request)
    except InvalidInput as exc:
        return HttpResponse(exc.message, status=400, content_type="text/plain; charset=utf-8")
    headers = [label for _key, label in presenters.PERFORMANCE_COLUMNS]
    content = to_xlsx(headers, presenters.performance_rows(unit_performance(year)), f"{year}年各单位工作情况")
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = content_disposition(f"{year}年各单位数字化项目工作情况.xlsx")
    return response


# --- 数据字典 from an XLSX (IMPL-04): the template, and an upload that submits it ---------------------


@role_required("project")
def datadict_template(request):
    response = HttpResponse(datadict.template_xlsx(), content_type=XLSX)
    response["Content-Disposition"] = content_disposition("数据字典模板.xlsx")
    return response


@require_POST
@role_required("action")
def datadict_upload(request, pk):
    """The table's rows from an uploaded XLSX, then the same lifecycle action as the form."""
    if not access.can_act(request.user, "submit_data_dictionary"):
        raise PermissionDenied(_("当前角色不能进行此操作"))
    project = _project(request, pk)
    target = reverse("web:project", kwargs={"pk": project.pk}) + "#action-submit_data_dictionary"
    upload = request.FILES.get("dictionary_file")
    try:
        if upload is None:
            raise InvalidInput("数据字典文件：请选择按模板填写的 XLSX 文件", field="file")
        schema = datadict.schema_from_rows(datadict.rows_from_xlsx(upload), first_row=2)
        lifecycle.ACTION_FUNCTIONS["submit_data_dictionary"](
            project.pk, actor=request.user, descriptor=schema
        )
    except datadict.RowProblem as problem:
        messages.error(request, _("数据字典文件未提交：%(problem)s") % {"problem": problem})
        return redirect(target)
    except NotFound:
        raise Http404(_("项目不存在或无权查看")) from None
    except GovpmError as error:
        messages.error(request, _("数据字典文件未提交：%(message)s") % {"message": error.message})
        return redirect(target)
    messages.success(request, _("数据字典已提交（%(n)d 个字段）。") % {"n": len(schema["fields"])})
    return redirect("web:project", pk=project.pk)
