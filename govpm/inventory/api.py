"""API of the systems inventory (INV-01..04): thin views, each parsing, checking and calling one function."""

from __future__ import annotations

from typing import cast

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from govpm.accounts.models import User
from govpm.core import access
from govpm.core.errors import InvalidInput
from govpm.core.spreadsheets import check_upload_size
from govpm.projects.api.inputs import parse
from govpm.projects.selectors import project_detail

from . import selectors, services
from .models import System


def _actor(request: Request) -> User:
    """Authentication has run: an anonymous request is refused by the capability check that follows."""
    return cast(User, request.user)


def system_out(system: System) -> dict:
    return {
        "id": system.pk,
        "name": system.name,
        "summary": system.summary,
        "functions": system.function_list,
        "owner_unit": system.owner_unit.name,
        "owner_unit_id": system.owner_unit_id,
        "project_id": system.project_id,
        "on_city_cloud": system.on_city_cloud,
        "data_resources": system.resource_list,
        "status": system.status,
        "status_label": system.get_status_display(),
        "source": system.source,
        "built_on": system.built_on,
        "last_use": {
            "month": getattr(system, "last_month", None),
            "active_users": getattr(system, "last_users", None),
            "calls": getattr(system, "last_calls", None),
        },
    }


class SystemCollection(APIView):
    @extend_schema(responses={200: OpenApiTypes.OBJECT}, summary="信息系统目录（INV-01）")
    def get(self, request: Request) -> Response:
        access.require(request.user, "inventory.read", "无权查看信息系统目录")
        systems = selectors.system_list(request.user, request.query_params)
        return Response({"count": systems.count(), "results": [system_out(s) for s in systems[:500]]})


class SystemImport(APIView):
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(request=None, responses={201: OpenApiTypes.OBJECT}, summary="导入存量信息系统（整表导入）")
    def post(self, request: Request) -> Response:
        upload = request.FILES.get("file")
        if upload is None:
            raise InvalidInput("请上传 Excel 文件（字段名 file）", field="file")
        check_upload_size(upload.size, max_bytes=services.MAX_BYTES)  # 413 before reading it
        created = services.import_systems(upload.read(), actor=_actor(request))
        return Response({"created": [system.pk for system in created]}, status=201)


class UseImport(APIView):
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(request=None, responses={201: OpenApiTypes.OBJECT}, summary="导入系统使用情况（整表导入）")
    def post(self, request: Request) -> Response:
        upload = request.FILES.get("file")
        if upload is None:
            raise InvalidInput("请上传 Excel 文件（字段名 file）", field="file")
        check_upload_size(upload.size, max_bytes=services.MAX_BYTES)  # 413 before reading it
        created = services.import_use_reports(upload.read(), actor=_actor(request))
        return Response({"created": [report.pk for report in created]}, status=201)


class UseIn(serializers.Serializer):
    month = serializers.DateField(label="月份")
    active_users = serializers.IntegerField(
        label="月活跃用户数", required=False, allow_null=True, min_value=0
    )
    calls = serializers.IntegerField(label="月调用次数", required=False, allow_null=True, min_value=0)


class UseReports(APIView):
    @extend_schema(request=UseIn, responses={201: OpenApiTypes.OBJECT}, summary="填报系统使用情况（INV-02）")
    def post(self, request: Request, pk: int) -> Response:
        data = parse(UseIn, request.data)
        report = services.record_use(
            pk,
            actor=_actor(request),
            month=data["month"],
            active_users=data.get("active_users"),
            calls=data.get("calls"),
        )
        return Response({"id": report.pk, "month": report.month}, status=201)


class ReasonIn(serializers.Serializer):
    reason = serializers.CharField(label="检查情况", max_length=2000)


class ListZombie(APIView):
    @extend_schema(request=ReasonIn, responses={200: OpenApiTypes.OBJECT}, summary="列入僵尸系统（REJ-09）")
    def post(self, request: Request, pk: int) -> Response:
        data = parse(ReasonIn, request.data)
        system = services.list_zombie(pk, actor=_actor(request), reason=data["reason"])
        listing = system.zombie_listing
        assert listing is not None
        return Response({"id": system.pk, "status": system.status, "bar_ends_on": listing.bar_ends_on})


class ZombieCandidates(APIView):
    @extend_schema(responses={200: OpenApiTypes.OBJECT}, summary="僵尸系统候选（INV-02）")
    def get(self, request: Request) -> Response:
        access.require(request.user, "project.action.list_zombie", "只有市大数据局可以查看僵尸系统候选")
        days = request.query_params.get("days")
        if days is not None and (not days.isdigit() or int(days) < 30):
            raise InvalidInput("无使用报告天数：应为不小于30的整数", field="days")
        found = selectors.zombie_candidates(days=int(days) if days else None)
        return Response(
            [
                {
                    "system": system_out(c.system),
                    "last_month": c.last_month,
                    "idle_days": c.idle_days,
                    "evidence": c.evidence,
                }
                for c in found
            ]
        )


class DuplicateEvidence(APIView):
    @extend_schema(responses={200: OpenApiTypes.OBJECT}, summary="重复建设比对（INV-03，REJ-07）")
    def get(self, request: Request, pk: int) -> Response:
        access.require(request.user, "page.needs_review", "无权查看需求审核材料")
        project = project_detail(_actor(request), pk)
        evidence = selectors.duplicate_evidence(project)
        return Response(
            {
                "threshold": evidence["threshold"],
                "similar": [
                    {
                        "kind": s.kind,
                        "id": s.pk,
                        "name": s.name,
                        "unit": s.unit,
                        "detail": s.detail,
                        "score": s.score,
                        "terms": s.terms,
                        "likely_duplicate": s.likely_duplicate,
                    }
                    for s in evidence["similar"]
                ],
                "upgrades": [
                    {"id": p.pk, "name": p.name, "build_type": p.build_type, "created_at": p.created_at}
                    for p in evidence["upgrades"]
                ],
                "data_resources": [
                    {
                        "system": r.system,
                        "unit": r.unit,
                        "resource": r.resource,
                        "score": score,
                        "terms": terms,
                    }
                    for r, score, terms in selectors.resources_for(project)
                ],
            }
        )


class Catalogue(APIView):
    @extend_schema(responses={200: OpenApiTypes.OBJECT}, summary="共享数据资源目录（INV-04）")
    def get(self, request: Request) -> Response:
        access.require(request.user, "inventory.read", "无权查看数据资源目录")
        rows = selectors.search_catalogue(request.query_params)
        return Response([row.__dict__ for row in rows[:1000]])
