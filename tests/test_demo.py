"""`make demo`'s data: one account per role, projects in every stage, rejections with findings, overdue ones."""

from io import StringIO

import pytest
from django.core.management import call_command

from govpm.accounts.models import User
from govpm.accounts.roles import Role
from govpm.policy.models import Finding
from govpm.projects.models import Event, Project
from govpm.projects.stages import Stage

pytestmark = pytest.mark.django_db


def test_demo_data_covers_every_role_and_stage_and_loads_once():
    out = StringIO()
    call_command("load_demo", stdout=out)

    usernames = set(User.objects.values_list("username", flat=True))
    assert {role.value for role in Role} | {"county_owner"} <= usernames
    assert all(User.objects.get(username=role.value).role == role.value for role in Role)
    assert User.objects.get(username="county_owner").unit.kind == "county"
    assert User.objects.get(username="owner").check_password("govpm-demo")
    assert Project.objects.count() >= 20
    assert set(Project.objects.values_list("stage", flat=True)) == set(Stage.values)
    rejected_rules = set(
        Finding.objects.filter(project__stage="rejected", outcome="hit").values_list("rule_code", flat=True)
    )
    assert {"REJ-03", "REJ-06", "REJ-09"} <= rejected_rules
    assert Project.objects.filter(is_overdue=True).exists()
    assert "county_owner" in out.getvalue() and "govpm-demo" in out.getvalue()
    assert Event.objects.filter(action="record_post_evaluation").count() == 3  # one low (PERF-02)

    again = StringIO()
    call_command("load_demo", stdout=again)
    assert "已存在" in again.getvalue()


def test_demo_loads_the_gazettes_targets_with_a_first_year_to_assess():
    """TGT-03 TGT-05: the demo's targets module has indicators, observations and county progress."""
    from govpm.targets.models import Indicator, Observation, TaskProgress

    call_command("load_demo", stdout=StringIO())

    assert Indicator.objects.count() >= 91
    assert Observation.objects.filter(period=2020).count() == 24
    assert TaskProgress.objects.filter(year=2020).values("region_code").distinct().count() == 6
