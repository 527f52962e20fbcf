"""Demo data of PLAN-05, PERF-01 and PERF-02: the 绩效目标 of every demo need, a closed 申报批次 with its
需求汇总表 and 年度项目计划, an open batch with pooled needs, and a post-evaluation scored per target
whose low result lowers its unit's ORG-03 figure."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import time_machine

from govpm.core import clock

# Per demo need, its 绩效目标 (indicator, target value, unit, by when); others get the general pair.
TARGETS = {
    "家庭医生签约服务应用": [
        ("重点人群家庭医生签约率", "75", "%", "2027-12-31"),
        ("签约服务线上办理率", "90", "%", "2027-06-30"),
    ],
    "智慧校园安全管理平台": [("接入学校数", "120", "所", "2026-12-31")],
    "医疗机构预约挂号统一平台": [
        ("基层医疗机构接入率", "75", "%", "2025-12-31"),
        ("线上预约办理率", "90", "%", "2025-12-31"),
    ],
}
# name, demo account of the owner unit, requested estimate
CLOSED_BATCH = [
    ("城市停车泊位共享平台", "police_owner", "1860000.00"),
    ("基层卫生健康服务管理系统", "owner", "560000.00"),
    ("地质灾害风险监测预警应用", "resources_owner", "2280000.00"),
]
OPEN_BATCH = [
    ("120急救调度智能辅助系统", "owner", "1720000.00"),
    ("公路养护数字化管理平台", "transport_group_owner", "980000.00"),
]
LOW_RESULT = "医疗机构预约挂号统一平台"
GENERAL = [
    ("事项网上可办率", "95", "%", "2027-12-31"),
    ("数据共享接口调用量", "100000", "次/年", "2027-12-31"),
]


def targets_for(name: str) -> list[dict]:
    rows = TARGETS.get(name, GENERAL)
    return [
        {"indicator": indicator, "target_value": value, "unit": unit, "due_by": due}
        for indicator, value, unit, due in rows
    ]


def _need(cast, name: str, estimate: str):
    from govpm.projects import lifecycle
    from govpm.projects.scenarios import GOOD_FACTS

    return lifecycle.create_project(
        actor=cast.owner,
        name=name,
        summary=f"{name}：建设需求说明（演示）",
        facts=GOOD_FACTS,
        requested_estimate=Decimal(estimate),
        performance_targets=targets_for(name),
    )


def load(users: dict, made: dict) -> None:
    """A closed batch with its 汇总表 and 年度项目计划, an open batch with pooled needs, and a low
    post-evaluation scored per target (市卫健委's, which its next needs review and ORG-03 then show)."""
    from govpm.demo import loader
    from govpm.documents import batches
    from govpm.materials import demo_files
    from govpm.projects import lifecycle
    from govpm.projects.scenarios import advance

    office = users["smart_office"]
    now = clock.now()
    # A post-evaluation whose result is low: a target not met, 58 overall (PERF-02, counted in ORG-03). Walked
    # first, so that it was pooled before any batch existed.
    cast = loader._cast(users, "owner")
    with time_machine.travel(now - dt.timedelta(days=650), tick=False) as traveller:
        project = advance(_need(cast, LOW_RESULT, "1380000.00"), cast, to="operation", shift=traveller.shift)
        traveller.shift(dt.timedelta(days=367))
        demo_files.attach_for(project.pk, "record_post_evaluation", office)
        targets = list(project.performance_targets.all())
        lifecycle.record_post_evaluation(
            project.pk,
            actor=office,
            evaluator="衢州市数字化项目后评估专家组（演示）",
            score=Decimal("58.00"),
            use_findings="上线一年，基层医疗机构接入不足，线上预约使用率低于预期",
            security_findings="已完成等保测评，未发现重大安全隐患",
            target_scores=[
                {
                    "target_id": targets[0].pk,
                    "achieved_value": Decimal("41"),
                    "result": "not_met",
                    "score": Decimal("35.00"),
                    "note": "平台统计：接入率41%，未达75%的目标",
                },
                {
                    "target_id": targets[1].pk,
                    "achieved_value": Decimal("82"),
                    "result": "partly",
                    "score": Decimal("70.00"),
                    "note": "线上办理率82%，接近目标",
                },
            ],
        )
    # A batch of last quarter, closed: its needs were pooled while it was open.
    with time_machine.travel(now - dt.timedelta(days=100), tick=False) as traveller:
        closed = batches.open_batch(
            actor=office,
            name=f"{clock.today().year}年度第一批",
            closes_on=clock.today() + dt.timedelta(days=30),
        )
        for name, owner, estimate in CLOSED_BATCH:
            advance(
                _need(loader._cast(users, owner), name, estimate),
                loader._cast(users, owner),
                to="pooled",
                shift=traveller.shift,
            )
        traveller.move_to(now - dt.timedelta(days=70))
        batches.close_batch(closed.pk, actor=office, budget_year=clock.today().year + 1)
    # The batch open now, with needs already pooled in it.
    with time_machine.travel(now - dt.timedelta(days=3), tick=False) as traveller:
        batches.open_batch(
            actor=office,
            name=f"{clock.today().year}年度第二批",
            closes_on=clock.today() + dt.timedelta(days=30),
        )
    for name, owner, estimate in OPEN_BATCH:
        cast = loader._cast(users, owner)
        advance(_need(cast, name, estimate), cast, to="pooled")
