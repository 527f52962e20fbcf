"""TGT-07: indicator tables and observations round-trip through XLSX and CSV; bad rows are reported."""

import csv
import io

import pytest
from openpyxl import load_workbook

from govpm.targets import exchange, selectors
from govpm.targets.models import Indicator, Observation, Target
from govpm.targets.observations import record_observation

pytestmark = pytest.mark.django_db


def export_indicators(fmt, user):
    headers, rows = exchange.indicator_table(selectors.indicators(user=user))
    return exchange.to_csv(headers, rows) if fmt == "csv" else exchange.to_xlsx(headers, rows, "指标表")


def snapshot(officer):
    return sorted(
        (
            i.document.number,
            i.code,
            i.name,
            i.unit,
            i.action_group,
            i.nature,
            i.direction,
            i.baseline_raw,
            i.baseline_value,
            tuple((t.year, t.raw_text, t.kind, t.operator, t.value) for t in i.targets.all()),
        )
        for i in selectors.indicators(user=officer)
    )


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_tgt07_indicator_table_round_trips(curated_data, officer, fmt):
    """TGT-07: indicator table round trips."""
    before = snapshot(officer)
    data = export_indicators(fmt, officer)
    Target.objects.all().delete()
    Indicator.objects.update(unit="", action_group="", baseline_raw="", baseline_value=None)

    result = exchange.import_indicators(f"指标表.{fmt}", data, actor=officer)

    assert result.errors == [] and result.updated == 134
    assert snapshot(officer) == before


def test_tgt07_bad_indicator_rows_are_reported_and_good_rows_kept(curated_data, officer):
    """TGT-07: bad indicator rows are reported and good rows kept."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["文号", "编号", "指标名称", "单位", "指标性质", "2022年目标值"])
    writer.writerow(["衢政发〔2020〕10号", "N01", "新指标甲", "%", "预期性", "≥50"])
    writer.writerow(["衢政发〔2099〕1号", "N02", "新指标乙", "%", "预期性", "≥50"])
    writer.writerow(["衢政发〔2020〕10号", "N03", "新指标丙", "%", "强制性", "≥50"])
    writer.writerow(["衢政发〔2020〕10号", "N04", "新指标丁", "%", "约束性", "\\&30"])

    result = exchange.import_indicators("new.csv", buffer.getvalue().encode(), actor=officer)

    assert result.created == 1
    assert [(e.row, e.reason[:6]) for e in result.errors] == [
        (3, "文号“衢政发"),
        (4, "指标性质须为"),
        (5, "2022年目"),
    ]
    assert Indicator.objects.get(code="N01").targets.get().value == 50


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_tgt07_observations_round_trip(curated_data, officer, fmt):
    """TGT-07: observations round trip."""
    h01, h02 = Indicator.objects.get(code="H01"), Indicator.objects.get(code="H02")
    record_observation(h01.pk, actor=officer, period=2020, value="25.10", source="监测")
    record_observation(
        h01.pk, actor=officer, period=2020, value="25.30", source="监测", correction_reason="复核"
    )
    record_observation(h02.pk, actor=officer, period=2021, value="18", source="红会")
    headers, rows = exchange.observation_table(selectors.observations_for_export(user=officer))
    data = exchange.to_csv(headers, rows) if fmt == "csv" else exchange.to_xlsx(headers, rows, "观测值")
    if fmt == "xlsx":
        assert load_workbook(io.BytesIO(data)).active["E2"].value == "25.1"  # exact, as text

    again = exchange.import_observations(f"obs.{fmt}", data, actor=officer)
    assert (again.unchanged, again.skipped, again.created, again.errors) == (2, 1, 0, [])

    Observation.objects.filter(replaces__isnull=False).update(replaces=None)
    Observation.objects.all().delete()
    fresh = exchange.import_observations(f"obs.{fmt}", data, actor=officer)
    assert fresh.created == 2
    assert sorted(
        (o.indicator.code, o.period, str(o.value.normalize())) for o in Observation.objects.all()
    ) == [("H01", 2020, "25.3"), ("H02", 2021, "18")]


def test_tgt07_one_bad_observation_row_saves_nothing(curated_data, officer):
    """TGT-07: one bad observation row saves nothing."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["文号", "编号", "年度", "观测值", "数据来源"])
    writer.writerow(["衢政发〔2020〕10号", "H01", "2020", "25.1", "监测"])
    writer.writerow(["衢政发〔2020〕10号", "H02", "2020", "十八", "监测"])
    writer.writerow(["衢政发〔2020〕10号", "H99", "2020", "1", "监测"])
    writer.writerow(["衢政发〔2020〕10号", "H01", "2020", "25.2", "监测"])

    result = exchange.import_observations("obs.csv", buffer.getvalue().encode("utf-8"), actor=officer)

    assert [e.row for e in result.errors] == [3, 4, 5]
    assert (
        "观测值" in result.errors[0].reason
        and "H99" in result.errors[1].reason
        and "重复" in result.errors[2].reason
    )
    assert not Observation.objects.exists()


def test_upload_page_reports_rows_and_exports_download(curated_data, officer, client):
    client.force_login(officer)
    content = "文号,编号,年度,观测值,数据来源\n衢政发〔2020〕10号,H01,2020,abc,监测\n".encode()
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post(
        "/targets/import/",
        {"kind": "observations", "file": SimpleUploadedFile("obs.csv", content, "text/csv")},
    )
    assert response.status_code == 400 and "数值格式不正确" in response.content.decode()
    assert not Observation.objects.exists()
    for path in ["/targets/export/indicators.csv", "/targets/export/observations.xlsx"]:
        assert client.get(path).status_code == 200
    assert client.get("/targets/export/indicators.pdf").status_code == 404
