"""API of the portfolio: plan (PORT-01), variance and risk (PORT-02, PORT-03), statistics (PORT-04)."""

from __future__ import annotations

from typing import cast

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from govpm.accounts.models import User
from govpm.core import access
from govpm.projects.api.inputs import parse
from govpm.projects.selectors import project_detail

from . import services, summary, variance


def _actor(request: Request) -> User:
    """Authentication has run: an anonymous request is refused by the capability check that follows."""
    return cast(User, request.user)


class ModulePlanIn(serializers.Serializer):
    id = serializers.IntegerField(label="模块")
    planned_start = serializers.DateField(label="计划开始", required=False, allow_null=True)
    planned_end = serializers.DateField(label="计划完成", required=False, allow_null=True)


class PlanIn(serializers.Serializer):
    modules = ModulePlanIn(many=True, required=False, label="模块")
    milestones = serializers.DictField(
        child=serializers.DateField(allow_null=True), required=False, label="里程碑"
    )


class RiskIn(serializers.Serializer):
    rating = serializers.CharField(label="风险等级")
    reason = serializers.CharField(label="理由", max_length=2000)


def variance_out(v: variance.Variance) -> dict:
    return {
        "baseline": v.baseline,
        "cost": v.cost,
        "cost_percent": v.cost_percent,
        "cost_rating": v.cost_rating,
        "planned_end": v.planned_end,
        "end": v.end,
        "end_is_forecast": v.end_is_forecast,
        "schedule_percent": v.schedule_percent,
        "schedule_rating": v.schedule_rating,
        "rating": v.rating,
        "risk": {"rating": v.risk.rating, "reason": v.risk.reason} if v.risk else None,
        "flagged": v.flagged,
        "gantt": variance.gantt(v),
    }


class Plan(APIView):
    @extend_schema(
        request=PlanIn, responses={200: OpenApiTypes.OBJECT}, summary="编制模块和里程碑计划（PORT-01）"
    )
    def put(self, request: Request, pk: int) -> Response:
        data = parse(PlanIn, request.data)
        services.set_plan(
            pk, actor=_actor(request), modules=data.get("modules", []), milestones=data.get("milestones", {})
        )
        return Response(variance_out(variance.project_variance(project_detail(_actor(request), pk))))


class Variance(APIView):
    @extend_schema(
        responses={200: OpenApiTypes.OBJECT}, summary="成本和进度偏差、风险评级（PORT-02、PORT-03）"
    )
    def get(self, request: Request, pk: int) -> Response:
        access.require(request.user, "portfolio.read", "无权查看项目偏差")
        return Response(variance_out(variance.project_variance(project_detail(_actor(request), pk))))


class Risk(APIView):
    @extend_schema(request=RiskIn, responses={201: OpenApiTypes.OBJECT}, summary="评定项目风险（PORT-03）")
    def post(self, request: Request, pk: int) -> Response:
        data = parse(RiskIn, request.data)
        rating = services.rate_risk(pk, actor=_actor(request), rating=data["rating"], reason=data["reason"])
        return Response({"id": rating.pk, "rating": rating.rating, "reason": rating.reason}, status=201)


class Statistics(APIView):
    @extend_schema(responses={200: OpenApiTypes.OBJECT}, summary="项目统计（PORT-04）")
    def get(self, request: Request) -> Response:
        access.require(request.user, "portfolio.read", "无权查看项目统计")
        return Response(summary.statistics_for(request.user, request.query_params))
