"""The demo's money after the approval (IMPL-07, IMPL-08, SUPV-05), as the loader leaves it."""

import pytest
from django.core.management import call_command

from govpm.notices.models import Notice
from govpm.projects import finance
from govpm.projects.models import EstimateChange, Payment, Project


@pytest.mark.django_db
def test_demo_has_an_estimate_change_an_overdue_payment_a_retention_after_acceptance_and_a_supervisor_IMPL_07_08_SUPV_05():
    """IMPL-07 IMPL-08 SUPV-05: an approved 概算调整 with both baselines in its history; exactly one
    overdue scheduled payment, escalated by the deadline pass; a 质保金 paid after final acceptance on a
    settled contract; a supervising firm."""
    call_command("load_demo", verbosity=0)
    highway = Project.objects.get(name="交投集团数字高速运营平台")
    change = EstimateChange.objects.get(project=highway)
    assert change.status == "approved" and finance.current_baseline(highway) == change.new_amount
    assert [b.source for b in finance.baseline_history(highway)] == ["初步设计批复", "概算调整批复"]

    overdue = finance.overdue_scheduled_payments()
    assert [(row.project_name, row.milestone) for row in overdue] == [("公安视频图像解析应用", "进度款")]
    assert Notice.objects.filter(occasion=f"payment:{overdue[0].milestone_id}:overdue").exists()

    registry = Project.objects.get(name="不动产登记“一件事”系统")
    retention = Payment.objects.get(project=registry, milestone="质保金")
    assert registry.final_accepted_on is not None and retention.paid_on > registry.final_accepted_on
    assert registry.settlements.get().amount == retention.contract.amount

    planning = Project.objects.get(name="国土空间规划“一张图”实施监督系统")
    assert planning.supervisions.get().firm == "浙江数智信息工程监理有限公司"
