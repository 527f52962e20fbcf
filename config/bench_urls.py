"""The benchmark's URLconf: every normal route, plus the bare comparison views under /bench/bare/.

Only config.settings.bench mounts this module; config.urls never includes it, so the bare views are
unreachable in any deployment.

A bare view is a plain Django function returning JsonResponse: no DRF, no serializer, no lifecycle
wrapper. It issues the same SQL as the API endpoint it stands beside, in the same order and the same
transaction (scripts/bench/check.py asserts this, and that the JSON bodies are equal), so the ratio
API/bare measures what the framework layers cost, not a different amount of database work.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from urllib.parse import urlencode

from django.db import transaction
from django.db.models import Prefetch
from django.http import JsonResponse
from django.urls import path
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST
from rest_framework.exceptions import AuthenticationFailed

from govpm.accounts.models import User
from govpm.core import access
from govpm.core.auth import TokenAuthentication
from govpm.policy.catalog import RULES
from govpm.projects import selectors
from govpm.projects.models import Contract, Deadline, Event, Inspection, IssuedDocument, Project, ReviewTask
from govpm.projects.stages import ACTIONS, actions_for

from .bench_floors import urlpatterns as floor_urlpatterns
from .urls import urlpatterns as normal_urlpatterns

JSON = {"ensure_ascii": False, "separators": (",", ":")}  # as DRF's JSONRenderer writes it
PAGE_SIZE = 50


def _error(status: int, code: str, message: str) -> JsonResponse:
    body = {"error": {"code": code, "message": message, "rule": None, "citation": None, "field": None}}
    return JsonResponse(body, status=status, json_dumps_params=JSON)


def _token_user(request) -> User | None:
    """What govpm.core.auth.TokenAuthentication does: one query, the token joined to its user and unit."""
    keyword, _, key = request.headers.get("Authorization", "").partition(" ")
    if keyword != "Token" or not key:
        return None
    try:
        user, _ = TokenAuthentication().authenticate_credentials(key.encode())
    except AuthenticationFailed:
        return None
    return user


def _when(value: dt.datetime | None) -> str | None:
    if value is None:
        return None
    text = timezone.localtime(value).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def _day(value: dt.date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _money(value: Decimal | None) -> str | None:
    return f"{value:f}" if value is not None else None


def _visible(user: User):
    # The one visibility rule (an earlier copy here had drifted: it showed experts every project).
    return selectors.visible_projects(user)


def _list_item(project: Project) -> dict:
    unit = project.owner_unit
    return {
        "id": project.id,
        "name": project.name,
        "owner_unit": {"id": unit.id, "code": unit.code, "name": unit.name},
        "stage": project.stage,
        "stage_label": project.stage_label,
        "level": project.level,
        "category": project.category,
        "build_type": project.build_type,
        "priority_score": project.priority_score,
        "requested_estimate": _money(project.requested_estimate),
        "approved_estimate": _money(project.approved_estimate),
        "project_code": project.project_code,
        "is_overdue": project.is_overdue,
        "submitted_at": _when(project.submitted_at),
        "stage_changed_at": _when(project.stage_changed_at),
    }


def _detail(user: User, project_id: int) -> dict | None:
    project = (
        _visible(user)
        .select_related("owner_unit")
        .prefetch_related(
            "findings",
            Prefetch("deadlines", queryset=Deadline.objects.order_by("due_on")),
            Prefetch("review_tasks", queryset=ReviewTask.objects.select_related("unit", "expert")),
            Prefetch("documents", queryset=IssuedDocument.objects.select_related("issuer")),
            "modules",
            "tenders",
            Prefetch("contracts", queryset=Contract.objects.select_related("signing_unit")),
            "payments",
        )
        .filter(pk=project_id)
        .first()
    )
    if project is None:
        return None
    tenders, contracts = list(project.tenders.all()), list(project.contracts.all())
    zero = Decimal("0.00")
    return {
        **_list_item(project),
        "summary": project.summary,
        "facts": project.facts,
        "review_round": project.review_round,
        "approved_on": _day(project.approved_on),
        "final_accepted_on": _day(project.final_accepted_on),
        "findings": [
            {
                "rule": f.rule_code,
                "rule_version": f.rule_version,
                "citation": RULES[f.rule_code].citation,
                "outcome": f.outcome,
                "message": f.message,
                "reason": f.reason,
                "facts": f.facts,
                "created_at": _when(f.created_at),
                "overridden": f.overridden_by_id is not None,
                "override_reason": f.override_reason,
            }
            for f in project.findings.all()
        ],
        "deadlines": [
            {
                "code": d.code,
                "label": d.get_code_display(),
                "citation": RULES[d.code].citation,
                "kind": d.kind,
                "counting": d.counting,
                "starts_on": _day(d.starts_on),
                "due_on": _day(d.due_on),
                "overdue_after": _day(d.overdue_after),
                "done_on": _day(d.done_on),
                "status": d.status,
            }
            for d in project.deadlines.all()
        ],
        "open_tasks": [
            {
                "id": t.id,
                "round": t.round,
                "reviewer": t.reviewer_name,
                "unit_id": t.unit_id,
                "expert_id": t.expert_id,
                "opinion": t.opinion,
                "comment": t.comment,
                "answered_at": _when(t.answered_at),
            }
            for t in project.review_tasks.all()
            if t.round == project.review_round and not t.opinion
        ],
        "documents": [
            {
                "id": d.id,
                "kind": d.kind,
                "kind_label": d.get_kind_display(),
                "title": d.title,
                "number": d.number,
                "issuer": d.issuer.name,
                "issued_on": _day(d.issued_on),
                "amount": _money(d.amount),
                "sha256": d.sha256,
            }
            for d in project.documents.all()
        ],
        "modules": [
            {"id": m.id, "name": m.name, "accepted_on": _day(m.accepted_on)} for m in project.modules.all()
        ],
        "money": {
            "tender_ceilings": str(sum((t.ceiling for t in tenders), zero)),
            "contracts": str(sum((c.amount for c in contracts), zero)),
            "payments": str(sum((p.amount for p in project.payments.all()), zero)),
            "contracts_list": [
                {
                    "id": c.id,
                    "tender_id": c.tender_id,
                    "supplier": c.supplier,
                    "signing_unit": c.signing_unit.name,
                    "amount": str(c.amount),
                    "signed_on": c.signed_on.isoformat(),
                }
                for c in contracts
            ],
            "tenders_list": [{"id": t.id, "title": t.title, "ceiling": str(t.ceiling)} for t in tenders],
        },
        "available_actions": [spec.code for spec in actions_for(project.stage, user)],
    }


@require_GET
def bare_project_detail(request, project_id: int) -> JsonResponse:
    user = _token_user(request)
    if user is None:
        return _error(401, "not_authenticated", "未登录或令牌无效")
    body = _detail(user, project_id)
    if body is None:
        return _error(404, "not_found", "项目不存在或无权查看")
    return JsonResponse(body, json_dumps_params=JSON)


@require_GET
def bare_project_list(request) -> JsonResponse:
    """The stage filter and priority ranking of selectors.project_list, one page, with its count."""
    user = _token_user(request)
    if user is None:
        return _error(401, "not_authenticated", "未登录或令牌无效")
    projects = _visible(user).select_related("owner_unit").defer("facts", "summary")
    if stage := request.GET.get("stage"):
        projects = projects.filter(stage__in=stage.split(","))
    projects = projects.order_by("-priority_score", "id")
    page = int(request.GET.get("page", "1"))
    count = projects.count()
    top = min(page * PAGE_SIZE, count)  # as django.core.paginator slices the last page
    rows = [_list_item(project) for project in projects[(page - 1) * PAGE_SIZE : top]]

    def link(number: int) -> str | None:
        if number < 1 or (number - 1) * PAGE_SIZE >= count:
            return None
        query = request.GET.copy()
        if number == 1:
            query.pop("page", None)
        else:
            query["page"] = number
        return request.build_absolute_uri(f"{request.path}?{urlencode(sorted(query.items()))}")

    return JsonResponse(
        {"count": count, "next": link(page + 1), "previous": link(page - 1), "results": rows},
        json_dumps_params=JSON,
    )


@csrf_exempt
@require_POST
def bare_record_inspection(request, project_id: int) -> JsonResponse:
    """lifecycle.record_inspection's database work, written out: lock, insert, audit, then the detail."""
    user = _token_user(request)
    if user is None:
        return _error(401, "not_authenticated", "未登录或令牌无效")
    data = json.loads(request.body)
    inspected_on = dt.date.fromisoformat(data["inspected_on"])
    if data.get("result") not in Inspection.Result.values or not data.get("findings", "").strip():
        return _error(400, "invalid", "检查结论或检查情况不正确")
    if inspected_on > timezone.localdate():
        return _error(400, "invalid", "检查日期：不能晚于今天")
    spec = ACTIONS["record_inspection"]
    with transaction.atomic():
        try:
            # The row lock lifecycle.base.lock_project takes, with the same query.
            project = (
                Project.objects.select_for_update(of=("self",))
                .select_related("owner_unit")
                .get(pk=project_id)
            )
        except Project.DoesNotExist:
            return _error(404, "not_found", "项目不存在或无权查看")
        if not access.can_act(user, "record_inspection") or project.stage not in spec.sources:
            return _error(409, "wrong_stage", "不能进行此操作")
        inspection = Inspection.objects.create(
            project=project,
            unit=user.unit,
            inspected_on=inspected_on,
            result=data["result"],
            findings=data["findings"].strip(),
        )
        # Nothing on the project row changes, so (as lifecycle.base.write_event) no UPDATE.
        Event.objects.create(
            project=project,
            actor=user,
            actor_role=user.role,
            actor_unit=user.unit.name if user.unit_id else "",
            action="record_inspection",
            from_stage=project.stage,
            to_stage=project.stage,
            payload={
                "inspection_id": inspection.pk,
                "result": data["result"],
                "inspected_on": inspected_on.isoformat(),
            },
        )
    body = {"project": _detail(user, project_id), "result": {"type": "inspection", "id": inspection.pk}}
    return JsonResponse(body, json_dumps_params=JSON)


urlpatterns = [
    path("bench/bare/projects/", bare_project_list),
    path("bench/bare/projects/<int:project_id>/", bare_project_detail),
    path("bench/bare/projects/<int:project_id>/actions/record_inspection/", bare_record_inspection),
    *floor_urlpatterns,
    *normal_urlpatterns,
]
