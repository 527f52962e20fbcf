"""TGT-06: the yearly assessment report as XLSX."""

import io

import pytest
from django.test import Client
from openpyxl import load_workbook

from govpm.targets.models import Indicator
from govpm.targets.observations import record_observation
from govpm.targets.reports import assessment_workbook

pytestmark = pytest.mark.django_db


def test_tgt06_yearly_xlsx_report_lists_binding_failures_first(curated_data, officer):
    """TGT-06: yearly xlsx report lists binding failures first."""
    failing = Indicator.objects.get(code="H49")  # 孕产妇死亡率 9以下, 约束性
    record_observation(failing.pk, actor=officer, period=2022, value="9.5", source="妇幼年报")

    workbook = load_workbook(io.BytesIO(assessment_workbook(2022)))

    sheet = workbook["指标评估"]
    headers = [c.value for c in sheet[3]]
    first = dict(zip(headers, [c.value for c in sheet[4]], strict=True))
    assert (first["编号"], first["指标性质"], first["评估结论"]) == ("H49", "约束性", "未达成")
    assert "9.5" in first["理由"]
    assert sheet.max_row == 3 + 134
    summary = {row[0].value: row[1].value for row in workbook["汇总"].iter_rows(min_row=2)}
    assert summary["未达成"] == 1
    ranking = workbook["新增造林完成情况"]
    assert any(row[1].value == "通过：各部分之和等于总量" for row in ranking.iter_rows())


def test_report_download_per_document(curated_data, officer):
    client = Client()
    client.force_login(officer)
    response = client.get("/targets/assessment/report.xlsx", {"year": 2021, "document": "衢政发〔2020〕9号"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content))["指标评估"]
    assert {row[1].value for row in sheet.iter_rows(min_row=4)} == {"衢政发〔2020〕9号"}
