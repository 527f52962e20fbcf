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
from urllib.parse import urlencode

from django.db import transaction
from django.http import HttpResponse, JsonResponse
from django.urls import path
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST
from rest_framework.exceptions import AuthenticationFailed

from govpm.accounts.models import User
from govpm.core import access
from govpm.core.auth import TokenAuthentication
from govpm.core.counting import count_of
from govpm.notices import outbox
from govpm.notices.rules import Change
from govpm.projects import readmodel, selectors
from govpm.projects.lifecycle.base import _values, write_event
from govpm.projects.lifecycle.locks import lock_projects
from govpm.projects.models import Inspection
from govpm.projects.stages import ACTIONS

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


def _visible(user: User):
    # The one visibility rule (an earlier copy here had drifted: it showed experts every project).
    return selectors.visible_projects(user)


def _project_text(user: User, project_id: int) -> str | None:
    """What selectors.project_detail_json does: the visibility rule and the snapshot in one statement, the
    reader's actions appended to the stored text. (Every bench project has its snapshot: seed.py builds
    them, so the read-side rebuild never runs here.)"""
    found = (
        _visible(user)
        .filter(pk=project_id)
        .values_list("stage", "snapshot__body", "snapshot__fresh_until")
        .first()
    )
    if found is None:
        return None
    stage, body, _ = found
    return readmodel.with_actions(body, stage, user)


def _json(text: str, status: int = 200) -> HttpResponse:
    return HttpResponse(text, status=status, content_type="application/json")


@require_GET
def bare_project_detail(request, project_id: int) -> HttpResponse:
    user = _token_user(request)
    if user is None:
        return _error(401, "not_authenticated", "未登录或令牌无效")
    text = _project_text(user, project_id)
    if text is None:
        return _error(404, "not_found", "项目不存在或无权查看")
    return _json(text)


@require_GET
def bare_project_list(request) -> HttpResponse:
    """The stage filter and priority ranking of selectors.project_list, one page of stored list rows, with
    its count."""
    user = _token_user(request)
    if user is None:
        return _error(401, "not_authenticated", "未登录或令牌无效")
    projects = _visible(user).select_related("owner_unit").defer("facts", "summary")
    if stage := request.GET.get("stage"):
        projects = projects.filter(stage__in=stage.split(","))
    projects = projects.order_by(*selectors.ORDERINGS["priority"])
    page = int(request.GET.get("page", "1"))
    # The count as a subquery of the page's statement, as readmodel.counted_rows reads it (the bench's pages
    # are never empty, so the count is never read on its own here)
    found = list(
        projects.annotate(total=count_of(projects))[(page - 1) * PAGE_SIZE : page * PAGE_SIZE].values_list(
            "pk", "snapshot__row", "total"
        )
    )
    count = found[0][2] if found else 0

    def link(number: int) -> str | None:
        if number < 1 or (number - 1) * PAGE_SIZE >= count:
            return None
        query = request.GET.copy()
        if number == 1:
            query.pop("page", None)
        else:
            query["page"] = number
        return request.build_absolute_uri(f"{request.path}?{urlencode(sorted(query.items()))}")

    members = {
        "count": str(count),
        "next": readmodel.dumps(link(page + 1)),
        "previous": readmodel.dumps(link(page - 1)),
        "results": "[" + ",".join(row for _, row, _ in found) + "]",
    }
    return _json(readmodel.json_object(members))


@csrf_exempt
@require_POST
def bare_record_inspection(request, project_id: int) -> HttpResponse:
    """lifecycle.record_inspection's database work, written out: lock, insert, the notices and the audit
    event (the same functions), then the detail from the read model. (Nothing the detail shows changes,
    so, as in the action, no snapshot is rebuilt, and the one the lock read along is the answer.)"""
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
        # The row lock lifecycle.base.lock_project takes, with the same query.
        project = lock_projects([project_id]).get(project_id)
        if project is None:
            return _error(404, "not_found", "项目不存在或无权查看")
        if not access.can_act(user, "record_inspection") or project.stage not in spec.sources:
            return _error(409, "wrong_stage", "不能进行此操作")
        assert user.unit is not None  # record_inspection is bdb's or bizenv's, both units
        inspection = Inspection.objects.create(
            project=project,
            unit=user.unit,
            inspected_on=inspected_on,
            result=data["result"],
            findings=data["findings"].strip(),
        )
        payload = {
            "inspection_id": inspection.pk,
            "result": data["result"],
            "inspected_on": inspected_on.isoformat(),
            "joint": False,
            "participants": "",
        }
        stage = project.stage
        outbox.notify_change(Change(project, user, spec.code, spec.label, stage, stage, payload))
        write_event(
            project,
            actor=user,
            action=spec.code,
            from_stage=stage,
            payload=payload,
            snapshot=_values(project),
        )
    # As transition and the API's detail_response: nothing the detail shows was written, so the snapshot the
    # lock read along is the answer; only were it missing or past its day would it be read again.
    body = readmodel.body_read_along(project)
    if body is not None and selectors.sees(user, project):
        text: str | None = readmodel.with_actions(body, project.stage, user)
    else:
        text = _project_text(user, project_id)
    if text is None:  # as the API's detail_response: NotFound
        return _error(404, "not_found", "项目不存在或无权查看")
    result = readmodel.dumps({"type": "inspection", "id": inspection.pk})
    return _json(readmodel.json_object({"project": text, "result": result}))


urlpatterns = [
    path("bench/bare/projects/", bare_project_list),
    path("bench/bare/projects/<int:project_id>/", bare_project_detail),
    path("bench/bare/projects/<int:project_id>/actions/record_inspection/", bare_record_inspection),
    *floor_urlpatterns,
    *normal_urlpatterns,
]
