"""SCOPE-05, SCOPE-06: the level and owner type follow the owner unit; out of scope is not a rejection."""

import pytest

from govpm.accounts.models import Unit
from govpm.core.errors import RuleViolation
from govpm.policy.models import Finding
from govpm.projects import lifecycle
from govpm.projects.models import Project
from govpm.promotion.performance import unit_performance
from govpm.web import queries

from .factories import UnitFactory, UserFactory, api_for, draft

pytestmark = pytest.mark.django_db


@pytest.fixture
def county_owner(db):
    return UserFactory(role="owner", unit=Unit.objects.get(code="jiangshan"))


def test_a_county_units_need_is_county_level_whatever_the_body_says_SCOPE_05(cast, county_owner):
    """SCOPE-05: a county unit declaring "city" in the body still gets a county-level need."""
    response = api_for(county_owner).post(
        "/api/v1/projects/",
        {"name": "江山市数据归集", "facts": {"level": "city", "architecture_layers": ["data_resource"]}},
        format="json",
    )
    assert response.status_code == 201
    project = Project.objects.get(pk=response.json()["id"])
    assert project.level == "county" and project.facts["level"] == "county"

    api_for(county_owner).patch(
        f"/api/v1/projects/{project.pk}/", {"facts": {"level": "city"}}, format="json"
    )
    project.refresh_from_db()
    assert project.level == "county"


def test_a_city_units_need_is_city_level_even_if_it_claims_county_SCOPE_05(cast):
    """SCOPE-05: the level follows the owner unit both ways."""
    project = draft(cast.owner, facts={"level": "county"})
    assert project.level == "city" and project.facts["owner_type"] == "government"


def test_an_out_of_scope_county_need_is_returned_not_rejected_and_not_counted_SCOPE_03_05(
    cast, county_owner, client
):
    """SCOPE-03 SCOPE-05: a county need of no named kind is 不属于受理范围 with the reason; it is not
    不予受理, and neither the rejection statistics nor the unit's rejection count include it."""
    project = draft(county_owner, facts={"architecture_layers": ["business_app"]})

    response = api_for(county_owner).post(f"/api/v1/projects/{project.pk}/actions/submit/", {}, format="json")

    assert response.status_code == 200
    body = response.json()["project"]
    assert body["stage"] == "out_of_scope" and body["stage_label"] == "不属于受理范围"
    hits = [f["rule"] for f in body["findings"] if f["outcome"] == "hit"]
    assert hits == ["SCOPE-03"]
    year = Project.objects.get(pk=project.pk).submitted_at.year
    row = next(r for r in unit_performance(year) if r["unit"] == county_owner.unit.name)
    assert row["rejected"] == 0 and row["submitted"] == 1
    rejections = queries.dashboard(cast.bdb)["rejections"]
    assert all(not rule.startswith("SCOPE-") for rule, *_ in rejections)


def test_bdb_may_accept_an_unnamed_county_kind_with_a_reason_SCOPE_05(cast, county_owner):
    """SCOPE-05: "等" is open — bdb accepts the county need into review, naming the rule and the reason."""
    project = draft(county_owner, facts={"architecture_layers": ["business_app"]})
    lifecycle.submit(project.pk, actor=county_owner)

    lifecycle.reopen(
        project.pk, actor=cast.bdb, rules=["SCOPE-03"], reason="属县域共建共享的基层治理应用，按“等”受理"
    )

    project.refresh_from_db()
    assert project.stage == "submitted"
    finding = Finding.objects.get(project=project, rule_code="SCOPE-03")
    assert finding.overridden_by == cast.bdb and "等" in finding.override_reason


def test_an_enterprise_without_government_funds_is_out_of_scope_SCOPE_06(cast):
    """SCOPE-06: owner type and government funds are facts; an enterprise not using government funds is
    out of scope (SCOPE-05 applies), and bdb cannot bend that."""
    enterprise = UnitFactory(kind=Unit.Kind.ENTERPRISE, name="衢州市交通投资集团测试")
    owner = UserFactory(role="owner", unit=enterprise)
    project = draft(owner, facts={"government_funds": False, "owner_type": "government"})
    assert project.facts["owner_type"] == "enterprise"  # the unit's, not the body's

    lifecycle.submit(project.pk, actor=owner)

    project.refresh_from_db()
    assert project.stage == "out_of_scope"
    hit = Finding.objects.get(project=project, outcome="hit")
    assert hit.rule_code == "SCOPE-06" and "市属国有企业" in hit.message
    with pytest.raises(RuleViolation) as refused:
        lifecycle.reopen(project.pk, actor=cast.bdb, rules=["SCOPE-06"], reason="照顾")
    assert refused.value.rule == "SCOPE-06"


def test_an_enterprise_using_government_funds_is_in_scope_SCOPE_06(cast):
    """SCOPE-06: with government funds, a city-owned enterprise's need is in scope."""
    owner = UserFactory(role="owner", unit=UnitFactory(kind=Unit.Kind.ENTERPRISE))
    project = draft(owner, facts={"government_funds": True})
    lifecycle.submit(project.pk, actor=owner)
    project.refresh_from_db()
    assert project.stage == "submitted"
