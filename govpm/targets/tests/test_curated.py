"""TGT-01 / TGT-05: the curated data files — complete, cited, and in agreement with the importer."""

from decimal import Decimal

import pytest

from govpm.targets import curated, gazette, parsing, tasks
from govpm.targets.models import Indicator, Task

pytestmark = pytest.mark.django_db


def test_tgt01_curated_files_and_importer_agree_on_every_cell_both_read(gazette_text):
    """TGT-01: for every row the importer read, the curated row has the same name, unit, raw cells,
    nature and parsed targets; where the importer reported a cell, the curated row explains it."""
    reading = gazette.read_gazette(gazette_text)
    rows = curated.read_csv("health_indicators.csv")
    assert len(rows) == len(reading.health_rows) == 91
    problem_lines = {p.line for p in reading.problems}
    for row, read in zip(rows, reading.health_rows, strict=True):
        assert (row["name"], row["unit"], row["raw_line"]) == (read.name, read.unit, read.raw_line)
        assert row["baseline_raw"] == read.baseline_raw
        if read.nature:
            assert curated.NATURE_BY_LABEL[row["nature"]] == read.nature, row["code"]
        if read.baseline is not None and read.baseline.status == parsing.BASELINE_VALUE:
            assert parsing.parse_baseline(row["baseline_raw"]).value == read.baseline.value
        assert curated.health_targets(row) == read.targets, row["code"]
        if read.line in problem_lines:
            assert row["note"], f"{row['code']}: the importer reported this row; the curated row must say why"
        if row["action_group"] != read.action_group:
            assert row["note"], f"{row['code']}: a corrected action group must be explained"


def test_tgt01_every_curated_row_cites_document_and_clause_and_keeps_raw_text():
    """TGT-01: every curated row cites document and clause and keeps raw text."""
    documents = {row["number"] for row in curated.read_csv("documents.csv")}
    for name, raw_column in [
        ("health_indicators.csv", "raw_line"),
        ("text_targets.csv", "source_text"),
        ("task_shares.csv", "raw_line"),
    ]:
        for row in curated.read_csv(name):
            assert row.get("document", "衢政办发〔2020〕9号") in documents
            assert row["clause"] and row[raw_column], (name, row)


def test_shifted_action_groups_are_corrected_in_the_curated_file():
    groups = {row["name"]: row["action_group"] for row in curated.read_csv("health_indicators.csv")}
    assert [n for n, g in groups.items() if g == "合理膳食行动"] == [
        "成人肥胖增长率",
        "5岁以下儿童生长迟缓率",
        "每万人营养指导员配备",
    ]
    assert groups["15岁以上人群吸烟率"] == "控烟限酒行动"
    assert groups["国家学生体质健康标准优良率"] == "中小学健康促进行动"


def test_curated_text_targets_carry_the_plan_figures(curated_data):
    def target(code):
        return Indicator.objects.get(code=code).targets.get()

    forest = target("E01")
    assert (forest.year, forest.operator, forest.value) == (2022, "≥", Decimal("69.85"))
    coal = target("E07")
    assert (coal.year, coal.kind, coal.base_year, coal.value) == (2021, "relative_change", 2017, Decimal(-10))
    assert target("E06").value == Decimal("0.535")
    assert target("E03").value == Decimal(12)
    assert target("E16").value == Decimal(196)
    assert target("E17").kind == "qualitative" and target("E17").raw_text == "约2221.71亿元"


def test_tgt05_afforestation_table_adds_up_to_the_stated_total(curated_data):
    """TGT-05: counties × years add up to the city figures and to 11.86万亩 in the text."""
    task = Task.objects.get(document__number="衢政办发〔2020〕9号")
    assert task.stated_total == Decimal(118600)
    assert tasks.check_decomposition(task) == []


def test_loading_twice_creates_nothing_new(curated_data):
    counts = Indicator.objects.count()
    second = curated.load_curated()
    assert second.indicators_created == 0 and second.shares_created == 0
    assert Indicator.objects.count() == counts == 134
