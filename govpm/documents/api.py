"""Documents, exports and open data in the REST API (/api/v1/). Parse, call one function, render."""

from __future__ import annotations

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from govpm.core.errors import InvalidInput
from govpm.core.schema import ERROR, ERRORS
from govpm.core.spreadsheets import check_upload_size
from govpm.projects.api.schema import LIST_PARAMS

from . import needs_import, services, workbooks
from .views import send

BINARY = OpenApiResponse(OpenApiTypes.BINARY, "文件")
CONVERSION_FAILED = OpenApiResponse(ERROR, "服务器未能生成 PDF（未安装 LibreOffice 或转换失败），可下载 DOCX")
DocumentsOut = inline_serializer(
    "IssuedDocumentFile",
    {
        "id": serializers.IntegerField(),
        "kind": serializers.CharField(),
        "kind_label": serializers.CharField(),
        "title": serializers.CharField(),
        "number": serializers.CharField(),
        "issuer": serializers.CharField(),
        "issued_on": serializers.DateField(),
        "sha256": serializers.CharField(),
        "docx_url": serializers.CharField(),
        "pdf_url": serializers.CharField(),
    },
    many=True,
)


class ProjectDocuments(APIView):
    @extend_schema(
        operation_id="projects_documents_list",
        responses={200: DocumentsOut, **ERRORS},
        summary="项目的公文（含下载地址与 SHA-256）",
    )
    def get(self, request: Request, project_id: int) -> Response:
        _, documents = services.project_documents(project_id, actor=request.user)
        return Response(
            [
                {
                    "id": d.pk,
                    "kind": d.kind,
                    "kind_label": d.get_kind_display(),
                    "title": d.title,
                    "number": d.number,
                    "issuer": d.issuer.name,
                    "issued_on": d.issued_on,
                    "sha256": d.sha256,
                    "docx_url": reverse("api-document-docx", kwargs={"pk": d.pk}),
                    "pdf_url": reverse("api-document-pdf", kwargs={"pk": d.pk}),
                }
                for d in documents
            ]
        )


class DocumentDocx(APIView):
    @extend_schema(
        operation_id="documents_docx",
        responses={(200, services.DOCX): BINARY, **ERRORS},
        summary="下载公文 DOCX（与印发时的 SHA-256 一致）",
    )
    def get(self, request: Request, pk: int):
        return send(services.docx_download(pk, actor=request.user))


class DocumentPdf(APIView):
    @extend_schema(
        operation_id="documents_pdf",
        responses={(200, "application/pdf"): BINARY, **ERRORS, 503: CONVERSION_FAILED},
        summary="下载公文 PDF（由 DOCX 转换）",
    )
    def get(self, request: Request, pk: int):
        return send(services.pdf_download(pk, actor=request.user), inline=True)


class DocumentVerify(APIView):
    @extend_schema(
        responses={
            200: inline_serializer(
                "DocumentVerification",
                {
                    "id": serializers.IntegerField(),
                    "number": serializers.CharField(),
                    "sha256": serializers.CharField(),
                    "verified": serializers.BooleanField(),
                },
            ),
            **ERRORS,
        },
        operation_id="documents_verify",
        summary="核验公文文件与印发时的 SHA-256 是否一致",
    )
    def get(self, request: Request, pk: int) -> Response:
        return Response(services.verification(pk, actor=request.user))


class ProjectListXlsx(APIView):
    @extend_schema(
        operation_id="projects_export_xlsx",
        parameters=LIST_PARAMS,
        responses={(200, workbooks.XLSX): BINARY, **ERRORS},
        summary="导出项目清单（按筛选条件）为 XLSX",
    )
    def get(self, request: Request):
        return send(services.project_list_download(request.query_params, actor=request.user))


class ProjectWorkbook(APIView):
    @extend_schema(
        operation_id="projects_workbook_xlsx",
        responses={(200, workbooks.XLSX): BINARY, **ERRORS},
        summary="导出项目完整档案为 XLSX",
    )
    def get(self, request: Request, project_id: int):
        return send(services.project_workbook_download(project_id, actor=request.user))


class ImportNeeds(APIView):
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        operation_id="projects_import",
        request={"multipart/form-data": inline_serializer("NeedsUpload", {"file": serializers.FileField()})},
        responses={
            201: inline_serializer(
                "NeedsImported", {"created": serializers.ListField(child=serializers.IntegerField())}
            ),
            **ERRORS,
            413: OpenApiResponse(ERROR, "文件超过大小限制"),
        },
        summary="从 XLSX 导入项目需求（全部导入或全部不导入）",
        description="任何一行有误则不导入任何需求；错误响应的 error.rows 列出每个错误的行号、列和原因。",
    )
    def post(self, request: Request) -> Response:
        upload = request.FILES.get("file")
        if upload is None:
            raise InvalidInput("请上传 Excel 文件（字段名 file）", field="file")
        check_upload_size(upload.size, max_bytes=needs_import.MAX_BYTES)  # 413 before reading it
        created = needs_import.import_needs(upload.read(), actor=request.user)
        return Response({"created": [project.pk for project in created]}, status=201)


class ImportTemplate(APIView):
    @extend_schema(
        operation_id="projects_import_template_xlsx",
        responses={(200, workbooks.XLSX): BINARY, **ERRORS},
        summary="下载需求导入模板",
    )
    def get(self, request: Request):
        return send(
            services.Download(
                needs_import.template(),
                "项目需求导入模板.xlsx",
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            )
        )


OPEN = {200: OpenApiResponse(OpenApiTypes.OBJECT, "OCDS / OC4IDS 数据包"), 404: ERRORS[404]}
OPEN_TAGS = ["open_data"]


class ProjectOcds(APIView):
    permission_classes = [AllowAny]  # published projects are public (ADR 0201); others are checked inside

    @extend_schema(
        operation_id="projects_ocds", tags=OPEN_TAGS, responses=OPEN, summary="项目的 OCDS 1.1 发布包"
    )
    def get(self, request: Request, project_id: int) -> Response:
        return Response(
            services.ocds_package(
                project_id,
                actor=request.user,
                uri=request.build_absolute_uri(),
                build_absolute_uri=request.build_absolute_uri,
            )
        )


class ProjectOc4ids(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="projects_oc4ids", tags=OPEN_TAGS, responses=OPEN, summary="项目的 OC4IDS 项目数据包"
    )
    def get(self, request: Request, project_id: int) -> Response:
        return Response(
            services.oc4ids_package(
                project_id,
                actor=request.user,
                uri=request.build_absolute_uri(),
                build_absolute_uri=request.build_absolute_uri,
            )
        )


class PublishedOcds(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="published_ocds",
        tags=OPEN_TAGS,
        responses=OPEN,
        summary="全部已公开项目的 OCDS 1.1 发布包",
    )
    def get(self, request: Request) -> Response:
        return Response(
            services.published_ocds(
                uri=request.build_absolute_uri(), build_absolute_uri=request.build_absolute_uri
            )
        )


class PublishedOc4ids(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="published_oc4ids",
        tags=OPEN_TAGS,
        responses=OPEN,
        summary="全部已公开项目的 OC4IDS 项目数据包",
    )
    def get(self, request: Request) -> Response:
        return Response(
            services.published_oc4ids(
                uri=request.build_absolute_uri(), build_absolute_uri=request.build_absolute_uri
            )
        )
