"""The OpenAPI document as integrators meet it (issue 18) with one request schema per action (issue 8
item 3): it validates, every action has its own body, lists are described as the pages they are, errors
and downloads as they are sent, operation ids are made for generated code."""

import pytest
from openapi_spec_validator import validate
from rest_framework.test import APIClient

from govpm.projects.api import inputs
from govpm.projects.stages import ACTIONS

pytestmark = pytest.mark.django_db

ACTION_PATH = "/api/v1/projects/{project_id}/actions/%s/"
ERROR_REF = "#/components/schemas/Error"


@pytest.fixture
def schema():
    response = APIClient().get("/api/schema/?format=json")
    assert response.status_code == 200
    return response.json()


def _resolve(schema: dict, ref: str) -> dict:
    return schema["components"]["schemas"][ref.rsplit("/", 1)[-1]]


def _operations(schema: dict):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            yield path, method, operation


def test_the_document_passes_openapi_spec_validator_issue_18(schema):
    validate(schema)  # raises on any violation, e.g. default '' with minLength 1


def test_every_action_code_has_its_own_request_schema_with_its_own_fields_issue_8(schema):
    refs = {}
    for code in ACTIONS:
        operation = schema["paths"][ACTION_PATH % code]["post"]
        assert operation["operationId"] == f"projects_action_{code}"
        ref = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
        body = _resolve(schema, ref)
        fields = inputs.ACTION_INPUTS[code]().fields
        assert set(body.get("properties", {})) == set(fields), code
        assert set(body.get("required", [])) == {n for n, f in fields.items() if f.required}, code
        assert body["additionalProperties"] is False  # unknown keys are refused
        refs[code] = ref
    assert len(set(refs.values())) == len(ACTIONS)  # distinct, one per action code
    tender = _resolve(schema, refs["record_tender"])["properties"]
    assert tender["published_on"]["format"] == "date"
    assert tender["ceiling"]["pattern"]  # money is a decimal string, not a float
    decision = _resolve(schema, refs["review_needs"])["properties"]["decision"]
    assert "accept" in _resolve(schema, decision["allOf"][0]["$ref"])["enum"]


def test_the_choices_a_body_needs_are_discoverable_issue_8(schema, cast, clock):
    from tests.factories import api_for, draft

    project = draft(cast.owner)
    assert "/api/v1/projects/{project_id}/actions/{action}/choices/" in schema["paths"]

    body = api_for(cast.owner).get(f"/api/v1/projects/{project.pk}/actions/submit_scheme/choices/").json()

    assert [c["value"] for c in body["choices"]["experts"]] == [e.pk for e in cast.experts]
    missing = api_for(cast.owner).get(f"/api/v1/projects/{project.pk}/actions/no_such/choices/")
    assert missing.status_code == 404 and missing.json()["error"]["field"] == "action"


def test_lists_that_are_paged_are_described_as_pages_in_every_app_issue_18(schema):
    paged = [
        "/api/v1/projects/",
        "/api/v1/projects/{project_id}/events/",
        "/api/v1/targets/indicators/",
        "/api/v1/targets/assessments/",
    ]
    for path in paged:
        ref = schema["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]["schema"][
            "$ref"
        ]
        page = _resolve(schema, ref)
        assert {"count", "next", "previous", "results"} <= set(page["properties"]), path
        assert page["properties"]["results"]["type"] == "array"


def test_every_operation_describes_its_error_bodies_in_one_shape_issue_18(schema):
    for path, method, operation in _operations(schema):
        expected = {"400", "401", "403", "404"} | ({"409", "413"} if method != "get" else set())
        assert expected <= set(operation["responses"]), (path, method)
        for code in expected:
            content = operation["responses"][code]["content"]["application/json"]["schema"]
            assert content == {"$ref": ERROR_REF}, (path, method, code)
    body = _resolve(schema, _resolve(schema, ERROR_REF)["properties"]["error"]["$ref"])
    assert {"code", "message", "rule", "citation", "field"} <= set(body["required"])


def test_downloads_are_described_with_their_content_types_issue_18(schema):
    docx = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    for path, media in [
        ("/api/v1/documents/{id}/docx/", docx),
        ("/api/v1/documents/{id}/pdf/", "application/pdf"),
        ("/api/v1/projects/export.xlsx", xlsx),
        ("/api/v1/projects/{project_id}/workbook.xlsx", xlsx),
        ("/api/v1/projects/import/template.xlsx", xlsx),
        ("/api/v1/targets/assessments/report.docx", docx),
        ("/api/v1/targets/assessments/report.pdf", "application/pdf"),
    ]:
        content = schema["paths"][path]["get"]["responses"]["200"]["content"]
        assert list(content) == [media], path
        assert content[media]["schema"]["format"] == "binary"


def test_operation_ids_and_tags_are_made_for_generated_code_summaries_stay_chinese_issue_18(schema):
    ids = [operation["operationId"] for _, _, operation in _operations(schema)]
    assert len(ids) == len(set(ids))
    for path, method, operation in _operations(schema):
        assert operation["operationId"].isidentifier() and operation["operationId"].isascii(), path
        assert not operation["operationId"].startswith("v1_"), path
        assert len(operation["tags"]) == 1 and operation["tags"][0].isidentifier(), path
        assert any("\u4e00" <= ch <= "\u9fff" for ch in operation.get("summary", "")), (path, method)
    assert {"projects_list", "projects_action_record_tender", "projects_events_list"} <= set(ids)
    assert any("\u4e00" <= ch <= "\u9fff" for ch in schema["info"]["title"])


def test_a_request_body_too_large_is_refused_in_the_error_shape_with_413(cast, settings):
    from tests.factories import api_for

    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    response = api_for(cast.owner).post(
        "/api/v1/projects/", {"name": "项目", "summary": "长" * 2000}, format="json"
    )
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "too_large"


def test_a_page_size_that_is_not_a_whole_number_is_refused_as_documented_issue_18(cast):
    from tests.factories import api_for

    client = api_for(cast.bdb)
    for url in ["/api/v1/projects/", "/api/v1/targets/indicators/"]:
        refused = client.get(url, {"page_size": "true"})
        assert refused.status_code == 400 and refused.json()["error"]["field"] == "page_size", url
    assert (
        client.get("/api/v1/projects/", {"page_size": "500"}).json()["results"] == []
    )  # capped, not refused


def test_a_url_no_route_matches_answers_in_the_error_shape_under_api_issue_18(cast):
    from django.test import Client

    from tests.factories import api_for

    missing = api_for(cast.owner).get("/api/v1/projects/10.5/")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"
    page = Client().get("/no-such-page/")
    assert page.status_code == 404 and page["Content-Type"].startswith("text/html")
