"""The demo shows the policy text read as written: notices, a draw with exclusions, a merge, a co-funded
county project, a top-level design, an estimate review, a need started again from a rejected one."""

from io import StringIO

import pytest
from django.core.management import call_command

from govpm.accounts.models import User
from govpm.projects import selectors
from govpm.projects.models import (
    Contract,
    EstimateReview,
    ExpertDraw,
    IssuedDocument,
    Project,
    TopLevelDesign,
)
from govpm.projects.stages import Stage

pytestmark = pytest.mark.django_db


def test_demo_shows_notices_merges_cofunding_designs_and_draw_exclusions_DOC_01_COORD_10_PLAN_06_PLAN_07():
    """DOC-01 COORD-07 COORD-08 COORD-10 PLAN-06 PLAN-07 in the demo data, each reachable by its users."""
    call_command("load_demo", stdout=StringIO())
    users = {u.username: u for u in User.objects.all()}

    # DOC-01: every rejected need has its 不予受理告知书, every returned one its 退回修改通知
    for project in Project.objects.filter(stage__in=[Stage.REJECTED, Stage.RETURNED]):
        kinds = {d.kind for d in selectors.notice_documents(project)}
        expected = "non_acceptance_notice" if project.stage == Stage.REJECTED else "return_notice"
        assert expected in kinds, project.name
    retry = Project.objects.get(name="市卫健委业务系统迁移上云")
    assert retry.copied_from is not None and retry.copied_from.stage == Stage.REJECTED
    assert retry.stage == Stage.DRAFT and retry.facts["new_server_room"] is False

    # COORD-07: the draws of the health commission's projects exclude its employee, with the reason
    exclusions = [row for draw in ExpertDraw.objects.all() for row in draw.exclusions]
    assert any("受聘于业主单位" in row["reason"] for row in exclusions)

    # PLAN-07: the merged need is 已合并; the implementing unit is the one smart_office chose
    host = Project.objects.get(name="城市应急联动指挥平台")
    merged = Project.objects.get(name="院前急救调度信息系统")
    assert merged.stage == Stage.MERGED and merged.merged_into == host
    assert host.owner_unit == users["owner"].unit and host.original_owner_unit == users["police_owner"].unit
    assert host in selectors.visible_projects(users["police_owner"])

    # COORD-10: 江山市 holds a share and signs a contract of a city project, and sees it
    cofunded = Project.objects.get(name="市县一体化不动产数据共享平台")
    county = users["county_owner"]
    assert cofunded.owner_unit != county.unit and cofunded in selectors.visible_projects(county)
    assert Contract.objects.filter(project=cofunded, signing_unit=county.unit).exists()
    assert cofunded.tenders.get().bidders

    # COORD-08, PLAN-06
    assert EstimateReview.objects.filter(project__name="警务协同办公系统升级").exists()
    design = TopLevelDesign.objects.get()
    assert design.tasks.count() == 3 and Project.objects.filter(design_task__design=design).count() == 2
    assert IssuedDocument.objects.filter(kind="non_acceptance_notice").count() >= 3
