"""申报批次 and the 年度项目计划 in the REST API (PLAN-05): list, open, read, close, download."""

from __future__ import annotations

from django.http import HttpResponse
from django.urls import reverse
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from govpm.accounts.requests import SignedInRequest
from govpm.core.http import content_disposition
from govpm.core.schema import ERRORS
from govpm.projects.api.inputs import Strict, parse
from govpm.projects.models import Batch

from . import batches
from .api import BINARY, CONVERSION_FAILED


class OpenBatch(Strict):
    name = serializers.CharField(label="批次名称", max_length=100)
    closes_on = serializers.DateField(label="截止日期", help_text="YYYY-MM-DD，不早于今天")
    year = serializers.IntegerField(label="年度", required=False, min_value=2020, max_value=2100)


class CloseBatch(Strict):
    budget_year = serializers.IntegerField(label="预算年度", min_value=2020, max_value=2100)


def _batch_fields() -> dict:
    return {
        "id": serializers.IntegerField(),
        "name": serializers.CharField(),
        "year": serializers.IntegerField(),
        "closes_on": serializers.DateField(),
        "status": serializers.CharField(),
        "status_label": serializers.CharField(),
        "budget_year": serializers.IntegerField(allow_null=True),
        "summary_number": serializers.CharField(),
        "need_count": serializers.IntegerField(),
        "plan_count": serializers.IntegerField(),
    }


BatchOut = inline_serializer("Batch", _batch_fields())
BatchListOut = inline_serializer("BatchListItem", _batch_fields(), many=True)
BatchDetailOut = inline_serializer(
    "BatchDetail",
    {
        "batch": BatchOut,
        "needs": serializers.ListField(child=serializers.DictField()),
        "annual_plan": serializers.ListField(child=serializers.DictField()),
        "files": serializers.DictField(child=serializers.CharField()),
    },
)


def _batch(batch: Batch, need_count: int, plan_count: int) -> dict:
    return {
        "id": batch.pk,
        "name": batch.name,
        "year": batch.year,
        "closes_on": batch.closes_on,
        "status": batch.status,
        "status_label": batch.get_status_display(),
        "budget_year": batch.budget_year,
        "summary_number": batch.summary_number,
        "need_count": need_count,
        "plan_count": plan_count,
    }


def _detail(batch_id, request: SignedInRequest) -> dict:
    detail = batches.batch_detail(batch_id, actor=request.user)
    batch = detail["batch"]
    files = {
        name: reverse("api-batch-file", kwargs={"pk": batch.pk, "name": name})
        for name, (kind, *_rest) in batches.DOWNLOADS.items()
        if kind in detail["files"]
    }
    if "summary.docx" in files:
        files["summary.pdf"] = reverse("api-batch-file", kwargs={"pk": batch.pk, "name": "summary.pdf"})
    return {
        "batch": _batch(batch, len(detail["needs"]), len(detail["plan_items"])),
        "needs": [
            {
                "id": need.pk,
                "name": need.name,
                "owner_unit": need.owner_unit.name,
                "stage": need.stage,
                "requested_estimate": str(need.requested_estimate)
                if need.requested_estimate is not None
                else None,
            }
            for need in detail["needs"]
        ],
        "annual_plan": [
            {
                "position": item.position,
                "project_id": item.project_id,
                "name": item.project.name,
                "owner_unit": item.project.owner_unit.name,
                "requested_estimate": str(item.requested_estimate)
                if item.requested_estimate is not None
                else None,
                "budget_year": item.budget_year,
            }
            for item in detail["plan_items"]
        ],
        "files": files,
    }


class BatchList(APIView):
    @extend_schema(
        operation_id="batches_list", responses={200: BatchListOut, **ERRORS}, summary="申报批次列表"
    )
    def get(self, request: SignedInRequest) -> Response:
        rows = batches.batch_list(request.user)
        return Response([_batch(batch, batch.need_count, batch.plan_count) for batch in rows])

    @extend_schema(
        operation_id="batches_open",
        request=OpenBatch,
        responses={201: BatchDetailOut, **ERRORS},
        summary="开启申报批次（市智慧办，PLAN-05）",
    )
    def post(self, request: SignedInRequest) -> Response:
        batch = batches.open_batch(actor=request.user, **parse(OpenBatch, request.data))
        return Response(_detail(batch.pk, request), status=201)


class BatchDetail(APIView):
    @extend_schema(
        operation_id="batches_retrieve",
        responses={200: BatchDetailOut, **ERRORS},
        summary="申报批次详情与年度项目计划",
    )
    def get(self, request: SignedInRequest, pk: int) -> Response:
        return Response(_detail(pk, request))


class BatchClose(APIView):
    @extend_schema(
        operation_id="batches_close",
        request=CloseBatch,
        responses={200: BatchDetailOut, **ERRORS},
        summary="截止申报批次：印发需求汇总表，确定年度项目计划（市智慧办，PLAN-05）",
    )
    def post(self, request: SignedInRequest, pk: int) -> Response:
        batches.close_batch(pk, actor=request.user, **parse(CloseBatch, request.data))
        return Response(_detail(pk, request))


class BatchFileDownload(APIView):
    @extend_schema(
        operation_id="batches_file",
        responses={200: BINARY, **ERRORS, 503: CONVERSION_FAILED},
        summary="下载批次文件：summary.xlsx、summary.docx、summary.pdf、plan.xlsx",
    )
    def get(self, request: SignedInRequest, pk: int, name: str):
        data, filename, content_type = batches.download(pk, name, actor=request.user)
        response = HttpResponse(data, content_type=content_type)
        response["Content-Disposition"] = content_disposition(filename, inline=name.endswith(".pdf"))
        return response
