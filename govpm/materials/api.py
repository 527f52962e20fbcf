"""Materials in the REST API: POST (multipart: `kind`, `file`) and GET /api/v1/projects/{id}/materials/.
Parse, call one function, render."""

from __future__ import annotations

from django.core.files.uploadedfile import UploadedFile
from django.urls import reverse
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from govpm.core.errors import InvalidInput
from govpm.core.schema import ERRORS

from . import catalog, selectors, services, uploads
from .models import Material

MATERIAL_FIELDS: dict[str, serializers.Field] = {
    "id": serializers.IntegerField(),
    "kind": serializers.CharField(),
    "kind_label": serializers.CharField(),
    "version": serializers.IntegerField(),
    "replaces": serializers.IntegerField(allow_null=True),
    "name": serializers.CharField(),
    "sha256": serializers.CharField(),
    "size": serializers.IntegerField(),
    "detected_type": serializers.CharField(),
    "uploaded_by": serializers.CharField(),
    "unit": serializers.CharField(allow_null=True),
    "uploaded_at": serializers.DateTimeField(),
    "download_url": serializers.CharField(),
    "preview_url": serializers.CharField(),
}
MaterialOut = inline_serializer("Material", MATERIAL_FIELDS)
MaterialsOut = inline_serializer("MaterialList", MATERIAL_FIELDS, many=True)
UploadIn = inline_serializer(
    "MaterialUpload",
    {
        "kind": serializers.ChoiceField(choices=sorted(catalog.KINDS)),
        "file": serializers.FileField(),
    },
)


def out(material: Material) -> dict:
    kind = catalog.KINDS.get(material.kind)
    return {
        "id": material.pk,
        "kind": material.kind,
        "kind_label": kind.name if kind else material.kind,
        "version": material.version,
        "replaces": material.replaces_id,
        "name": material.name,
        "sha256": material.sha256,
        "size": material.size,
        "detected_type": material.detected_type,
        "uploaded_by": material.uploaded_by.get_full_name() or material.uploaded_by.get_username(),
        "unit": material.unit.name if material.unit else None,
        "uploaded_at": material.uploaded_at,
        "download_url": reverse("materials:download", args=[material.pk]),
        "preview_url": reverse("materials:preview", args=[material.pk]),
    }


def single_upload(data, files, request=None) -> tuple[str, UploadedFile]:
    """One material per request: the kind named, one file; anything else is refused before storing."""
    kind = data.get("kind")
    if request is not None and uploads.overflowed(request):
        known = catalog.KINDS.get(kind) if isinstance(kind, str) else None
        raise InvalidInput(uploads.too_many_message(known.name if known else "材料"), field="file")
    entry = services.kind_or_refuse(kind if isinstance(kind, str) else None)
    if len(data.getlist("kind")) != 1:
        raise InvalidInput("kind：每次只能上传一种材料", field="kind")
    given = [f for key in files for f in files.getlist(key)]
    if not given:
        raise InvalidInput(f"{entry.name}：未选择文件", field="file")
    if len(given) > 1 or list(files) != ["file"]:
        raise InvalidInput(f"{entry.name}：每次只能上传一个文件（字段 file）", field="file")
    return entry.code, given[0]


class ProjectMaterials(APIView):
    parser_classes = [MultiPartParser]

    @extend_schema(
        operation_id="projects_materials_list",
        responses={200: MaterialsOut, **ERRORS},
        summary="项目的材料（全部版本，含 SHA-256 与下载地址）",
    )
    def get(self, request: Request, project_id: int) -> Response:
        _, rows = selectors.project_materials(project_id, request.user)
        return Response([out(material) for material in rows])

    @extend_schema(
        operation_id="projects_materials_upload",
        request={"multipart/form-data": UploadIn},
        responses={201: MaterialOut, **ERRORS},
        summary="上传项目材料（按内容识别类型；同种材料再次上传为新版本）",
    )
    def post(self, request: Request, project_id: int) -> Response:
        kind, file = single_upload(request.data, request.FILES, request._request)
        material = services.upload_material(project_id, actor=request.user, kind=kind, file=file)  # type: ignore[arg-type]
        return Response(out(material), status=201)
