"""Bad input anywhere: a 400 naming the field in Chinese, and nothing saved."""

import pytest

from govpm.projects.models import Event, Project

from .factories import api_for, draft

pytestmark = pytest.mark.django_db


def chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"facts": {}}, "name"),
        ({"name": "x", "requested_estimate": "-1.00"}, "requested_estimate"),
        ({"name": "x", "requested_estimate": "12.345"}, "requested_estimate"),
        ({"name": "x", "requested_estimate": "abc"}, "requested_estimate"),
        ({"name": "x", "colour": "red"}, "colour"),
        ({"name": "x", "facts": {"category": 8}}, "facts.category"),
        ({"name": "x", "facts": {"category": "1"}}, "facts.category"),
        ({"name": "x", "facts": {"new_server_room": "no"}}, "facts.new_server_room"),
        ({"name": "x", "facts": {"system_kinds": ["blockchain"]}}, "facts.system_kinds"),
        ({"name": "x", "facts": {"rocket": True}}, "facts.rocket"),
        ({"name": "x", "facts": {"priority_claims": [{"code": "famous"}]}}, "facts.priority_claims.0.code"),
        ({"name": "x", "facts": []}, "facts"),
        ({"name": ["x"]}, "name"),
    ],
)
def test_create_with_bad_input_is_400_naming_the_field_and_saves_nothing(cast, body, field):
    response = api_for(cast.owner).post("/api/v1/projects/", body, format="json")

    assert response.status_code == 400, response.json()
    error = response.json()["error"]
    assert error["field"] == field
    assert chinese(error["message"])
    assert not Project.objects.exists() and not Event.objects.exists()


def test_malformed_json_is_400_in_chinese(cast):
    response = api_for(cast.owner).post("/api/v1/projects/", "{not json", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["error"]["message"] == "请求体不是合法的 JSON"


@pytest.mark.parametrize(
    ("action", "body", "field"),
    [
        ("update", {"facts": {"level": "province"}}, "facts.level"),
        ("update", {"requested_estimate": -5}, "requested_estimate"),
        ("update", {"stage": "funded"}, "stage"),
        ("withdraw", {}, "reason"),
        ("withdraw", {"reason": "   "}, "reason"),
        ("submit", {"force": True}, "force"),
    ],
)
def test_action_with_bad_input_is_400_and_changes_nothing(cast, action, body, field):
    project = draft(cast.owner)
    events = Event.objects.count()

    response = api_for(cast.owner).post(
        f"/api/v1/projects/{project.pk}/actions/{action}/", body, format="json"
    )

    assert response.status_code == 400, response.json()
    assert response.json()["error"]["field"] == field
    assert chinese(response.json()["error"]["message"])
    project.refresh_from_db()
    assert project.stage == "draft" and project.facts["level"] == "city"
    assert Event.objects.count() == events


def test_unknown_action_is_404(cast):
    project = draft(cast.owner)
    response = api_for(cast.owner).post(f"/api/v1/projects/{project.pk}/actions/teleport/", {}, format="json")
    assert response.status_code == 404 and response.json()["error"]["field"] == "action"


@pytest.mark.parametrize(
    "code",
    [
        "2026-330800-65-01-00001",
        "2026-110000-65-01-000011",
        "26-330800-65-01-000011x",
        "2099-330800-65-01-000011",
    ],
)
def test_malformed_project_code_is_refused_COORD_05(code):
    """COORD-05: the online platform's code shape and region are checked."""
    from govpm.core.errors import InvalidInput
    from govpm.projects.lifecycle.approval import validate_project_code

    with pytest.raises(InvalidInput) as refused:
        validate_project_code(code)
    assert refused.value.field == "project_code" and chinese(refused.value.message)
    assert validate_project_code("2026-330881-65-01-00001a") == "2026-330881-65-01-00001A"


def test_floats_never_become_money(cast):
    """0.1 + 0.2 元 stays exact: JSON numbers are parsed as Decimal."""
    project = draft(cast.owner)
    response = api_for(cast.owner).post(
        f"/api/v1/projects/{project.pk}/actions/update/",
        '{"requested_estimate": 0.30}',
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response.json()["project"]["requested_estimate"] == "0.30"


def test_a_lost_uniqueness_race_is_409_not_500(cast):
    """Two identical records at once: the database refuses the second; the API says 409, never 500."""
    from django.db import IntegrityError
    from rest_framework.test import APIRequestFactory

    from govpm.core.api import exception_handler

    response = exception_handler(IntegrityError("duplicate key"), {"request": APIRequestFactory().get("/")})
    assert response.status_code == 409
    assert response.data["error"]["code"] == "conflict"
