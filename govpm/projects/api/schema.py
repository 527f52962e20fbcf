"""OpenAPI parameters that more than one endpoint documents: the project list's filters are read by
the projects list and by the documents' exports of it (an app's views never import another app's)."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter

from govpm.projects import selectors

LIST_PARAMS = [
    OpenApiParameter("stage", str, description="阶段代码，可逗号分隔多个"),
    OpenApiParameter("unit", str, description="业主单位 id 或代码"),
    OpenApiParameter("level", str, enum=["city", "county"]),
    OpenApiParameter("category", int, description="项目类别 1–7"),
    OpenApiParameter("priority", bool, description="是否有优先列入情形"),
    OpenApiParameter("overdue", bool, description="是否有逾期事项"),
    OpenApiParameter("layer", str, description="“四横三纵”层级"),
    OpenApiParameter("q", str, description="名称、概述或项目代码中的关键词"),
    OpenApiParameter("ordering", str, enum=list(selectors.ORDERINGS)),
]
