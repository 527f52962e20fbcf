"""TGT-01: the importer reads the raw gazette, loads what it can and reports every cell it cannot read."""

import json
from decimal import Decimal

import pytest
from django.core.management import call_command

from govpm.targets.gazette_import import import_gazette
from govpm.targets.models import Indicator, Target, Task, TaskShare

pytestmark = pytest.mark.django_db


def test_tgt01_importer_loads_every_health_indicator_and_the_afforestation_table(gazette_text):
    """TGT-01: importer loads every health indicator and the afforestation table."""
    report = import_gazette(gazette_text)

    health = Indicator.objects.filter(document__number="衢政发〔2020〕10号")
    assert report.indicators_found == report.indicators_created == health.count() == 91
    first = health.get(code="H01")
    assert (first.name, first.unit, first.nature, first.baseline_value) == (
        "居民健康素养水平",
        "%",
        "expected",
        Decimal("24.77"),
    )
    assert {t.year: t.raw_text for t in first.targets.all()} == {2022: "28", 2030: "32"}
    assert first.raw_text.startswith("健康知识普及行动\t居民健康素养水平(%)")
    task = Task.objects.get(document__number="衢政办发〔2020〕9号")
    assert TaskShare.objects.filter(task=task).count() == 7 * 6  # city + six counties × (total + 5 years)
    assert task.stated_total == Decimal(118600)
    assert TaskShare.objects.get(task=task, region_code="330824", year=None).planned == Decimal(31200)


def test_tgt01_importer_reports_the_artefact_row_instead_of_inventing_values(gazette_text):
    """TGT-01: importer reports the artefact row instead of inventing values."""
    report = import_gazette(gazette_text)

    cells = {(p.line, p.column): p for p in report.problems}
    artefact = cells[(429, "基期水平")]
    assert artefact.raw == "\\&30" and artefact.row == 3 and "残留" in artefact.reason
    # The row slid left: 50 and 预期性 are reported, not loaded as targets.
    assert cells[(429, "2022年目标值")].raw == "50"
    assert cells[(429, "2030年目标值")].raw == "预期性"
    assert cells[(429, "指标性质")].raw == ""
    slid = Indicator.objects.get(name="健康促进县(市、区)比例")
    assert slid.targets.count() == 0 and slid.baseline_value is None and slid.nature == ""
    assert slid.baseline_raw == "\\&30"


def test_importer_reports_the_lone_action_name_and_prose_baselines(gazette_text):
    report = import_gazette(gazette_text)

    reported = {(p.column, p.raw) for p in report.problems}
    assert ("行动名称", "合理膳食行动") in reported
    assert ("基期水平", "60岁以上失能半失能老人数占老年人数10.67%") in reported
    assert ("基期水平", "消除") in reported
    assert len(report.problems) == 7  # the four cells of the slid row, the lone action, two prose baselines
    assert Indicator.objects.get(name="65—74岁老年人失能发生率").baseline_value is None


def test_importer_keeps_qualitative_targets_as_text(gazette_text):
    import_gazette(gazette_text)

    target = Target.objects.get(indicator__name="成人肥胖增长率", year=2022)
    assert (target.kind, target.raw_text, target.value) == ("qualitative", "持续减缓", None)
    paired = Target.objects.get(indicator__name__startswith="农村户用卫生厕所普及率", year=2022)
    assert (paired.value, paired.secondary_value) == (Decimal(100), Decimal(99))


def test_second_run_creates_nothing(gazette_text):
    import_gazette(gazette_text)
    counts = (Indicator.objects.count(), Target.objects.count(), TaskShare.objects.count())

    again = import_gazette(gazette_text)

    assert (again.indicators_created, again.targets_created, again.task_cells_created) == (0, 0, 0)
    assert (Indicator.objects.count(), Target.objects.count(), TaskShare.objects.count()) == counts


def test_command_prints_the_report_as_json_and_applies_only_with_apply(gazette_path, capsys):
    """TGT-10 changed the command: a dry run by default, `--apply` to write."""
    call_command("import_gazette_targets", str(gazette_path), "--json")
    report = json.loads(capsys.readouterr().out)

    assert report["applied"] is False and Indicator.objects.count() == 0
    assert len([d for d in report["differences"] if d["new"] == "新建指标"]) == 91
    assert {"table", "line", "row", "column", "raw", "reason"} <= set(report["problems"][0])
    assert any(p["raw"] == "\\&30" for p in report["problems"])

    call_command("import_gazette_targets", str(gazette_path), "--apply")
    assert Indicator.objects.filter(document__number="衢政发〔2020〕10号").count() == 91
    call_command("import_gazette_targets", str(gazette_path))
    text = capsys.readouterr().out
    assert "差异（未写入，加 --apply 写入）：0 处" in text and "\\&30" in text
