"""The demo's batches, performance targets and post-evaluation results (PLAN-05, PERF-01, PERF-02)."""

import io
from io import StringIO

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from govpm.documents import batches
from govpm.documents.models import BatchFile
from govpm.projects.models import Batch, PerformanceTarget, PostEvaluation, Project
from govpm.promotion.performance import unit_performance

pytestmark = pytest.mark.django_db


def test_the_demo_has_a_closed_and_an_open_batch_targets_on_every_need_and_a_low_result_PLAN_05_PERF_01_PERF_02():
    """PLAN-05 PERF-01 PERF-02: the demo shows each, read back as an official would see them."""
    call_command("load_demo", stdout=StringIO())

    assert not Project.objects.exclude(pk__in=PerformanceTarget.objects.values("project_id")).exists()
    closed, opened = Batch.objects.get(status="closed"), Batch.objects.get(status="open")
    assert closed.plan_items.count() == 3 and closed.summary_number
    assert set(BatchFile.objects.filter(batch=closed).values_list("kind", flat=True)) == {
        "summary_xlsx",
        "summary_docx",
        "plan_xlsx",
    }
    sheet = load_workbook(io.BytesIO(batches.file_bytes(closed, "summary_xlsx"))).active
    assert {row[1] for row in sheet.iter_rows(min_row=2, values_only=True)} == {
        "城市停车泊位共享平台",
        "基层卫生健康服务管理系统",
        "地质灾害风险监测预警应用",
    }
    assert set(opened.needs.values_list("stage", flat=True)) == {"pooled"} and opened.needs.count() == 2

    low = PostEvaluation.objects.get(project__name="医疗机构预约挂号统一平台")
    assert low.score < 60 and low.target_scores.filter(result="not_met").count() == 1
    row = next(
        r for r in unit_performance(low.evaluated_on.year) if r["unit_id"] == low.project.owner_unit_id
    )
    assert row["low_evaluations"] >= 1
