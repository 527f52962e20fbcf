"""Issue 16's demo data: 30 inventory systems, two idle for over a year, near-duplicates of demo
needs, and one amber and one red project (INV-01, INV-02, INV-03, PORT-02, PORT-03)."""

import pytest
from django.core.management import call_command

from govpm.inventory import selectors
from govpm.inventory.models import System
from govpm.portfolio.variance import project_variance
from govpm.projects.models import Project


@pytest.mark.django_db
def test_demo_has_the_inventory_and_an_amber_and_a_red_project_INV_01_02_03_PORT_02_03():
    call_command("load_demo", verbosity=0)
    assert System.objects.count() == 30
    assert {c.system.name for c in selectors.zombie_candidates()} == {
        "视频会商系统（旧）",
        "学校食堂财务管理系统",
    }
    need = Project.objects.get(name="户政业务网上办系统")
    top = selectors.duplicate_evidence(need)["similar"][0]
    assert (top.name, top.likely_duplicate) == ("户籍业务网上办理平台", True), top
    red = project_variance(Project.objects.get(name="公安视频图像解析应用"))
    amber = project_variance(Project.objects.get(name="国土空间规划“一张图”实施监督系统"))
    assert (red.rating, amber.rating) == ("red", "amber")
    assert red.flagged and not amber.flagged
