"""Demo data for `make demo`: one account per role and projects in every stage, made by replaying their
history through the real lifecycle functions at the dates it would have happened (time-machine moves
the clock, never the records)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import time_machine
from django.db import transaction

from govpm.accounts.codes import make_credit_code
from govpm.accounts.models import Unit, User
from govpm.accounts.reference import ensure_reference_units
from govpm.core import clock
from govpm.core.models import Holiday
from govpm.demo import batches, payments, supervision
from govpm.materials import demo_files
from govpm.projects import lifecycle
from govpm.projects.lifecycle.deadlines import process_deadlines
from govpm.projects.models import Expert, Project, ReviewTask, Specialty
from govpm.projects.scenarios import ALL_CLEAR, GOOD_FACTS, Cast, advance, enrol_experts

PASSWORD = "govpm-demo"

OWNER_UNITS = [
    ("health", "衢州市卫生健康委员会", "市卫健委", "department", "330800"),
    ("police", "衢州市公安局", "市公安局", "department", "330800"),
    ("resources", "衢州市自然资源和规划局", "市自然资源局", "department", "330800"),
    ("education", "衢州市教育局", "市教育局", "department", "330800"),
    ("transport_group", "衢州市交通投资集团有限公司", "市交投集团", "enterprise", "330800"),
]
# username, role, unit code, shown name
ACCOUNTS = [
    ("owner", "owner", "health", "市卫健委项目联络员（演示）"),
    ("county_owner", "owner", "jiangshan", "江山市项目联络员（演示）"),
    ("bdb", "bdb", "bdb", "市大数据局审核员（演示）"),
    ("smart_office", "smart_office", "smart_office", "市智慧办经办人（演示）"),
    ("bizenv", "bizenv", "bizenv", "市营商办督查员（演示）"),
    ("cac", "cac", "cac", "市委网信办评审员（演示）"),
    ("ndrc", "ndrc", "ndrc", "市发改委审批员（演示）"),
    ("finance", "finance", "finance", "市财政局经办人（演示）"),
    ("regulator", "regulator", "regulator", "市监管办评审员（演示）"),
    ("review_center", "review_center", "review_center", "市评审中心评审员（演示）"),
    ("expert", "expert", "experts", "信息化专家甲（演示）"),
    ("expert2", "expert", "experts", "信息化专家乙（演示）"),
    ("expert3", "expert", "experts", "卫健信息化专家丙（演示）"),
    ("leading_group", "leading_group", "leading_group", "领导小组审定人（演示）"),
    ("observer", "observer", "smart_office", "考核监督人员（演示，只读）"),
    ("police_owner", "owner", "police", "市公安局项目联络员（演示）"),
    ("resources_owner", "owner", "resources", "市自然资源局项目联络员（演示）"),
    ("education_owner", "owner", "education", "市教育局项目联络员（演示）"),
]
# The 2026 holiday calendar (国务院办公厅 notice); a deployment checks it against the notice of each year.
HOLIDAYS_2026 = {
    "2026-01-01": "元旦",
    "2026-01-02": "元旦",
    "2026-01-03": "元旦",
    "2026-02-15": "春节",
    "2026-02-16": "春节",
    "2026-02-17": "春节",
    "2026-02-18": "春节",
    "2026-02-19": "春节",
    "2026-02-20": "春节",
    "2026-02-21": "春节",
    "2026-02-22": "春节",
    "2026-02-23": "春节",
    "2026-04-04": "清明节",
    "2026-04-05": "清明节",
    "2026-04-06": "清明节",
    "2026-05-01": "劳动节",
    "2026-05-02": "劳动节",
    "2026-05-03": "劳动节",
    "2026-05-04": "劳动节",
    "2026-05-05": "劳动节",
    "2026-06-19": "端午节",
    "2026-06-20": "端午节",
    "2026-06-21": "端午节",
    "2026-09-25": "中秋节",
    "2026-09-26": "中秋节",
    "2026-09-27": "中秋节",
    "2026-10-01": "国庆节",
    "2026-10-02": "国庆节",
    "2026-10-03": "国庆节",
    "2026-10-04": "国庆节",
    "2026-10-05": "国庆节",
    "2026-10-06": "国庆节",
    "2026-10-07": "国庆节",
}
MAKE_UP_DAYS_2026 = ["2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09", "2026-09-20", "2026-10-10"]

# name, owner username, facts, stage to reach, days ago it started, estimate (元)
PROJECTS: list[tuple[str, str, dict, str, int, str]] = [
    (
        "衢州市全民健康信息平台升级",
        "owner",
        {"priority_claims": [{"code": "plan_task", "evidence": "纳入全市数字化规划"}]},
        "evaluated",
        640,
        "3600000.00",
    ),
    ("“城市大脑”交通治理应用", "police_owner", {}, "evaluated", 630, "5200000.00"),
    ("不动产登记“一件事”系统", "resources_owner", {}, "operation", 260, "1800000.00"),
    ("智慧校园安全管理平台", "education_owner", {}, "operation", 255, "950000.00"),
    ("基层医疗机构远程诊疗系统", "owner", {}, "final_acceptance", 240, "2100000.00"),
    ("公安视频图像解析应用", "police_owner", {"category": 3}, "implementation", 120, "4300000.00"),
    (
        "国土空间规划“一张图”实施监督系统",
        "resources_owner",
        {"architecture_layers": ["data_resource", "app_support"]},
        "implementation",
        110,
        "2750000.00",
    ),
    ("交投集团数字高速运营平台", "transport_group_owner", {}, "procurement", 60, "6400000.00"),
    (
        "江山市共享公共数据仓",
        "county_owner",
        {"level": "county", "architecture_layers": ["data_resource"]},
        "funded",
        45,
        "880000.00",
    ),
    (
        "家庭医生签约服务应用",
        "owner",
        {"priority_claims": [{"code": "innovative", "evidence": "省级创新案例"}]},
        "approval",
        30,
        "1250000.00",
    ),
    ("生态环境智能监测数据归集", "resources_owner", {"category": 3}, "approval", 40, "1650000.00"),
    ("学生综合素质评价系统", "education_owner", {}, "consultation", 20, "720000.00"),
    (
        "警务协同办公系统升级",
        "police_owner",
        {"category": 4, "build_type": "renovation"},
        "joint_review",
        15,
        "1350000.00",
    ),
    ("卫生应急指挥调度应用", "owner", {}, "joint_review", 12, "2400000.00"),
    ("自然资源执法监管系统", "resources_owner", {}, "scheme", 10, "980000.00"),
    (
        "公共卫生智能预警系统",
        "owner",
        {
            "priority_claims": [
                {"code": "national_pilot", "evidence": "国家卫健委试点批复"},
                {"code": "plan_task", "evidence": "全市数字化规划"},
            ]
        },
        "pooled",
        8,
        "3100000.00",
    ),
    (
        "江山市乡村数字基础设施",
        "county_owner",
        {"level": "county", "architecture_layers": ["infrastructure"]},
        "pooled",
        7,
        "1500000.00",
    ),
    ("交投集团数据中台", "transport_group_owner", {}, "submitted", 5, "2600000.00"),
    ("户政业务网上办系统", "police_owner", {}, "submitted", 4, "640000.00"),
    (
        "卫健系统信息安全等保整改",
        "owner",
        {"category": 5, "build_type": "maintenance"},
        "returned",
        6,
        "420000.00",
    ),
    ("市卫健委新建数据机房", "owner", {"new_server_room": True}, "rejected", 9, "5800000.00"),
    (
        "国土资源大屏指挥系统",
        "resources_owner",
        {"system_kinds": ["big_screen"]},
        "rejected",
        9,
        "1900000.00",
    ),
    (
        "教育局移动办公APP",
        "education_owner",
        {"system_kinds": ["standalone_app"]},
        "rejected",
        3,
        "300000.00",
    ),
    ("医学影像云胶片应用", "owner", {}, "draft", 1, "780000.00"),
    (
        "江山市基层治理四平台对接",
        "county_owner",
        {"level": "county", "architecture_layers": ["app_support"]},
        "draft",
        1,
        "560000.00",
    ),
    (
        "江山市乡镇政务大厅业务系统",
        "county_owner",
        {"architecture_layers": ["business_app"]},  # a county need of no named kind (SCOPE-03, SCOPE-05)
        "out_of_scope",
        4,
        "380000.00",
    ),
    ("智慧医院预约挂号子需求", "owner", {}, "merged", 12, "300000.00"),
    ("公安内部视频会议系统", "police_owner", {}, "withdrawn", 14, "900000.00"),
    ("交投集团办公自动化系统", "transport_group_owner", {}, "terminated", 25, "450000.00"),
]


def _units() -> dict[str, Unit]:
    ensure_reference_units(Unit)
    for code, name, short, kind, region in OWNER_UNITS:
        Unit.objects.update_or_create(
            code=code, defaults={"name": name, "short_name": short, "kind": kind, "region_code": region}
        )
    units = {unit.code: unit for unit in Unit.objects.order_by("pk")}
    for serial, unit in enumerate(units.values(), start=1):
        if not unit.credit_code and unit.kind != Unit.Kind.EXPERTS:
            org_type = "91" if unit.kind == Unit.Kind.ENTERPRISE else "11"
            unit.credit_code = make_credit_code(f"{org_type}{unit.region_code}MB{serial:07d}")
            unit.save(update_fields=["credit_code"])
    return units


def _accounts(units: dict[str, Unit]) -> dict[str, User]:
    users = {}
    accounts = [
        *ACCOUNTS,
        ("transport_group_owner", "owner", "transport_group", "市交投集团项目联络员（演示）"),
    ]
    for username, role, unit_code, shown in accounts:
        user, _ = User.objects.update_or_create(
            username=username,
            defaults={"role": role, "unit": units[unit_code], "display_name": shown, "is_active": True},
        )
        user.set_password(PASSWORD)
        user.save(update_fields=["password"])
        users[username] = user
    admin, created = User.objects.get_or_create(
        username="admin",
        defaults={
            "role": "observer",
            "is_staff": True,
            "is_superuser": True,
            "display_name": "系统管理员（演示）",
        },
    )
    admin.set_password(PASSWORD)
    admin.save(update_fields=["password"])
    users["admin"] = admin
    return users


def _cast(users: dict[str, User], owner: str) -> Cast:
    reviewers = {
        code: users[code]
        for code in ["bdb", "cac", "bizenv", "ndrc", "finance", "regulator", "review_center"]
    }
    cast = Cast(
        owner=users[owner],
        bdb=users["bdb"],
        smart_office=users["smart_office"],
        leading_group=users["leading_group"],
        ndrc=users["ndrc"],
        review_center=users["review_center"],
        finance=users["finance"],
        experts=[users["expert"], users["expert2"]],
        reviewers=reviewers,
    )
    enrol_experts(cast)  # the demo experts are in the library the draws read (COORD-07)
    health = users["owner"].unit
    if health is not None and not Expert.objects.filter(user=users["expert3"]).exists():
        # Employed by the health commission: every draw for its projects excludes them (回避, COORD-07).
        lifecycle.add_expert(
            actor=users["smart_office"],
            user_id=users["expert3"].pk,
            name=str(users["expert3"]),
            specialties=[Specialty.SOFTWARE],
            employer_name=health.name,
            employer_unit_id=health.pk,
        )
    return cast


def _walk(name: str, cast: Cast, facts: dict, stage: str, days_ago: int, estimate: str) -> Project:
    start = clock.now() - dt.timedelta(days=days_ago)
    with time_machine.travel(start, tick=False) as traveller:
        project = lifecycle.create_project(
            actor=cast.owner,
            name=name,
            summary=f"{name}：建设需求说明（演示）",
            facts={**GOOD_FACTS, **facts},
            requested_estimate=Decimal(estimate),
            performance_targets=batches.targets_for(name),
        )
        if stage == "draft":
            return project
        if stage in {"rejected", "out_of_scope"}:
            demo_files.attach_for(project.pk, "submit", cast.owner)
            lifecycle.submit(project.pk, actor=cast.owner)
            return project
        if stage == "returned":
            demo_files.attach_for(project.pk, "submit", cast.owner)
            lifecycle.submit(project.pk, actor=cast.owner)
            lifecycle.review_needs(
                project.pk,
                actor=cast.bdb,
                decision="return",
                answers=ALL_CLEAR,
                comment="请补充绩效目标和内部整合情况",
            )
            return project
        if stage == "merged":  # PLAN-07: smart_office merges it into a larger project of the same field
            advance(project, cast, to="pooled", shift=traveller.shift)
            host = lifecycle.create_project(
                actor=cast.owner,
                name=f"{name.removesuffix('子需求')}统筹建设项目",
                summary="合并谋划的大型数字化项目（演示）",
                facts={**GOOD_FACTS, **facts},
                requested_estimate=Decimal(estimate) * 3,
                performance_targets=batches.targets_for(name),
            )
            advance(host, cast, to="pooled", shift=traveller.shift)
            lifecycle.open_scheme(
                host.pk, actor=cast.smart_office, merge_ids=[project.pk], note="同类需求统筹建设（PLAN-02）"
            )
            return project
        if stage in {"withdrawn", "terminated"}:
            advance(project, cast, to="pooled", shift=traveller.shift)
            if stage == "withdrawn":
                lifecycle.withdraw(project.pk, actor=cast.owner, reason="业务需求已由省级统建平台满足")
            else:
                lifecycle.terminate(
                    project.pk, actor=cast.smart_office, reason="与市级统建项目重复，统筹后终止"
                )
            return project
        return advance(project, cast, to=stage, shift=traveller.shift)


@transaction.atomic
def load() -> bool:
    """Idempotent: with demo accounts present it changes nothing. True when it loaded the data now."""
    if User.objects.filter(username="owner").exists():
        return False
    for day, name in HOLIDAYS_2026.items():
        Holiday.objects.update_or_create(date=day, defaults={"name": name, "is_workday": False})
    for day in MAKE_UP_DAYS_2026:
        Holiday.objects.update_or_create(date=day, defaults={"name": "调休上班", "is_workday": True})
    users = _accounts(_units())
    made = {}
    for name, owner, facts, stage, days_ago, estimate in PROJECTS:
        made[name] = _walk(name, _cast(users, owner), facts, stage, days_ago, estimate)
    _extras(users, made)
    payments.load(users, made)  # IMPL-07, IMPL-08, SUPV-05: estimate change, schedules, 质保金, supervision
    process_deadlines()
    from govpm.demo import (  # issue 16: inventory, use reports, plans (INV-01..04, PORT-01..03)
        policy_cases,
        portfolio,
    )

    portfolio.load(users, made)
    policy_cases.load(users, made)  # DOC-01, COORD-07/08/10, PLAN-06/07
    supervision.load(users, made)  # IMPL-09, SUPV-06, IMPL-10, ORG-04 (after the inventory's enrolment)
    _targets(users["bdb"], assigner=users["smart_office"])
    batches.load(users, made)  # PLAN-05, PERF-01, PERF-02: batches, the annual plan, a low post-evaluation
    return True


def account_lines(base_url: str) -> list[str]:
    """One line per demo account, with its role and unit; read from the database on every run, so a
    second `make demo` lists them as the first did. `admin` is the superuser of Django's admin site:
    its role field (observer, read-only in the platform) would mislead, so it is shown for what it is."""
    usernames = [username for username, *_ in ACCOUNTS] + ["transport_group_owner"]
    users = {u.username: u for u in User.objects.filter(username__in=usernames).select_related("unit")}
    lines = [
        f"{users[name].username:<22}{users[name].get_role_display()}｜{users[name].unit or '系统管理'}"
        for name in usernames
        if name in users
    ]
    if User.objects.filter(username="admin", is_superuser=True).exists():
        lines.append(f"{'admin':<22}系统管理员｜管理后台 {base_url}/admin/")
    return lines


def _targets(entered_by: User, *, assigner: User) -> None:
    """The gazette's targets (reviewed data files), with a first year of measured values to assess."""
    from govpm.targets.curated import load_curated
    from govpm.targets.models import Indicator, Task, TaskShare
    from govpm.targets.observations import record_observation
    from govpm.targets.responsibility import assign_unit
    from govpm.targets.tasks import record_progress

    load_curated()
    # TGT-08: the documents name no unit per indicator; 市智慧办 assigns them (audited).
    responsible = {
        "衢政发〔2020〕10号": "health",
        "衢政办发〔2020〕9号": "resources",
        "衢政发〔2020〕9号": "resources",
    }
    units = {unit.code: unit for unit in Unit.objects.filter(code__in=set(responsible.values()))}
    for indicator in Indicator.objects.select_related("document").order_by("id"):
        assign_unit(indicator.pk, actor=assigner, unit_id=units[responsible[indicator.document.number]].pk)
    for index, indicator in enumerate(
        Indicator.objects.filter(baseline_value__isnull=False).order_by("id")[:24]
    ):
        # A year on from the baseline: most indicators moved a little, some the wrong way.
        step = Decimal("1.03") if index % 4 else Decimal("0.97")
        assert indicator.baseline_value is not None  # filtered above
        value = (indicator.baseline_value * step).quantize(Decimal("0.01"))
        if indicator.unit == "%":
            value = min(value, Decimal(100))  # TGT-09: a percentage cannot pass 100
        record_observation(
            indicator.pk,
            actor=entered_by,
            period=2020,
            value=value,
            source="演示数据：统计部门年报",
        )
    for task in Task.objects.all():
        for share in TaskShare.objects.filter(task=task, year=2020).exclude(region_code="330800"):
            done = share.planned * (
                Decimal("1.10") if share.region_code in {"330881", "330824"} else Decimal("0.85")
            )
            record_progress(
                task.pk,
                actor=entered_by,
                region_code=share.region_code,
                year=2020,
                completed=done.quantize(Decimal("0.01")),
                source="演示数据：林业部门统计",
            )


def _extras(users: dict[str, User], made: dict[str, Project]) -> None:
    """What the plain walks leave out: a zombie bar and the need it stopped, an overdue approval, a half-done review."""
    cast = _cast(users, "education_owner")
    with time_machine.travel(clock.now() - dt.timedelta(days=2), tick=False):
        lifecycle.list_zombie(
            made["智慧校园安全管理平台"].pk, actor=users["bdb"], reason="连续12个月无有效访问，列入僵尸系统"
        )
        barred = lifecycle.create_project(
            actor=cast.owner,
            name="教育资源公共服务平台",
            facts=GOOD_FACTS,
            requested_estimate=Decimal("680000.00"),
            performance_targets=batches.targets_for("教育资源公共服务平台"),
        )
        demo_files.attach_for(barred.pk, "submit", cast.owner)
        lifecycle.submit(barred.pk, actor=cast.owner)  # REJ-09: the unit is barred for 2 years
    late = made["生态环境智能监测数据归集"]
    with time_machine.travel(clock.now() - dt.timedelta(days=6), tick=False):
        lifecycle.accept_application(
            late.pk, actor=users["ndrc"]
        )  # TIME-01 passes without the design approval
    on_time = made["家庭医生签约服务应用"]
    lifecycle.accept_application(on_time.pk, actor=users["ndrc"])
    half = made["卫生应急指挥调度应用"]
    for task in ReviewTask.objects.filter(project=half, round=half.review_round)[:5]:
        lifecycle.record_opinion(
            half.pk,
            actor=_cast(users, "owner").reviewer_for(task),
            opinion="agree",
            comment="同意，建议加强数据共享",
        )
