"""Issue 8 item 1: one capability table, one `can(user, capability)`, one visibility query."""

import pytest
from django.contrib.auth.models import AnonymousUser

from govpm.core import access
from govpm.core.errors import Forbidden
from govpm.projects import lifecycle, selectors
from govpm.projects.scenarios import advance
from govpm.projects.stages import ACTIONS
from govpm.targets import permissions as target_permissions

from .factories import UserFactory, api_for, draft, role_user

pytestmark = pytest.mark.django_db


def test_the_stage_tables_action_roles_feed_the_capability_table():
    """One source for who may take an action: the table's roles are the capability's roles."""
    for code, spec in ACTIONS.items():
        assert access.roles_for(f"project.action.{code}") == spec.roles, code


def test_deny_by_default_for_anonymous_inactive_unknown_roles_and_unknown_capabilities():
    owner = UserFactory(role="owner")
    assert access.can(owner, "page.project_new") and access.can_act(owner, "submit")
    assert not access.can(AnonymousUser(), "page.pool")
    assert not access.can(UserFactory(role="owner", is_active=False), "page.project_new")
    assert not access.can(UserFactory(role="nobody"), "page.pool")
    assert not access.can(owner, "page.no_such_page")
    with pytest.raises(Forbidden) as refused:
        access.require(owner, "promotion.record_case", "只有市大数据局可以登记典型案例推介")
    assert refused.value.status == 403 and refused.value.message == "只有市大数据局可以登记典型案例推介"


def test_staff_status_opens_no_work_of_the_platform(client):
    """The targets module's is_staff bypass is gone: the demo admin is an observer who reads targets."""
    admin = role_user("observer", "bdb", is_staff=True, is_superuser=True)
    assert target_permissions.can(admin, "view")
    assert not target_permissions.can(admin, "enter") and not target_permissions.can(admin, "import")
    with pytest.raises(Forbidden):
        target_permissions.require(admin, "judge")


def test_one_visibility_rule_for_lists_the_lifecycle_and_anonymous_readers(cast, clock):
    """Owners their own unit's projects, experts what they review, officials no drafts, anonymous nothing;
    the lifecycle's check is the same query for one row."""
    mine = draft(cast.owner, name="本单位草稿")
    reviewed = advance(draft(cast.owner, name="评审中"), cast, to="joint_review", shift=clock.shift)
    other_owner = UserFactory(role="owner")

    assert set(selectors.visible_projects(cast.owner)) == {mine, reviewed}
    assert set(selectors.visible_projects(other_owner)) == set()
    assert set(selectors.visible_projects(cast.experts[0])) == {reviewed}
    assert set(selectors.visible_projects(cast.smart_office)) == {reviewed}
    assert not selectors.visible_projects(AnonymousUser()).exists()
    # the lifecycle refuses as 404 what the list does not show
    response = api_for(other_owner).post(f"/api/v1/projects/{mine.pk}/actions/submit/", {}, format="json")
    assert response.status_code == 404
    lifecycle.submit(mine.pk, actor=cast.owner)


def test_promotion_records_and_reads_go_through_the_capability_table(cast):
    """PROMO-01 PROMO-02 ORG-01: the recorders and readers of promotion are capabilities, not role lists."""
    assert access.roles_for("promotion.record_publicity") == {"smart_office"}
    assert access.roles_for("promotion.record_case") == {"bdb"}
    assert api_for(cast.owner).get("/api/v1/promotion/cadence/").status_code == 403
    assert api_for(cast.bdb).get("/api/v1/promotion/cadence/").status_code == 200


@pytest.mark.urls("config.bench_urls")
def test_the_bench_uses_the_one_visibility_rule(cast, clock, client):
    """The bench's copy had drifted: an expert saw every project there. Now it lists only those it reviews."""
    from govpm.accounts.tokens import issue_token

    reviewed = advance(draft(cast.owner, name="评审中"), cast, to="joint_review", shift=clock.shift)
    advance(draft(cast.owner, name="已入库"), cast, to="pooled")
    token = issue_token(cast.experts[0])
    body = client.get("/bench/bare/projects/", HTTP_AUTHORIZATION=f"Token {token.key}").json()
    assert [row["id"] for row in body["results"]] == [reviewed.pk]
