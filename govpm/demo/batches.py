"""Demo data of PLAN-05, PERF-01 and PERF-02: the 绩效目标 of every demo need, a closed 申报批次 with its
需求汇总表 and 年度项目计划, an open batch with pooled needs, and a post-evaluation scored per target
whose low result lowers its unit's ORG-03 figure."""

from __future__ import annotations

# Per demo need, its 绩效目标 (indicator, target value, unit, by when); others get the general pair.
TARGETS = {
    "家庭医生签约服务应用": [
        ("重点人群家庭医生签约率", "75", "%", "2027-12-31"),
        ("签约服务线上办理率", "90", "%", "2027-06-30"),
    ],
    "智慧校园安全管理平台": [("接入学校数", "120", "所", "2026-12-31")],
}
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
