"""二(一) scope and 三(一) planning: what may enter the demand pool, how needs are grouped and designed."""

import dataclasses

import pytest

from govpm.accounts.models import Unit
from govpm.projects import lifecycle
from govpm.projects.models import Event
from govpm.projects.scenarios import advance

from .factories import UserFactory, api_for, attach, draft

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("build_type", ["new", "renovation", "expansion", "maintenance", "om_renewal"])
def test_city_level_projects_of_every_build_type_are_in_scope_SCOPE_01(cast, build_type):
    """SCOPE-01: 新建、改建、扩建 and 维护 projects of city-level units are in scope."""
    project = draft(
        cast.owner, facts={"build_type": build_type, "category": 6 if build_type == "om_renewal" else 4}
    )
    lifecycle.submit(project.pk, actor=cast.owner)
    project.refresh_from_db()
    assert project.stage == "submitted"


@pytest.mark.parametrize(("category", "status"), [(1, 201), (7, 201), (0, 400), (8, 400)])
def test_category_must_be_one_of_the_seven_SCOPE_02(cast, category, status):
    """SCOPE-02: categories 1–7 of 二(一)(1)."""
    response = api_for(cast.owner).post(
        "/api/v1/projects/", {"name": "类别检查", "facts": {"category": category}}, format="json"
    )
    assert response.status_code == status
    if status == 400:
        assert response.json()["error"]["field"] == "facts.category"


def test_county_shared_platform_is_in_scope_SCOPE_03(cast):
    """SCOPE-03: county projects for shared platforms, public data or new infrastructure are in scope."""
    county_owner = UserFactory(role="owner", unit=Unit.objects.get(code="jiangshan"))
    project = draft(county_owner, facts={"architecture_layers": ["app_support"]})
    lifecycle.submit(project.pk, actor=county_owner)
    project.refresh_from_db()
    assert project.stage == "submitted"


def test_smart_office_merges_pooled_needs_into_one_large_project_PLAN_02(cast, clock):
    """PLAN-02: 市智慧办适时组织谋划若干大型数字化项目 — several needs become one project."""
    lead, *others = [advance(draft(cast.owner, name=f"需求{i}"), cast, to="pooled") for i in range(3)]

    response = api_for(cast.smart_office).post(
        f"/api/v1/projects/{lead.pk}/actions/open_scheme/",
        {"merge_ids": [p.pk for p in others], "note": "统筹建设"},
        format="json",
    )

    assert response.status_code == 200 and response.json()["project"]["stage"] == "scheme"
    for other in others:
        other.refresh_from_db()
        assert other.stage == "merged" and other.merged_into_id == lead.pk  # PLAN-07: not terminated
        assert Event.objects.filter(project=other, action="open_scheme").get().payload == {
            "merged_into": lead.pk
        }


def test_merging_a_need_not_in_the_pool_is_refused_and_nothing_moves_PLAN_02(cast):
    """PLAN-02: only pooled needs can be merged."""
    lead = advance(draft(cast.owner), cast, to="pooled")
    unsubmitted = draft(cast.owner, name="草稿需求")

    response = api_for(cast.smart_office).post(
        f"/api/v1/projects/{lead.pk}/actions/open_scheme/", {"merge_ids": [unsubmitted.pk]}, format="json"
    )

    assert response.status_code in (400, 404)
    lead.refresh_from_db()
    unsubmitted.refresh_from_db()
    assert (lead.stage, unsubmitted.stage) == ("pooled", "draft")


def test_scheme_must_follow_the_four_horizontal_three_vertical_architecture_PLAN_03(cast):
    """PLAN-03: 所有方案需按照“四横三纵”要求进行设计."""
    project = advance(draft(cast.owner, facts={"architecture_layers": []}), cast, to="scheme")
    attach(project, "submit_scheme", cast.owner)  # MAT-01

    response = api_for(cast.owner).post(
        f"/api/v1/projects/{project.pk}/actions/submit_scheme/",
        {
            "requested_estimate": "100000.00",
            "modules": ["全部"],
            "scheme_summary": "方案",
        },
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["error"]["rule"] == "PLAN-03"


def test_leading_group_revise_sends_the_scheme_back_for_a_new_joint_review_round_COORD_03(cast):
    """COORD-03: 审定 may send the scheme back; the next joint review is a new round with new tasks."""
    project = advance(draft(cast.owner), cast, to="consultation")
    lifecycle.leading_group_decide(
        project.pk, actor=cast.leading_group, decision="revise", reason="补充安全方案"
    )
    project = advance(project, cast, to="joint_review")

    assert project.review_round == 2
    assert project.review_tasks.filter(round=2, opinion="").count() == 10
    assert project.review_tasks.filter(round=1).exclude(opinion="").count() == 10


def test_needs_returned_for_changes_can_be_amended_and_resubmitted_PLAN_04(cast):
    """PLAN-04: bdb returns a need; the owner amends and resubmits it."""
    project = draft(cast.owner)
    lifecycle.submit(project.pk, actor=cast.owner)
    from govpm.projects.scenarios import ALL_CLEAR

    lifecycle.review_needs(
        project.pk, actor=cast.bdb, decision="return", answers=ALL_CLEAR, comment="补充绩效目标"
    )
    response = api_for(cast.owner).patch(
        f"/api/v1/projects/{project.pk}/", {"summary": "已补充绩效目标"}, format="json"
    )
    assert response.status_code == 200
    lifecycle.submit(project.pk, actor=cast.owner)

    project.refresh_from_db()
    assert project.stage == "submitted" and project.summary == "已补充绩效目标"
    assert list(project.events.values_list("action", flat=True)) == [
        "create",
        "submit",
        "review_needs",
        "update",
        "submit",
    ]


def test_merged_needs_are_merged_not_terminated_and_their_units_keep_read_access_PLAN_07(cast, clock):
    """PLAN-07: a merged need is 已合并; its unit reads the merged project (page and API) but cannot act
    on it — only the implementing owner unit does."""
    other_owner = UserFactory(role="owner")
    lead = advance(draft(cast.owner, name="主需求"), cast, to="pooled")
    merged = advance(
        draft(other_owner, name="被合并需求"), dataclasses.replace(cast, owner=other_owner), to="pooled"
    )

    lifecycle.open_scheme(lead.pk, actor=cast.smart_office, merge_ids=[merged.pk])

    merged.refresh_from_db()
    assert merged.stage == "merged" and merged.stage_label == "已合并"
    client = api_for(other_owner)
    assert client.get(f"/api/v1/projects/{lead.pk}/").status_code == 200
    listed = {row["id"] for row in client.get("/api/v1/projects/").json()["results"]}
    assert {lead.pk, merged.pk} <= listed
    refused = client.post(
        f"/api/v1/projects/{lead.pk}/actions/submit_scheme/",
        {"requested_estimate": "100000.00", "modules": ["全部"], "scheme_summary": "方案"},
        format="json",
    )
    assert refused.status_code == 403
    lead.refresh_from_db()
    assert lead.stage == "scheme"
    outsider = api_for(UserFactory(role="owner"))
    assert outsider.get(f"/api/v1/projects/{lead.pk}/").status_code == 404
