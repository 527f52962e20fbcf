"""TGT-10: the importer reports every difference and flag before anything is applied; --apply applies
exactly what the dry run listed, all or nothing, audited; it says what it read from each document."""

import json
from decimal import Decimal

import pytest
from django.core.management import call_command

from govpm.core.models import AuditEvent
from govpm.targets.gazette_import import plan_gazette
from govpm.targets.models import Indicator, Target, TaskShare

pytestmark = pytest.mark.django_db

KECHENG_2021 = {"region_code": "330802", "year": 2021}


def changed_gazette(gazette_text: str) -> str:
    """The gazette with 柯城区's 2021 cell of the afforestation table changed to 2700."""
    lines = gazette_text.splitlines(keepends=True)
    for index, line in enumerate(lines):
        if line.startswith("柯城区\t"):
            cells = line.rstrip("\n").split("\t")
            cells[3] = "2700"  # 合计, 2020, 2021, …
            lines[index] = "\t".join(cells) + "\n"
            return "".join(lines)
    raise AssertionError("柯城区 row not found")


def snapshot():
    return (
        list(TaskShare.objects.order_by("pk").values_list("pk", "planned")),
        list(Target.objects.order_by("pk").values_list("pk", "raw_text")),
        list(Indicator.objects.order_by("pk").values_list("pk", "baseline_raw", "action_group")),
    )


def test_dry_run_names_the_changed_cell_and_applies_nothing_TGT_10(curated_data, gazette_text):
    assert TaskShare.objects.get(**KECHENG_2021).planned == 2600
    before = snapshot()

    plan = plan_gazette(changed_gazette(gazette_text))

    assert [d.as_dict() for d in plan.differences] == [
        {"cell": "衢政办发〔2020〕9号 新增造林 柯城区 2021年", "old": "2600", "new": "2700"}
    ]
    assert snapshot() == before


def test_apply_after_the_dry_run_applies_exactly_that_TGT_10(curated_data, gazette_text, tmp_path):
    path = tmp_path / "gazette.txt"
    path.write_text(changed_gazette(gazette_text), encoding="utf-8")
    shares, targets, indicators = snapshot()
    events = AuditEvent.objects.filter(action="import_gazette_targets").count()

    call_command("import_gazette_targets", str(path), "--apply")

    after_shares, after_targets, after_indicators = snapshot()
    changed = [(pk, new) for (pk, old), (_, new) in zip(shares, after_shares, strict=True) if old != new]
    assert changed == [(TaskShare.objects.get(**KECHENG_2021).pk, Decimal(2700))]
    assert (after_targets, after_indicators) == (targets, indicators)
    assert AuditEvent.objects.filter(action="import_gazette_targets").count() == events + 1
    assert plan_gazette(changed_gazette(gazette_text)).differences == []


def test_flags_reassigned_groups_backwards_targets_and_baselines_past_target_TGT_10(
    curated_data, gazette_text
):
    flags = "\n".join(plan_gazette(gazette_text).flags)

    assert "美丽城镇建设：目标倒退：2030年目标18比2022年目标63低" in flags
    assert "国家学生体质健康标准优良率：基期值97.21已达到2022年目标“≥50”" in flags
    assert flags.count("审核改归，导入不改") == 23  # the action-group reassignments, each named
    assert "未能解读" in flags and "\\&30" in flags


def test_importer_reports_what_it_read_of_the_ecological_plan_TGT_10(curated_data, gazette_path, capsys):
    """The importer says what it read from each of the three documents, 衢政发〔2020〕9号 included."""
    call_command("import_gazette_targets", str(gazette_path), "--json")
    report = json.loads(capsys.readouterr().out)

    assert set(report["read"]) == {"衢政发〔2020〕10号", "衢政办发〔2020〕9号", "衢政发〔2020〕9号"}
    assert "审核数据 30 条，原句在本文本中找到 30 条" in report["read"]["衢政发〔2020〕9号"]
    assert "读到 91 行" in report["read"]["衢政发〔2020〕10号"]
    # TGT-11: the targets stated outside the tables are looked up too, per document
    assert "正文目标：审核数据 5 条，原句在本文本中找到 5 条" in report["read"]["衢政发〔2020〕10号"]
    assert "读到 7 行 42 格" in report["read"]["衢政办发〔2020〕9号"]
    assert "正文目标：审核数据 8 条，原句在本文本中找到 8 条" in report["read"]["衢政办发〔2020〕9号"]
