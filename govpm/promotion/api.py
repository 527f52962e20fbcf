"""API of the promotion records (四) and the yearly performance of units (ORG-03)."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from govpm.core import access, clock
from govpm.core.errors import InvalidInput
from govpm.projects.api.inputs import parse
from govpm.projects.selectors import visible_projects

from . import services
from .inputs import CaseIn, PublicityIn, ShowcaseIn
from .models import CasePresentation, Publicity, Showcase
from .performance import DRILLABLE, projects_behind, unit_performance


def _year(request: Request) -> int:
    return services.parse_year(request.query_params.get("year"), today=clock.today())


def _supervisor(request: Request) -> None:
    # Who may read supervision figures: the 1+1+N units (ORG-01) and observers.
    access.require(request.user, "promotion.read", "无权查看推广与考核情况")


class PublicityOut(serializers.ModelSerializer):
    class Meta:
        model = Publicity
        fields = ["id", "kind", "year", "period", "title", "published_on", "channel"]


class CaseOut(serializers.ModelSerializer):
    class Meta:
        model = CasePresentation
        fields = ["id", "title", "presented_to", "presented_on", "project_id"]


class ShowcaseOut(serializers.ModelSerializer):
    class Meta:
        model = Showcase
        fields = ["id", "title", "held_on", "audience"]


def _collection(model, out, inp, record):
    class View(APIView):
        @extend_schema(
            responses={200: out(many=True)},
            parameters=[OpenApiParameter("year", int)],
            summary=f"{model._meta.verbose_name}（某年度）",
        )
        def get(self, request: Request) -> Response:
            _supervisor(request)
            year = _year(request)
            date_field = {"Publicity": "year", "CasePresentation": "presented_on__year"}.get(
                model.__name__, "held_on__year"
            )
            return Response(out(model.objects.filter(**{date_field: year}), many=True).data)

        @extend_schema(request=inp, responses={201: out}, summary=f"登记{model._meta.verbose_name}")
        def post(self, request: Request) -> Response:
            data = parse(inp, request.data)
            return Response(out(record(actor=request.user, **data)).data, status=201)

    View.__name__ = f"{model.__name__}Collection"
    return View


PublicityCollection = _collection(Publicity, PublicityOut, PublicityIn, services.record_publicity)
CaseCollection = _collection(CasePresentation, CaseOut, CaseIn, services.record_case)
ShowcaseCollection = _collection(Showcase, ShowcaseOut, ShowcaseIn, services.record_showcase)


class CadenceView(APIView):
    @extend_schema(
        parameters=[OpenApiParameter("year", int)],
        responses={200: dict},
        summary="宣传节奏与推介专场完成情况",
    )
    def get(self, request: Request) -> Response:
        _supervisor(request)
        result = services.cadence(_year(request), today=clock.today())
        return Response(
            {
                "year": result.year,
                "missing": result.missing,
                "showcases": result.showcases,
                "showcases_short": result.showcases_short,
                "citations": list(result.citations),
            }
        )


class UnitPerformanceView(APIView):
    @extend_schema(
        parameters=[OpenApiParameter("year", int)],
        responses={200: dict},
        summary="各单位年度工作情况（综合考核）",
        tags=["promotion"],
        operation_id="promotion_unit_performance",
    )
    def get(self, request: Request) -> Response:
        _supervisor(request)
        return Response({"year": _year(request), "units": unit_performance(_year(request))})


class UnitProjectsView(APIView):
    @extend_schema(
        parameters=[OpenApiParameter("year", int)],
        responses={200: dict},
        summary="综合考核某单位某一栏对应的项目（ORG-05）",
        tags=["promotion"],
        operation_id="promotion_unit_projects",
    )
    def get(self, request: Request, unit_id: int, column: str) -> Response:
        """ORG-05: the projects behind one number of the table, each lapse with what was missed and when."""
        _supervisor(request)
        if column not in DRILLABLE:
            raise InvalidInput(f"栏目：应为 {'、'.join(DRILLABLE)} 之一", field="column")
        year = _year(request)
        visible = set(visible_projects(request.user).values_list("pk", flat=True))
        rows = [row for row in projects_behind(year, unit_id, column) if row.project.pk in visible]
        return Response(
            {
                "year": year,
                "unit_id": unit_id,
                "column": column,
                "projects": [
                    {
                        "id": row.project.pk,
                        "name": row.project.name,
                        "owner_unit": row.project.owner_unit.name,
                        "what": row.what,
                        "due_on": row.due_on,
                    }
                    for row in rows
                ],
            }
        )
