"""Endpoints outside the action table: a new need from a rejected one (DOC-01) and the top-level
designs (PLAN-06). Parse, call one service, render."""

from __future__ import annotations

from django.http import HttpResponse
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from govpm.accounts.requests import SignedInRequest
from govpm.core import access
from govpm.core.errors import Forbidden
from govpm.core.schema import ERRORS

from .. import lifecycle, selectors
from ..facts import ARCHITECTURE_LAYERS
from ..lifecycle.designs import create_design
from ..lifecycle.intake import copy_need
from . import inputs, outputs
from .views import json_response


class CopyNeed(APIView):
    @extend_schema(
        operation_id="projects_copy_need",
        request=None,
        responses={201: outputs.ProjectDetail, **ERRORS},
        summary="以此为基础新建需求（不予受理的需求，DOC-01）",
    )
    def post(self, request: SignedInRequest, project_id: int) -> HttpResponse:
        project = lifecycle.retry_once(copy_need)(project_id, actor=request.user)
        return json_response(selectors.project_detail_json(request.user, project.pk), 201)


class CreateDesign(inputs.Strict):
    title = serializers.CharField(label="设计名称", max_length=200)
    working_group = serializers.CharField(label="工作小组", max_length=2000, help_text="成员单位及人员")
    layers = serializers.ListField(
        label="“四横三纵”层级",
        child=serializers.ChoiceField(choices=list(ARCHITECTURE_LAYERS.items())),
        max_length=len(ARCHITECTURE_LAYERS),
        help_text="至少选择“四横”中的一层",
    )
    plan = serializers.CharField(label="实施计划", max_length=8000)
    tasks = serializers.ListField(
        label="工作任务", child=serializers.CharField(max_length=200), max_length=50, help_text="每行一项"
    )


class DesignTaskOut(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()


class DesignOut(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    working_group = serializers.CharField()
    layers = serializers.ListField(child=serializers.CharField())
    layer_labels = serializers.SerializerMethodField()
    plan = serializers.CharField()
    tasks = DesignTaskOut(many=True, source="tasks.all")
    created_at = serializers.DateTimeField()

    def get_layer_labels(self, design) -> list[str]:
        return [ARCHITECTURE_LAYERS[code] for code in design.layers if code in ARCHITECTURE_LAYERS]


class Designs(APIView):
    @extend_schema(
        operation_id="designs_list",
        responses={200: inline_serializer("DesignList", {"results": DesignOut(many=True)}), **ERRORS},
        summary="顶层设计（PLAN-06）",
    )
    def get(self, request: SignedInRequest) -> Response:
        if not access.can(request.user, "designs.read"):
            raise Forbidden("无权查看顶层设计")
        return Response({"results": DesignOut(selectors.designs()[:200], many=True).data})

    @extend_schema(
        operation_id="designs_create",
        request=CreateDesign,
        responses={201: DesignOut, **ERRORS},
        summary="登记顶层设计（市大数据局、市营商办）",
    )
    def post(self, request: SignedInRequest) -> Response:
        data = inputs.parse(CreateDesign, request.data)
        design = create_design(actor=request.user, **data)
        return Response(DesignOut(selectors.designs().get(pk=design.pk)).data, status=201)
