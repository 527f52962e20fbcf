"""API endpoints under /api/v1/targets/: parse, check the role, call one service function, serialise.
Errors come out in the platform's shape {"error": {code, message, rule, citation, field}}."""

from __future__ import annotations

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import NotAcceptable
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.views import APIView

from govpm.core import clock
from govpm.core.api import Pagination
from govpm.core.errors import InvalidInput, NotFound
from govpm.core.http import content_disposition
from govpm.core.parsers import parse_year
from govpm.core.schema import BAD_INPUT, ERROR, ERRORS, FORBIDDEN, NOT_FOUND, NOT_LOGGED_IN
from govpm.core.spreadsheets import check_upload_size
from govpm.projects.api.inputs import parse

from . import permissions, reports, scope, selectors, task_imports, tasks
from .assessment import assess_year
from .models import Document, Indicator, Nature, Task
from .observations import MAX_YEAR, MIN_YEAR, record_judgement, record_observation
from .serializers import (
    NATURE_CHOICES,
    TargetsAssessmentOut,
    TargetsIndicatorDetailOut,
    TargetsIndicatorOut,
    TargetsJudgementIn,
    TargetsJudgementOut,
    TargetsObservationIn,
    TargetsObservationOut,
    TargetsProgressIn,
    TargetsProgressRecordOut,
    TargetsTaskImportIn,
    TargetsTaskImportOut,
    TargetsTaskOut,
    TargetsTaskProgressOut,
)


class RoleAllows(BasePermission):
    """Deny unless the role rule for the view's action on this method allows (access: targets.*)."""

    def has_permission(self, request, view):
        action = getattr(view, "role_actions", {}).get(request.method, "view")
        return permissions.can(request.user, action)


class TargetsAPIView(APIView):
    permission_classes = [RoleAllows]
    role_actions = {"GET": "view"}


def _year(request) -> int:
    raw = request.query_params.get("year")
    if raw:
        return parse_year(raw, min_year=MIN_YEAR, max_year=MAX_YEAR)
    # as the pages do: the latest year with data, not the calendar year, which usually has none yet
    return selectors.latest_year_with_data(clock.today().year)


def _document(request) -> Document | None:
    number = request.query_params.get("document")
    if not number:
        return None
    found = Document.objects.filter(number=number).first()
    if found is None:
        raise InvalidInput(f"文号“{number}”不是平台已有的目标来源文件", field="document")
    return found


# --- views ----------------------------------------------------------------------------------------------

READ_ERRORS = {401: NOT_LOGGED_IN, 403: FORBIDDEN}
WRITE_ERRORS = {400: BAD_INPUT, 401: NOT_LOGGED_IN, 403: FORBIDDEN, 404: NOT_FOUND}
YEAR = OpenApiParameter(
    "year", OpenApiTypes.INT, description="评估年度；缺省为有数据的最近年度（尚无数据时为今年）"
)


class IndicatorList(TargetsAPIView):
    pagination_class = Pagination

    @extend_schema(
        operation_id="targets_indicators_list",
        summary="指标列表",
        parameters=[
            OpenApiParameter("document", str, description="来源文件文号，如 衢政发〔2020〕10号"),
            OpenApiParameter(
                "nature", str, enum=[value for value, _ in NATURE_CHOICES], description="空为不限"
            ),
            OpenApiParameter("action_group", str, description="所属行动"),
            OpenApiParameter("q", str, description="指标名称或编号中的关键词"),
        ],
        responses={200: TargetsIndicatorOut(many=True), 400: BAD_INPUT, **READ_ERRORS},
    )
    def get(self, request):
        nature = request.query_params.get("nature", "")
        if nature and nature not in Nature.values:
            raise InvalidInput("nature 须为 expected（预期性）或 binding（约束性）", field="nature")
        queryset = selectors.indicators(
            user=request.user,
            document=request.query_params.get("document", ""),
            nature=nature,
            action_group=request.query_params.get("action_group", ""),
            q=request.query_params.get("q", ""),
        )
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(queryset, request, view=self)
        return paginator.get_paginated_response(TargetsIndicatorOut(page, many=True).data)


class IndicatorDetail(TargetsAPIView):
    @extend_schema(
        operation_id="targets_indicators_retrieve",
        summary="指标详情：目标、观测值（含更正历史）与评估人判断",
        responses={200: TargetsIndicatorDetailOut, 404: NOT_FOUND, **READ_ERRORS},
    )
    def get(self, request, pk: int):
        try:
            indicator = selectors.indicator_detail(pk, user=request.user)
        except Indicator.DoesNotExist:
            raise NotFound("指标不存在") from None
        return Response(TargetsIndicatorDetailOut(indicator).data)


class IndicatorObservations(TargetsAPIView):
    role_actions = {"POST": "enter"}

    @extend_schema(
        operation_id="targets_indicators_observations_create",
        summary="录入或更正一个年度的观测值",
        request=TargetsObservationIn,
        responses={201: TargetsObservationOut, **WRITE_ERRORS},
    )
    def post(self, request, pk: int):
        observation = record_observation(pk, actor=request.user, **parse(TargetsObservationIn, request.data))
        return Response(TargetsObservationOut(observation).data, status=status.HTTP_201_CREATED)


class IndicatorJudgements(TargetsAPIView):
    role_actions = {"POST": "judge"}
    # JSON, or multipart when an evidence file comes with the judgement (TGT-11)
    parser_classes = [JSONParser, MultiPartParser]

    @extend_schema(
        operation_id="targets_indicators_judgements_create",
        summary="评估人对里程碑或定性目标的判断（附理由与佐证，可附佐证材料）",
        request={"application/json": TargetsJudgementIn, "multipart/form-data": TargetsJudgementIn},
        responses={201: TargetsJudgementOut, **WRITE_ERRORS},
    )
    def post(self, request, pk: int):
        judgement = record_judgement(pk, actor=request.user, **parse(TargetsJudgementIn, request.data))
        return Response(TargetsJudgementOut(judgement).data, status=status.HTTP_201_CREATED)


class AssessmentList(TargetsAPIView):
    pagination_class = Pagination

    @extend_schema(
        operation_id="targets_assessments_list",
        summary="年度评估结果（约束性指标未达成者在前）",
        parameters=[YEAR, OpenApiParameter("document", str, description="只看此文号的指标")],
        responses={200: TargetsAssessmentOut(many=True), 400: BAD_INPUT, **READ_ERRORS},
    )
    def get(self, request):
        year = _year(request)
        results = assess_year(year, document=_document(request), user=request.user)
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(results, request, view=self)
        return paginator.get_paginated_response(TargetsAssessmentOut(page, many=True).data)


def _checked(task: Task, shares) -> dict:
    """A task with the result of its decomposition check, as TargetsTaskOut reads it."""
    return {"task": task, "mismatches": tasks.check_decomposition(task, shares)}


class TaskList(TargetsAPIView):
    @extend_schema(
        operation_id="targets_tasks_list",
        summary="分解任务及其分解核对（各部分之和是否等于总量）",
        responses={200: TargetsTaskOut(many=True), **READ_ERRORS},
    )
    def get(self, request):
        checked = [_checked(t, list(t.shares.all())) for t in selectors.tasks(user=request.user)]
        return Response(TargetsTaskOut(checked, many=True).data)


class TaskProgressView(TargetsAPIView):
    role_actions = {"GET": "view", "POST": "enter"}

    @extend_schema(
        operation_id="targets_tasks_progress_retrieve",
        summary="分解任务某年度各县（市、区）进度与排名",
        parameters=[YEAR],
        responses={200: TargetsTaskProgressOut, 400: BAD_INPUT, 404: NOT_FOUND, **READ_ERRORS},
    )
    def get(self, request, pk: int):
        year = _year(request)
        try:
            task = selectors.task_with_progress(pk, user=request.user)
        except Task.DoesNotExist:
            raise NotFound("分解任务不存在") from None
        shares = list(task.shares.all())
        rows = tasks.progress(task, year, shares=shares, records=task.current_progress)
        body = {"task": _checked(task, shares), "year": year, "ranking": rows}
        return Response(TargetsTaskProgressOut(body).data)

    @extend_schema(
        operation_id="targets_tasks_progress_create",
        summary="报送或更正一个县（市、区）某年度的完成数",
        request=TargetsProgressIn,
        responses={201: TargetsProgressRecordOut, **WRITE_ERRORS},
    )
    def post(self, request, pk: int):
        record = tasks.record_progress(pk, actor=request.user, **parse(TargetsProgressIn, request.data))
        return Response(TargetsProgressRecordOut(record).data, status=status.HTTP_201_CREATED)


REPORT_PARAMETERS = [
    YEAR,
    OpenApiParameter(
        "document", str, required=True, description="文号，如 衢政发〔2020〕10号：评估报告按文件分别生成"
    ),
]
REPORT_ERRORS = {code: ERRORS[code] for code in (400, 401, 403)}
CONVERSION_FAILED = OpenApiResponse(ERROR, "服务器未能生成 PDF（未安装 LibreOffice 或转换失败），可下载 DOCX")


def _report_document(request) -> Document:
    document = _document(request)
    if document is None:
        raise InvalidInput("评估报告按文件分别生成：请用 document 指定文号", field="document")
    return document


class FileNegotiation(DefaultContentNegotiation):
    """A file endpoint is asked for its file type (Accept: application/pdf), which no JSON renderer
    offers: answer with the file, and with errors in JSON, instead of refusing with 406."""

    def select_renderer(self, request, renderers, format_suffix=None):
        try:
            return super().select_renderer(request, renderers, format_suffix)
        except NotAcceptable:
            return renderers[0], renderers[0].media_type


class ReportAPIView(TargetsAPIView):
    content_negotiation_class = FileNegotiation
    role_actions = {"GET": "view_all"}  # a report covers every indicator of its document


def _file(report: reports.ReportFile) -> HttpResponse:
    response = HttpResponse(report.data, content_type=report.content_type)
    response["Content-Disposition"] = content_disposition(report.filename)
    return response


class AssessmentReportDocx(ReportAPIView):
    @extend_schema(
        operation_id="targets_assessments_report_docx",
        summary="一个文件的年度监测评价报告（DOCX，GB/T 9704 版式）",
        description="TGT-06：标题、各评价结论的指标数、约束性指标未达成者在前、各指标评价结果表，"
        "有分解任务的文件另附各县（市、区）完成情况排名。",
        parameters=REPORT_PARAMETERS,
        responses={(200, reports.DOCX): OpenApiResponse(OpenApiTypes.BINARY, "DOCX 文件"), **REPORT_ERRORS},
    )
    def get(self, request):
        return _file(reports.assessment_docx(_year(request), _report_document(request)))


class AssessmentReportPdf(ReportAPIView):
    @extend_schema(
        operation_id="targets_assessments_report_pdf",
        summary="一个文件的年度监测评价报告（PDF，由 DOCX 转换）",
        description="与 DOCX 同一内容，由 LibreOffice 转换；同一内容只转换一次（按 DOCX 的 SHA-256 缓存）。",
        parameters=REPORT_PARAMETERS,
        responses={
            (200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY, "PDF 文件"),
            **REPORT_ERRORS,
            503: CONVERSION_FAILED,
        },
    )
    def get(self, request):
        return _file(reports.assessment_pdf(_year(request), _report_document(request)))


# --- XLSX imports of a task (TGT-10 item 5) -------------------------------------------------------------

IMPORT_KIND = OpenApiParameter(
    "kind",
    str,
    OpenApiParameter.PATH,
    enum=list(task_imports.KINDS),
    description="shares：任务分解表（计划量）；progress：完成情况（完成量）",
)


def _import_task(request, pk: int) -> Task:
    task = scope.tasks_for(request.user).filter(pk=pk).first()
    if task is None:
        raise NotFound("分解任务不存在")
    return task


def _import_kind(kind: str) -> str:
    if kind not in task_imports.KINDS:
        raise NotFound("没有这种导入")
    return kind


class TaskImportTemplate(TargetsAPIView):
    content_negotiation_class = FileNegotiation
    role_actions = {"GET": "import"}

    @extend_schema(
        operation_id="targets_tasks_import_template",
        summary="下载分解任务的导入模板（XLSX，已填入现有数据与合计）",
        parameters=[IMPORT_KIND],
        responses={
            (200, task_imports.XLSX): OpenApiResponse(OpenApiTypes.BINARY, "XLSX 模板"),
            **{code: ERRORS[code] for code in (401, 403, 404)},
        },
    )
    def get(self, request, pk: int, kind: str):
        task = _import_task(request, pk)
        response = HttpResponse(
            task_imports.template_xlsx(task, _import_kind(kind)), content_type=task_imports.XLSX
        )
        filename = f"{task.name}{task_imports.KINDS[kind]}模板.xlsx"
        response["Content-Disposition"] = content_disposition(filename)
        return response


class TaskImport(TargetsAPIView):
    role_actions = {"POST": "import"}
    parser_classes = [MultiPartParser]

    @extend_schema(
        operation_id="targets_tasks_import_create",
        summary="导入分解任务的分解表或完成情况（XLSX）：行、列之和核对无误才全部保存",
        description="有一处不符或一格错误则一格也不保存，400 的 error.rows 按行、列逐一列出。",
        parameters=[IMPORT_KIND],
        request={"multipart/form-data": TargetsTaskImportIn},
        responses={200: TargetsTaskImportOut, **WRITE_ERRORS},
    )
    def post(self, request, pk: int, kind: str):
        task = _import_task(request, pk)
        the_kind = _import_kind(kind)
        data = parse(TargetsTaskImportIn, request.data)
        file = data["file"]
        check_upload_size(file.size, max_bytes=task_imports.MAX_BYTES)
        result = task_imports.import_xlsx(
            task.pk, the_kind, file.read(), actor=request.user, source=data.get("source", "")
        )
        return Response(TargetsTaskImportOut(result.as_dict()).data)
