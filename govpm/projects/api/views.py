"""The REST API: parse, call one lifecycle function, render. No rule lives here."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from govpm.accounts.requests import SignedInRequest
from govpm.core.api import Pagination
from govpm.core.errors import NotFound
from govpm.core.schema import ERRORS

from .. import lifecycle, selectors
from ..models import Event
from ..rules.prescreen import Hit
from ..stages import ACTIONS
from . import inputs, outputs
from .schema import LIST_PARAMS


def detail_response(request: SignedInRequest, project_id: int, status: int = 200, **extra) -> Response:
    project = selectors.project_detail(request.user, project_id)
    body = {"project": outputs.ProjectDetail(project, context={"user": request.user}).data, **extra}
    return Response(body, status=status)


class ProjectList(APIView):
    @extend_schema(
        parameters=LIST_PARAMS,
        responses={200: outputs.ProjectListItem(many=True), **ERRORS},
        summary="项目列表（需求库）",
    )
    def get(self, request: SignedInRequest) -> Response:
        projects = selectors.project_list(request.user, request.query_params)
        paginator = Pagination()
        page = paginator.paginate_queryset(projects, request, view=self)
        return paginator.get_paginated_response(outputs.ProjectListItem(page, many=True).data)

    @extend_schema(
        request=inputs.CreateProject,
        responses={201: outputs.ProjectDetail, **ERRORS},
        summary="填报项目需求（草稿）",
    )
    def post(self, request: SignedInRequest) -> Response:
        data = inputs.parse(inputs.CreateProject, request.data)
        project = lifecycle.create_project(actor=request.user, **data)
        project_data = outputs.ProjectDetail(
            selectors.project_detail(request.user, project.pk), context={"user": request.user}
        ).data
        return Response(project_data, status=201)


class ProjectDetailView(APIView):
    @extend_schema(responses={200: outputs.ProjectDetail, **ERRORS}, summary="项目详情")
    def get(self, request: SignedInRequest, project_id: int) -> Response:
        project = selectors.project_detail(request.user, project_id)
        return Response(outputs.ProjectDetail(project, context={"user": request.user}).data)

    @extend_schema(
        request=inputs.UpdateDraft,
        responses={200: outputs.ProjectDetail, **ERRORS},
        summary="修改需求（草稿或退回修改）",
    )
    def patch(self, request: SignedInRequest, project_id: int) -> Response:
        data = inputs.parse(inputs.UpdateDraft, request.data)
        lifecycle.update_draft(project_id, actor=request.user, **data)
        project = selectors.project_detail(request.user, project_id)
        return Response(outputs.ProjectDetail(project, context={"user": request.user}).data)


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


class ProjectAction(APIView):
    @extend_schema(
        request=OpenApiTypes.OBJECT,
        parameters=[OpenApiParameter("action", str, OpenApiParameter.PATH, enum=sorted(ACTIONS))],
        responses={
            200: inline_serializer(
                "ActionResult",
                {"project": outputs.ProjectDetail(), "result": serializers.JSONField(allow_null=True)},
            ),
            **ERRORS,
        },
        summary="执行生命周期动作",
        description="请求体按动作而定，见 docs/lifecycle.md；每个动作调用 govpm.projects.lifecycle 中的同名函数。",
    )
    def post(self, request: SignedInRequest, project_id: int, action: str) -> Response:
        if action not in lifecycle.ACTION_FUNCTIONS:
            raise NotFound(f"没有名为 {action} 的动作", field="action")
        data = inputs.parse(inputs.ACTION_INPUTS[action], request.data)
        result = lifecycle.ACTION_FUNCTIONS[action](project_id, actor=request.user, **data)
        return detail_response(request, project_id, result=_result(result))


class ProjectEvents(APIView):
    @extend_schema(responses={200: outputs.EventOut(many=True), **ERRORS}, summary="操作记录（审计轨迹）")
    def get(self, request: SignedInRequest, project_id: int) -> Response:
        project = selectors.visible_projects(request.user).filter(pk=project_id).first()
        if project is None:
            raise NotFound("项目不存在或无权查看")
        events = Event.objects.filter(project=project).select_related("actor").order_by("id")
        paginator = Pagination()
        page = paginator.paginate_queryset(events, request, view=self)
        return paginator.get_paginated_response(outputs.EventOut(page, many=True).data)
