"""Demo data of the money after the approval, through the real lifecycle functions at the dates it
would have happened: a 概算调整 applied for and approved (IMPL-08), a payment schedule with one payment
overdue (SUPV-05), a 验收款 and a 质保金 paid after final acceptance and the contract settled (SUPV-05),
and a 信息工程监理 firm (IMPL-07)."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from decimal import Decimal

import time_machine

from govpm.accounts.models import User
from govpm.core import clock
from govpm.projects import lifecycle
from govpm.projects.models import Contract, Project

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
HIGHWAY = "交投集团数字高速运营平台"  # procurement: the estimate is raised
VIDEO = "公安视频图像解析应用"  # implementation: its 进度款 is overdue
REGISTRY = "不动产登记“一件事”系统"  # operation: 验收款 and 质保金 after final acceptance, then 结算
PLANNING = "国土空间规划“一张图”实施监督系统"  # implementation: a supervising firm


def _on(day: dt.date):
    """The clock at 10:00 Shanghai of that day (the lifecycle dates what it records by the clock)."""
    return time_machine.travel(dt.datetime.combine(day, dt.time(10, 0), tzinfo=SHANGHAI), tick=False)


def _cut(amount: Decimal, share: str) -> Decimal:
    return (amount * Decimal(share) / 100).quantize(Decimal("0.01"))


def load(users: dict[str, User], made: dict[str, Project]) -> None:
    today = clock.today()
    ndrc = users["ndrc"]

    highway = made[HIGHWAY]
    owner = users["transport_group_owner"]
    with _on(today - dt.timedelta(days=12)):
        lifecycle.ACTION_FUNCTIONS["apply_estimate_change"](
            highway.pk,
            actor=owner,
            new_amount=Decimal("6900000.00"),
            reason="新增隧道段视频事件检测与应急联动功能，建设内容经行业主管部门确认",
            funding_source="市级财政追加安排50万元",
            material="《数字高速运营平台调整概算报告》（衢交投〔2026〕18号）",
        )
    with _on(today - dt.timedelta(days=8)):
        lifecycle.ACTION_FUNCTIONS["decide_estimate_change"](
            highway.pk, actor=ndrc, decision="approve", reason="调整理由充分，资金来源已落实，核定新概算"
        )

    video = made[VIDEO]
    owner = users["police_owner"]
    contract = Contract.objects.filter(project=video).order_by("pk").first()
    assert contract is not None  # procurement signed one
    signed = contract.signed_on
    with _on(signed + dt.timedelta(days=2)):
        lifecycle.ACTION_FUNCTIONS["set_payment_schedule"](
            video.pk,
            actor=owner,
            contract_id=contract.pk,
            milestones=[
                {"name": "预付款", "share": Decimal("30"), "due_on": signed + dt.timedelta(days=10)},
                {"name": "进度款", "share": Decimal("40"), "due_on": signed + dt.timedelta(days=60)},
                {"name": "验收款", "share": Decimal("30"), "due_on": clock.add_months(signed, 8)},
            ],
        )
    with _on(signed + dt.timedelta(days=9)):
        lifecycle.ACTION_FUNCTIONS["record_payment"](
            video.pk,
            actor=owner,
            contract_id=contract.pk,
            amount=_cut(contract.amount, "30"),
            paid_on=clock.today(),
            milestone="预付款",
        )
    # the 进度款 fell due 60 days after signing and is not paid: overdue (SUPV-05)

    registry = made[REGISTRY]
    owner = users["resources_owner"]
    contract = Contract.objects.filter(project=registry).order_by("pk").first()
    assert contract is not None and registry.final_accepted_on is not None
    accepted = registry.final_accepted_on
    paid = sum((p.amount for p in contract.payments.all()), Decimal("0.00"))
    retention = _cut(contract.amount, "5")
    with _on(accepted + dt.timedelta(days=1)):
        lifecycle.ACTION_FUNCTIONS["set_payment_schedule"](
            registry.pk,
            actor=owner,
            contract_id=contract.pk,
            milestones=[
                {"name": "预付款", "amount": paid, "due_on": contract.signed_on + dt.timedelta(days=30)},
                {
                    "name": "验收款",
                    "amount": contract.amount - paid - retention,
                    "due_on": accepted + dt.timedelta(days=10),
                },
                {"name": "质保金", "amount": retention, "due_on": today - dt.timedelta(days=3)},
            ],
        )
    with _on(accepted + dt.timedelta(days=7)):
        lifecycle.ACTION_FUNCTIONS["record_payment"](
            registry.pk,
            actor=owner,
            contract_id=contract.pk,
            amount=contract.amount - paid - retention,
            paid_on=clock.today(),
            milestone="验收款",
        )
    with _on(today - dt.timedelta(days=3)):
        lifecycle.ACTION_FUNCTIONS["record_payment"](
            registry.pk,
            actor=owner,
            contract_id=contract.pk,
            amount=retention,
            paid_on=clock.today(),
            milestone="质保金",
        )
    with _on(today - dt.timedelta(days=1)):
        lifecycle.ACTION_FUNCTIONS["record_settlement"](
            registry.pk,
            actor=owner,
            contract_id=contract.pk,
            amount=contract.amount,
            settled_on=clock.today(),
        )

    planning = made[PLANNING]
    contract = Contract.objects.filter(project=planning).order_by("pk").first()
    assert contract is not None
    with _on(contract.signed_on + dt.timedelta(days=3)):
        lifecycle.ACTION_FUNCTIONS["record_supervision"](
            planning.pk,
            actor=users["resources_owner"],
            firm="浙江数智信息工程监理有限公司",
            amount=Decimal("68000.00"),
            signed_on=clock.today(),
            scope="需求、设计、开发、测试、初验全过程监理",
        )
