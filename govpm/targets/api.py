"""API endpoints under /api/v1/targets/: parse, check the role, call one service function, serialise.
Errors come out in the platform's shape {"error": {code, message, rule, citation, field}}."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from rest_framework import serializers, status
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.views import APIView

from govpm.core import clock
from govpm.core.api import Pagination
from govpm.core.errors import InvalidInput, NotFound

from . import parsing, permissions, selectors, tasks
from .assessment import assess_year
from .models import Document, Indicator, Nature, Task
from .observations import clean_year, record_judgement, record_observation


class RoleAllows(BasePermission):
    """Deny unless the role rule for the view's action on this method allows (permissions.RULES)."""

    def has_permission(self, request, view):
        action = getattr(view, "role_actions", {}).get(request.method, "view")
        return permissions.can(request.user, action)


class TargetsAPIView(APIView):
    permission_classes = [RoleAllows]
    role_actions = {"GET": "view"}


def _year(request) -> int:
    raw = request.query_params.get("year")
    return clean_year(raw, field="year") if raw else clock.today().year


def _document(request) -> Document | None:
    number = request.query_params.get("document")
    if not number:
        return None
    found = Document.objects.filter(number=number).first()
    if found is None:
        raise InvalidInput(f"文号“{number}”不是平台已有的目标来源文件", field="document")
    return found


# --- output serializers ---------------------------------------------------------------------------------


class TargetOut(serializers.Serializer):
    year = serializers.IntegerField()
    raw_text = serializers.CharField()
    kind = serializers.CharField()
    operator = serializers.CharField()
    value = serializers.DecimalField(max_digits=20, decimal_places=6, allow_null=True, coerce_to_string=True)
    value_high = serializers.DecimalField(max_digits=20, decimal_places=6, allow_null=True)
    secondary_value = serializers.DecimalField(max_digits=20, decimal_places=6, allow_null=True)
    base_year = serializers.IntegerField(allow_null=True)
    description = serializers.SerializerMethodField()

    def get_description(self, target) -> str:
        return target.parsed.describe()


class IndicatorOut(serializers.Serializer):
    id = serializers.IntegerField()
    document = serializers.CharField(source="document.number")
    code = serializers.CharField()
    name = serializers.CharField()
    unit = serializers.CharField()
    action_group = serializers.CharField()
    clause = serializers.CharField()
    nature = serializers.CharField()
    nature_label = serializers.CharField(source="get_nature_display")
    direction = serializers.CharField()
    department = serializers.CharField()
    baseline_raw = serializers.CharField()
    baseline_status = serializers.CharField()
    baseline_value = serializers.DecimalField(max_digits=20, decimal_places=6, allow_null=True)
    baseline_year = serializers.IntegerField(allow_null=True)
    targets = TargetOut(many=True)


class ObservationOut(serializers.Serializer):
    id = serializers.IntegerField()
    period = serializers.IntegerField()
    value = serializers.DecimalField(max_digits=20, decimal_places=6)
    secondary_value = serializers.DecimalField(max_digits=20, decimal_places=6, allow_null=True)
    source = serializers.CharField()
    entered_by = serializers.CharField()
    entered_at = serializers.DateTimeField()
    is_current = serializers.BooleanField()
    replaces = serializers.IntegerField(source="replaces_id", allow_null=True)
    correction_reason = serializers.CharField()


class JudgementOut(serializers.Serializer):
    id = serializers.IntegerField()
    year = serializers.IntegerField()
    verdict = serializers.CharField()
    reason = serializers.CharField()
    assessor = serializers.CharField()
    judged_at = serializers.DateTimeField()


class IndicatorDetailOut(IndicatorOut):
    raw_text = serializers.CharField()
    note = serializers.CharField()
    observations = ObservationOut(many=True)
    judgements = JudgementOut(many=True)


# --- input serializers ----------------------------------------------------------------------------------


class ObservationIn(serializers.Serializer):
    period = serializers.IntegerField(min_value=2000, max_value=2100)
    # Text, so "99.80" arrives as written; the service turns it into an exact Decimal.
    value = serializers.CharField(max_length=40)
    secondary_value = serializers.CharField(max_length=40, required=False, allow_blank=True, allow_null=True)
    source = serializers.CharField(max_length=200)
    correction_reason = serializers.CharField(max_length=300, required=False, allow_blank=True)


class JudgementIn(serializers.Serializer):
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    verdict = serializers.CharField(max_length=20)
    reason = serializers.CharField()


class ProgressIn(serializers.Serializer):
    region_code = serializers.CharField(max_length=6)
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    completed = serializers.CharField(max_length=40)
    source = serializers.CharField(max_length=200)
    correction_reason = serializers.CharField(max_length=300, required=False, allow_blank=True)


# --- views ----------------------------------------------------------------------------------------------


class IndicatorList(TargetsAPIView):
    def get(self, request):
        nature = request.query_params.get("nature", "")
        if nature and nature not in Nature.values:
            raise InvalidInput("nature 须为 expected（预期性）或 binding（约束性）", field="nature")
        queryset = selectors.indicators(
            document=request.query_params.get("document", ""),
            nature=nature,
            action_group=request.query_params.get("action_group", ""),
            q=request.query_params.get("q", ""),
        )
        paginator = Pagination()
        page = paginator.paginate_queryset(queryset, request, view=self)
        return paginator.get_paginated_response(IndicatorOut(page, many=True).data)


class IndicatorDetail(TargetsAPIView):
    def get(self, request, pk: int):
        try:
            indicator = selectors.indicator_detail(pk)
        except Indicator.DoesNotExist:
            raise NotFound("指标不存在") from None
        return Response(IndicatorDetailOut(indicator).data)


class IndicatorObservations(TargetsAPIView):
    role_actions = {"POST": "enter"}

    def post(self, request, pk: int):
        indicator = get_object_or_404(Indicator, pk=pk)
        data = ObservationIn(data=request.data)
        data.is_valid(raise_exception=True)
        observation = record_observation(indicator, actor=request.user, **data.validated_data)
        return Response(ObservationOut(observation).data, status=status.HTTP_201_CREATED)


class IndicatorJudgements(TargetsAPIView):
    role_actions = {"POST": "judge"}

    def post(self, request, pk: int):
        indicator = get_object_or_404(Indicator, pk=pk)
        data = JudgementIn(data=request.data)
        data.is_valid(raise_exception=True)
        judgement = record_judgement(indicator, actor=request.user, **data.validated_data)
        return Response(JudgementOut(judgement).data, status=status.HTTP_201_CREATED)


class AssessmentList(TargetsAPIView):
    def get(self, request):
        year = _year(request)
        results = assess_year(year, document=_document(request))
        paginator = Pagination()
        page = paginator.paginate_queryset(results, request, view=self)
        return paginator.get_paginated_response(
            [
                {
                    "indicator": a.indicator.pk,
                    "document": a.indicator.document.number,
                    "code": a.indicator.code,
                    "name": a.indicator.name,
                    "nature": a.indicator.nature,
                    "year": a.year,
                    "status": a.status,
                    "status_label": a.status_label,
                    "reason": a.reason,
                    "binding_failure": a.is_binding_failure,
                    "target": {"year": a.target.year, "raw_text": a.target.raw_text} if a.target else None,
                    "observation": parsing.fmt(a.observation.value) if a.observation else None,
                }
                for a in page
            ]
        )


def _task_out(task: Task, mismatches) -> dict:
    return {
        "id": task.pk,
        "document": task.document.number,
        "code": task.code,
        "name": task.name,
        "unit": task.unit,
        "stated_total": parsing.fmt(task.stated_total) if task.stated_total is not None else None,
        "stated_total_raw": task.stated_total_raw,
        "clause": task.clause,
        "adds_up": not mismatches,
        "mismatches": [
            {
                "region_code": m.region_code,
                "year": m.year,
                "expected": parsing.fmt(m.expected),
                "actual": parsing.fmt(m.actual),
                "message": m.message,
            }
            for m in mismatches
        ],
    }


class TaskList(TargetsAPIView):
    def get(self, request):
        return Response(
            [_task_out(t, tasks.check_decomposition(t, list(t.shares.all()))) for t in selectors.tasks()]
        )


class TaskProgressView(TargetsAPIView):
    role_actions = {"GET": "view", "POST": "enter"}

    def get(self, request, pk: int):
        year = _year(request)
        try:
            task = selectors.task_with_progress(pk)
        except Task.DoesNotExist:
            raise NotFound("分解任务不存在") from None
        shares = list(task.shares.all())
        rows = tasks.progress(task, year, shares=shares, records=task.current_progress)
        return Response(
            {
                "task": _task_out(task, tasks.check_decomposition(task, shares)),
                "year": year,
                "ranking": [
                    {
                        "rank": p.rank,
                        "region_code": p.region_code,
                        "region_name": p.region_name,
                        "planned": parsing.fmt(p.planned),
                        "completed": parsing.fmt(p.completed) if p.completed is not None else None,
                        "planned_to_date": parsing.fmt(p.planned_to_date),
                        "completed_to_date": parsing.fmt(p.completed_to_date),
                        "completion_rate": parsing.fmt(p.rate) if p.rate is not None else None,
                    }
                    for p in rows
                ],
            }
        )

    def post(self, request, pk: int):
        task = get_object_or_404(Task, pk=pk)
        data = ProgressIn(data=request.data)
        data.is_valid(raise_exception=True)
        record = tasks.record_progress(task, actor=request.user, **data.validated_data)
        return Response(
            {
                "id": record.pk,
                "region_code": record.region_code,
                "year": record.year,
                "completed": parsing.fmt(record.completed),
                "replaces": record.replaces_id,
            },
            status=status.HTTP_201_CREATED,
        )
