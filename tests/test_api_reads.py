"""The read endpoints: filters, pagination, visibility, and a query count that does not grow per row."""

import pytest

from govpm.projects import lifecycle
from govpm.projects.scenarios import advance

from .factories import UserFactory, api_for, draft

pytestmark = pytest.mark.django_db


@pytest.fixture
def pool(cast, clock):
    """Needs in several stages, some with priority claims."""
    projects = []
    for index in range(6):
        claims = [{"code": "innovative", "evidence": "创新"}] if index % 2 else []
        project = draft(cast.owner, name=f"需求{index}", facts={"priority_claims": claims})
        projects.append(advance(project, cast, to="pooled" if index < 4 else "funded", shift=clock.shift))
    return projects


def test_project_list_query_count_does_not_grow_with_rows(cast, pool, django_assert_max_num_queries):
    client = api_for(cast.smart_office)
    with django_assert_max_num_queries(3):  # count, page, (no per-row queries)
        response = client.get("/api/v1/projects/")
    assert response.json()["count"] == 6
    more = [advance(draft(cast.owner, name=f"追加{i}"), cast, to="pooled") for i in range(5)]
    assert len(more) == 5
    with django_assert_max_num_queries(3):
        response = client.get("/api/v1/projects/")
    assert response.json()["count"] == 11


def test_project_detail_query_count_is_fixed(cast, pool, django_assert_max_num_queries):
    funded = pool[-1]
    with django_assert_max_num_queries(16):  # +4 IMPL-07, IMPL-08, SUPV-05 (finance)
        response = api_for(cast.smart_office).get(f"/api/v1/projects/{funded.pk}/")
    body = response.json()
    assert body["stage"] == "funded"
    assert {d["kind"] for d in body["documents"]} == {
        "consultation_opinion",
        "design_approval",
        "price_review",
    }
    assert body["deadlines"][0]["code"] == "TIME-01"
    assert body["deadlines"][0]["citation"].startswith("TIME-01 · 衢政办发〔2020〕8号")
    assert "start_procurement" not in body["available_actions"]  # smart_office cannot
    owner_view = api_for(cast.owner).get(f"/api/v1/projects/{funded.pk}/").json()
    assert "start_procurement" in owner_view["available_actions"]
    assert "record_funding" not in owner_view["available_actions"]


def test_demand_pool_ranks_priority_claims_first_and_filters_PLAN_01(cast, pool):
    """PLAN-01 PRI-03: the demand pool, priority-ranked, with filters."""
    client = api_for(cast.smart_office)

    ranked = client.get("/api/v1/projects/?stage=pooled").json()["results"]
    assert [p["priority_score"] for p in ranked] == [1, 1, 0, 0]
    assert client.get("/api/v1/projects/?priority=true").json()["count"] == 3
    assert client.get("/api/v1/projects/?stage=funded,pooled&q=需求5").json()["count"] == 1
    assert client.get("/api/v1/projects/?layer=data_resource").json()["count"] == 6
    assert client.get("/api/v1/projects/?layer=policy").json()["count"] == 0
    assert client.get(f"/api/v1/projects/?unit={cast.owner.unit.code}&overdue=false").json()["count"] == 6
    page = client.get("/api/v1/projects/?page_size=4&page=2").json()
    assert len(page["results"]) == 2 and page["previous"]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("stage=nonsense", "stage"),
        ("overdue=maybe", "overdue"),
        ("category=9", "category"),
        ("ordering=-id", "ordering"),
        ("layer=cloud", "layer"),
        ("level=province", "level"),
    ],
)
def test_bad_filters_are_400_naming_the_field(cast, query, field):
    response = api_for(cast.smart_office).get(f"/api/v1/projects/?{query}")
    assert response.status_code == 400
    assert response.json()["error"]["field"] == field


def test_owner_lists_only_its_own_units_projects_and_nobody_else_sees_drafts(cast):
    mine = draft(cast.owner)
    other_owner = UserFactory(role="owner")
    theirs = draft(other_owner, name="他单位需求")
    lifecycle.submit(theirs.pk, actor=other_owner)

    own = api_for(cast.owner).get("/api/v1/projects/").json()
    assert [p["id"] for p in own["results"]] == [mine.pk]
    assert api_for(cast.owner).get(f"/api/v1/projects/{theirs.pk}/").status_code == 404
    observer_view = api_for(UserFactory(role="observer")).get("/api/v1/projects/").json()
    assert [p["id"] for p in observer_view["results"]] == [theirs.pk]


def test_unauthenticated_requests_are_refused_in_chinese(db):
    from rest_framework.test import APIClient

    response = APIClient().get("/api/v1/projects/")
    assert response.status_code == 401
    assert response.json()["error"]["message"] == "未登录或令牌无效"


def test_token_login_and_use(cast):
    from rest_framework.test import APIClient

    client = APIClient()
    bad = client.post(
        "/api/v1/auth/token/", {"username": cast.owner.username, "password": "wrong"}, format="json"
    )
    assert bad.status_code == 400 and bad.json()["error"]["field"] == "password"
    token = client.post(
        "/api/v1/auth/token/", {"username": cast.owner.username, "password": "pw-12345678"}, format="json"
    ).json()["token"]
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.get("/api/v1/projects/").status_code == 200


def test_openapi_schema_describes_every_endpoint(db):
    from rest_framework.test import APIClient

    response = APIClient().get("/api/schema/?format=json")
    assert response.status_code == 200
    schema = response.json()
    paths = schema["paths"]
    for path in [
        "/api/v1/auth/token/",
        "/api/v1/projects/",
        "/api/v1/projects/{project_id}/",
        "/api/v1/projects/{project_id}/actions/record_tender/",
        "/api/v1/projects/{project_id}/events/",
    ]:
        assert path in paths
    # one operation per action code, each with its own body (issue 8 item 3; tests/test_openapi.py)
    assert "409" in paths["/api/v1/projects/{project_id}/actions/record_tender/"]["post"]["responses"]


def test_an_outside_expert_sees_only_the_projects_it_reviews(cast, clock):
    """COORD-02: experts are invited per project; they see those, not the whole pipeline."""
    reviewed = advance(draft(cast.owner, name="受邀评审"), cast, to="joint_review", shift=clock.shift)
    other = advance(draft(cast.owner, name="未受邀"), cast, to="pooled", shift=clock.shift)
    expert = cast.experts[0]

    listed = api_for(expert).get("/api/v1/projects/").json()

    assert [p["id"] for p in listed["results"]] == [reviewed.pk]
    assert api_for(expert).get(f"/api/v1/projects/{other.pk}/").status_code == 404
