"""The REST API: parse, call one lifecycle function, render. No rule lives here."""

from __future__ import annotations

from django.http import HttpResponse
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from govpm.accounts.requests import SignedInRequest
from govpm.core.api import Pagination
from govpm.core.errors import NotFound
from govpm.core.schema import ERRORS

from .. import lifecycle, readmodel, selectors
from ..models import Event
from ..rules.prescreen import Hit
from ..stages import ACTIONS
from . import choices, inputs, outputs
from .schema import LIST_PARAMS


def json_response(text: str, status: int = 200) -> HttpResponse:
    """JSON text already written (the read model's), sent as it is: no serializer, no re-encoding."""
    return HttpResponse(text, status=status, content_type="application/json")


def detail_response(
    request: SignedInRequest,
    project_id: int,
    status: int = 200,
    settled: readmodel.Settled | None = None,
    **extra,
) -> HttpResponse:
    """`{"project": <detail>, **extra}` with the detail from the read model (ADR 0402); `settled`, what the
    reader's action just left, answers without reading the snapshot again."""
    project = selectors.project_detail_json(request.user, project_id, settled)
    members = {key: readmodel.dumps(value) for key, value in extra.items()}
    return json_response(readmodel.json_object({"project": project, **members}), status)


class ProjectList(APIView):
    pagination_class = Pagination  # so the document describes the page, as it is sent

    @extend_schema(
        operation_id="projects_list",
        parameters=LIST_PARAMS,
        responses={200: outputs.ProjectListItem(many=True), **ERRORS},
        summary="项目列表（需求库）",
    )
    def get(self, request: SignedInRequest) -> HttpResponse:
        """The count and one page of list rows from the read model: one statement, no serializer."""
        projects = selectors.project_list(request.user, request.query_params)
        paginator = Pagination()
        page, rows = paginator.page_of(projects, request, readmodel.counted_rows)
        return json_response(
            readmodel.json_object(
                {
                    "count": str(page.paginator.count),
                    "next": readmodel.dumps(paginator.get_next_link()),
                    "previous": readmodel.dumps(paginator.get_previous_link()),
                    "results": rows or "[]",
                }
            )
        )

    @extend_schema(
        operation_id="projects_create",
        request=inputs.CreateProject,
        responses={201: outputs.ProjectDetail, **ERRORS},
        summary="填报项目需求（草稿）",
    )
    def post(self, request: SignedInRequest) -> HttpResponse:
        data = inputs.parse(inputs.CreateProject, request.data)
        project = lifecycle.create_project(actor=request.user, **data)
        return json_response(selectors.project_detail_json(request.user, project.pk), 201)


class ProjectDetailView(APIView):
    @extend_schema(
        operation_id="projects_retrieve", responses={200: outputs.ProjectDetail, **ERRORS}, summary="项目详情"
    )
    def get(self, request: SignedInRequest, project_id: int) -> HttpResponse:
        return json_response(selectors.project_detail_json(request.user, project_id))

    @extend_schema(
        operation_id="projects_partial_update",
        request=inputs.UpdateDraft,
        responses={200: outputs.ProjectDetail, **ERRORS},
        summary="修改需求（草稿或退回修改）",
    )
    def patch(self, request: SignedInRequest, project_id: int) -> HttpResponse:
        data = inputs.parse(inputs.UpdateDraft, request.data)
        lifecycle.update_draft(project_id, actor=request.user, **data)
        return json_response(selectors.project_detail_json(request.user, project_id))


def _result(value) -> dict | list | None:
    if isinstance(value, list):
        return [
            {"rule": hit.rule, "message": hit.message, "facts": hit.facts}
            for hit in value
            if isinstance(hit, Hit)
        ]
    if hasattr(value, "_meta") and value._meta.model_name != "project":
        return {"type": value._meta.model_name, "id": value.pk}
    return None


ACTION_RESULT = inline_serializer(
    "ActionResult",
    {
        "project": outputs.ProjectDetail(),
        "result": serializers.JSONField(
            allow_null=True, help_text="预审命中的规则列表，或动作新建的对象 {type, id}；其余为 null"
        ),
    },
)


class ProjectAction(APIView):
    """`POST /projects/{id}/actions/{action}/` for any action code; the document describes each code as
    its own operation (`action_view`), and this catch-all only answers 404 for names that are none."""

    @extend_schema(exclude=True)
    def post(self, request: SignedInRequest, project_id: int, action: str) -> HttpResponse:
        if action not in lifecycle.ACTION_FUNCTIONS:
            raise NotFound(f"没有名为 {action} 的动作", field="action")
        data = inputs.parse(inputs.ACTION_INPUTS[action], request.data)
        with readmodel.settled() as settled:
            result = lifecycle.ACTION_FUNCTIONS[action](project_id, actor=request.user, **data)
        return detail_response(request, project_id, settled=settled, result=_result(result))


def action_view(code: str):
    """The view of one action code, with its own request schema (a subclass of the action's input named
    for the action, so each action has its own component) and operation id `projects_action_<code>`."""
    spec = ACTIONS[code]
    body = type(
        "".join(part.title() for part in code.split("_")),
        (inputs.ACTION_INPUTS[code],),
        {"__module__": inputs.__name__, "__doc__": f"{spec.label}（{code}）的请求体"},
    )
    roles = "、".join(sorted(spec.roles))
    rules = "、".join(spec.rules)

    class View(ProjectAction):
        @extend_schema(
            operation_id=f"projects_action_{code}",
            request=body,
            responses={200: ACTION_RESULT, **ERRORS},
            summary=spec.label,
            description=f"调用 govpm.projects.lifecycle 中的 {code}；角色：{roles}"
            + (f"；依据：{rules}" if rules else "")
            + "。请求体中需选择的 id 见 choices 接口。",
            tags=["projects"],
        )
        def post(self, request: SignedInRequest, project_id: int, action: str = code) -> HttpResponse:
            return super().post(request, project_id, code)

    View.__name__ = View.__qualname__ = f"{body.__name__}Action"
    return View.as_view()


class ActionChoices(APIView):
    @extend_schema(
        operation_id="projects_action_choices",
        parameters=[OpenApiParameter("action", str, OpenApiParameter.PATH, enum=sorted(ACTIONS))],
        responses={
            200: inline_serializer(
                "ActionChoices",
                {
                    "choices": serializers.DictField(
                        child=serializers.ListField(
                            child=inline_serializer(
                                "Choice",
                                {"value": serializers.JSONField(), "label": serializers.CharField()},
                            )
                        ),
                        help_text="按请求体字段路径给出可选值，如 experts、tender_id、shares.region_code",
                    )
                },
            ),
            **ERRORS,
        },
        summary="动作请求体的可选值（专家、招标、合同、模块、可豁免的规则等）",
    )
    def get(self, request: SignedInRequest, project_id: int, action: str) -> Response:
        if action not in ACTIONS:
            raise NotFound(f"没有名为 {action} 的动作", field="action")
        project = selectors.project_detail(request.user, project_id)
        found = choices.action_choices(action, project, request.user)
        return Response(
            {
                "choices": {
                    path: [{"value": value, "label": label} for value, label in pairs]
                    for path, pairs in found.items()
                }
            }
        )


class ProjectEvents(APIView):
    pagination_class = Pagination

    @extend_schema(
        operation_id="projects_events_list",
        responses={200: outputs.EventOut(many=True), **ERRORS},
        summary="操作记录（审计轨迹）",
    )
    def get(self, request: SignedInRequest, project_id: int) -> Response:
        project = selectors.visible_projects(request.user).filter(pk=project_id).first()
        if project is None:
            raise NotFound("项目不存在或无权查看")
        events = Event.objects.filter(project=project).select_related("actor").order_by("id")
        paginator = Pagination()
        page = paginator.paginate_queryset(events, request, view=self)
        return paginator.get_paginated_response(outputs.EventOut(page, many=True).data)
