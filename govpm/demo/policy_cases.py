"""Demo data of the policy text read as written: a top-level design whose tasks needs name (PLAN-06), a
merge whose implementing unit smart_office chose (PLAN-07), a city project 江山市 co-funds and signs a
contract of (COORD-10), a third-party estimate review (COORD-08), a tender's bidders (COORD-07) and a
new need started from a rejected one (DOC-01). The rejected and returned needs of the loader carry their
notices already. All through the real services, at the dates they would have happened."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import time_machine

from govpm.accounts.models import Unit, User
from govpm.core import clock
from govpm.demo import batches
from govpm.materials import demo_files
from govpm.projects import lifecycle
from govpm.projects.lifecycle.designs import create_design
from govpm.projects.lifecycle.intake import copy_need
from govpm.projects.models import Project
from govpm.projects.scenarios import GOOD_FACTS, Cast, advance, record_code


def _cast(users: dict[str, User], owner: str) -> Cast:
    return Cast(
        owner=users[owner],
        bdb=users["bdb"],
        smart_office=users["smart_office"],
        leading_group=users["leading_group"],
        ndrc=users["ndrc"],
        review_center=users["review_center"],
        finance=users["finance"],
        experts=[users["expert"], users["expert2"]],
        reviewers={
            code: users[code]
            for code in ["bdb", "cac", "bizenv", "ndrc", "finance", "regulator", "review_center"]
        },
    )


def _need(cast: Cast, name: str, estimate: str, **facts) -> Project:
    return lifecycle.create_project(
        actor=cast.owner,
        name=name,
        summary=f"{name}：建设需求说明（演示）",
        facts={**GOOD_FACTS, **facts},
        requested_estimate=Decimal(estimate),
        performance_targets=batches.targets_for(name),
    )


def load(users: dict[str, User], made: dict[str, Project]) -> None:
    _design(users, made)
    _merge(users)
    _cofunded(users)
    with time_machine.travel(clock.now() - dt.timedelta(days=3), tick=False):
        lifecycle.record_estimate_review(
            made["警务协同办公系统升级"].pk,
            actor=users["smart_office"],
            firm="浙江某工程咨询有限公司（演示）",
            reviewed_amount=Decimal("1228500.00"),
            reviewed_on=clock.today(),
            report="第三方概算评审报告（演示）",
            note="服务器数量按实际并发核减，软件开发工作量按功能点复核",
        )
    # DOC-01: the health commission starts again from its rejected machine-room need, corrected.
    retry = copy_need(made["市卫健委新建数据机房"].pk, actor=users["owner"])
    lifecycle.update_draft(
        retry.pk,
        actor=users["owner"],
        name="市卫健委业务系统迁移上云",
        facts={"new_server_room": False},
        summary="按不予受理告知书意见，改为迁移至市云计算中心（演示）",
    )


def _design(users: dict[str, User], made: dict[str, Project]) -> None:
    """PLAN-06: the working group's design, and two drafts naming the task they serve."""
    with time_machine.travel(clock.now() - dt.timedelta(days=90), tick=False):
        design = create_design(
            actor=users["bdb"],
            title="衢州市城市大脑2.0顶层设计（演示）",
            working_group="市大数据局、市营商办联合工作小组；市卫健委、市公安局、市自然资源局参与",
            layers=["business_app", "app_support", "data_resource", "infrastructure", "standard"],
            plan="2026年完成公共数据归集和一体化智能化公共数据平台扩容；2027年完成“一网统管”重点应用上线。",
            tasks=["公共数据归集与治理", "基层治理“一网统管”", "卫生健康数字化改革"],
        )
    tasks = {task.title: task.pk for task in design.tasks.all()}
    lifecycle.update_draft(
        made["医学影像云胶片应用"].pk, actor=users["owner"], design_task_id=tasks["卫生健康数字化改革"]
    )
    lifecycle.update_draft(
        made["江山市基层治理四平台对接"].pk,
        actor=users["county_owner"],
        design_task_id=tasks["基层治理“一网统管”"],
    )


def _merge(users: dict[str, User]) -> None:
    """PLAN-07: smart_office merges the health commission's need into the police bureau's and gives the
    combined project to the health commission; the police bureau keeps reading it."""
    start = clock.now() - dt.timedelta(days=11)
    with time_machine.travel(start, tick=False) as traveller:
        police, health = _cast(users, "police_owner"), _cast(users, "owner")
        host = _need(police, "城市应急联动指挥平台", "2800000.00")
        merged = _need(health, "院前急救调度信息系统", "900000.00")
        advance(host, police, to="pooled", shift=traveller.shift)
        advance(merged, health, to="pooled", shift=traveller.shift)
        lifecycle.open_scheme(
            host.pk,
            actor=users["smart_office"],
            merge_ids=[merged.pk],
            implementing_unit_id=users["owner"].unit_id,
            note="急救调度与应急联动统筹建设，由市卫健委实施（PLAN-07）",
        )


def _cofunded(users: dict[str, User]) -> None:
    """COORD-10: a city project 江山市 co-funds; 江山市人民政府 holds its share, sees the project and signs
    its own contract under the one tender (统采分签、分级负担)."""
    county = Unit.objects.get(code="jiangshan")
    cast = _cast(users, "resources_owner")
    start = clock.now() - dt.timedelta(days=70)
    with time_machine.travel(start, tick=False) as traveller:
        project = _need(
            cast, "市县一体化不动产数据共享平台", "2400000.00", architecture_layers=["data_resource"]
        )
        advance(project, cast, to="approval", shift=traveller.shift)
        lifecycle.accept_application(project.pk, actor=cast.ndrc)
        record_code(project, cast)
        traveller.shift(dt.timedelta(days=1))
        lifecycle.issue_design_approval(project.pk, actor=cast.ndrc, approval_text="同意初步设计")
        demo_files.attach_for(project.pk, "issue_price_review", cast.review_center)
        lifecycle.issue_price_review(project.pk, actor=cast.review_center, review_text="按概算价出具")
        project.refresh_from_db()
        amount = project.approved_estimate
        assert amount is not None  # fixed by the consultation
        county_share = Decimal("600000.00")
        lifecycle.record_funding(
            project.pk,
            actor=cast.finance,
            amount=amount,
            decided_on=clock.today(),
            source="市级财政资金、江山市财政资金",
            shares=[
                {"region_code": project.owner_unit.region_code, "amount": amount - county_share},
                {"region_code": county.region_code, "amount": county_share, "unit_id": county.pk},
            ],
        )
        lifecycle.start_procurement(project.pk, actor=cast.owner)
        traveller.shift(dt.timedelta(days=7))
        demo_files.attach_for(project.pk, "record_tender", cast.owner)
        tender = lifecycle.record_tender(
            project.pk,
            actor=cast.owner,
            title="市县一体化不动产数据共享平台建设（统一招标）",
            ceiling=amount,
            published_on=clock.today(),
            bidders=["浙江某信息技术有限公司", "杭州某数据科技有限公司", "衢州某软件有限公司"],
        )
        traveller.shift(dt.timedelta(days=25))
        for signing_unit, share in [(project.owner_unit, amount - county_share), (county, county_share)]:
            demo_files.attach_for(project.pk, "record_contract", cast.owner)
            lifecycle.record_contract(
                project.pk,
                actor=cast.owner,
                tender_id=tender.pk,
                supplier="浙江某信息技术有限公司",
                amount=(share * Decimal("0.95")).quantize(Decimal("0.01")),
                signed_on=clock.today(),
                signing_unit_id=signing_unit.pk,
            )
        lifecycle.start_implementation(project.pk, actor=cast.owner)
