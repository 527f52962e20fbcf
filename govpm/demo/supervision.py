"""Demo data of 三(三), 三(四) and 五 as written: a one-unit and a "1+1" inspection (IMPL-09), a project past
half its planned period with no mid-term review and one reviewed on time (SUPV-06), a project accepted
by a provincial body and filed with smart_office (IMPL-10), and a leading-group exemption with a tender
published under it (ORG-04) — all through the real lifecycle functions, at the dates they happen."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import time_machine

from govpm.accounts.models import User
from govpm.core import clock
from govpm.demo import batches
from govpm.materials import demo_files
from govpm.projects import lifecycle
from govpm.projects.lifecycle.deadlines import process_deadlines
from govpm.projects.models import Project
from govpm.projects.scenarios import DICTIONARY, GOOD_FACTS, advance

EXTERNAL = "医保移动支付省级试点应用"


def load(users: dict[str, User], made: dict[str, Project]) -> None:
    from govpm.demo.loader import _cast  # the loader's cast of users, one per role

    today = clock.today()
    bdb, bizenv, smart_office = users["bdb"], users["bizenv"], users["smart_office"]

    # IMPL-09: the same project inspected by bdb alone, then by bizenv and bdb together ("1+1").
    spatial = made["国土空间规划“一张图”实施监督系统"]
    lifecycle.record_inspection(
        spatial.pk,
        actor=bdb,
        inspected_on=today - dt.timedelta(days=40),
        result="on_track",
        findings="抽查数据归集模块，进度符合计划",
    )
    lifecycle.record_inspection(
        spatial.pk,
        actor=bizenv,
        inspected_on=today - dt.timedelta(days=12),
        result="issues",
        findings="规划实施评估模块联调滞后约两周，已要求承建单位增加人手",
        joint_with="bdb",
        participants="市营商办督查科；市大数据局项目管理处",
    )

    # SUPV-06: one project reviewed at mid-term with its participants; one past half with none (flagged
    # by the deadline pass that follows in the loader).
    spatial_owner = users["resources_owner"]
    lifecycle.plan_implementation(
        spatial.pk,
        actor=spatial_owner,
        starts_on=today - dt.timedelta(days=80),
        ends_on=today + dt.timedelta(days=100),
    )
    lifecycle.record_midterm_review(
        spatial.pk,
        actor=smart_office,
        reviewed_on=today - dt.timedelta(days=8),
        conclusion="总体进度可控，评估模块须在一个月内完成联调",
        participants="市智慧办、市发改委、市财政局、市大数据局、市营商办",
    )
    video = made["公安视频图像解析应用"]
    lifecycle.plan_implementation(
        video.pk,
        actor=users["police_owner"],
        starts_on=today - dt.timedelta(days=100),
        ends_on=today + dt.timedelta(days=60),
    )

    # IMPL-10: accepted by the provincial body the day after the last 初验, filed with smart_office.
    cast = _cast(users, "owner")
    with time_machine.travel(clock.now() - dt.timedelta(days=230), tick=False) as traveller:
        project = lifecycle.create_project(
            actor=cast.owner,
            name=EXTERNAL,
            summary=f"{EXTERNAL}：列入省医保局移动支付试点，终验由省医保局组织（演示）",
            facts=GOOD_FACTS,
            requested_estimate=Decimal("1380000.00"),
            performance_targets=batches.targets_for(EXTERNAL),
        )
        advance(project, cast, to="implementation", shift=traveller.shift)
        traveller.shift(dt.timedelta(days=45))
        lifecycle.submit_data_dictionary(project.pk, actor=cast.owner, descriptor=DICTIONARY)
        for module in project.modules.filter(accepted_on__isnull=True):
            demo_files.attach_for(project.pk, "pass_module_acceptance", cast.owner)
            lifecycle.pass_module_acceptance(
                project.pk, actor=cast.owner, module_id=module.pk, accepted_on=clock.today()
            )
        traveller.shift(dt.timedelta(days=1))
        demo_files.attach_for(project.pk, "file_external_acceptance", cast.owner)
        lifecycle.file_external_acceptance(
            project.pk,
            actor=cast.owner,
            body="浙江省医疗保障局",
            accepted_on=clock.today(),
            reference="浙医保验〔2026〕3号（演示）",
        )
        traveller.shift(dt.timedelta(days=4))
        lifecycle.record_external_filing(project.pk, actor=smart_office)
    made[EXTERNAL] = project

    # ORG-04: the leading group lets the highway platform's emergency section start before approval.
    highway = Project.objects.get(pk=made["交投集团数字高速运营平台"].pk)
    assert highway.approved_on is not None  # in procurement: approved
    lifecycle.grant_exemption(
        highway.pk,
        actor=users["leading_group"],
        rule="ORG-02",
        starts_on=highway.approved_on - dt.timedelta(days=10),
        ends_on=highway.approved_on - dt.timedelta(days=1),
        reason="台风季前须先行建设应急指挥路段监测，经领导小组专题会议同意（演示）",
    )
    highway_owner = users["transport_group_owner"]
    demo_files.attach_for(highway.pk, "record_tender", highway_owner)
    lifecycle.record_tender(
        highway.pk,
        actor=highway_owner,
        title="应急指挥路段监测先行建设",
        ceiling=Decimal("300000.00"),
        published_on=highway.approved_on - dt.timedelta(days=5),
        method="竞争性磋商",
    )
    process_deadlines()  # the pass of the day: the review past mid-term is flagged to smart_office
