"""The API under /api/v1/targets/: filters, detail, posting observations, assessments, task progress."""

import json

import pytest
from drf_spectacular.checks import schema_check
from drf_spectacular.drainage import GENERATOR_STATS

from govpm.targets.models import Indicator, Observation, Task
from govpm.targets.tasks import record_progress

pytestmark = pytest.mark.django_db


@pytest.fixture
def client_as(api_client):
    def login(user):
        api_client.force_authenticate(user)
        return api_client

    return login


def test_list_indicators_filters_and_pins_queries(
    curated_data, client_as, observer, django_assert_max_num_queries
):
    client = client_as(observer)
    with django_assert_max_num_queries(4):  # count, page, targets (prefetch), nothing per row
        response = client.get(
            "/api/v1/targets/indicators/",
            {"document": "衢政发〔2020〕10号", "nature": "binding", "page_size": 200},
        )
    assert response.status_code == 200
    body = response.json()
    assert (
        body["count"]
        == Indicator.objects.filter(document__number="衢政发〔2020〕10号", nature="binding").count()
    )
    assert all(row["nature"] == "binding" for row in body["results"])
    assert body["results"][0]["targets"][0]["raw_text"]


def test_bad_filter_is_400_in_chinese(client_as, observer):
    response = client_as(observer).get("/api/v1/targets/indicators/", {"nature": "strict"})
    assert response.status_code == 400
    assert response.json()["error"]["field"] == "nature"


def test_indicator_detail_has_targets_and_observation_history(curated_data, client_as, officer):
    client = client_as(officer)
    indicator = Indicator.objects.get(code="H01")
    client.post(
        f"/api/v1/targets/indicators/{indicator.pk}/observations/",
        {"period": 2020, "value": "25.1", "source": "监测"},
        format="json",
    )
    client.post(
        f"/api/v1/targets/indicators/{indicator.pk}/observations/",
        {"period": 2020, "value": "25.3", "source": "监测", "correction_reason": "复核"},
        format="json",
    )

    body = client.get(f"/api/v1/targets/indicators/{indicator.pk}/").json()

    assert [t["raw_text"] for t in body["targets"]] == ["28", "32"]
    assert [(o["value"], o["is_current"]) for o in body["observations"]] == [
        ("25.100000", False),
        ("25.300000", True),
    ]
    assert body["observations"][1]["replaces"] == body["observations"][0]["id"]


def test_tgt03_post_observation_bad_input_is_400_naming_the_field_and_saves_nothing(
    curated_data, client_as, officer
):
    """TGT-03: post observation bad input is 400 naming the field and saves nothing."""
    indicator = Indicator.objects.get(code="H01")
    response = client_as(officer).post(
        f"/api/v1/targets/indicators/{indicator.pk}/observations/",
        {"period": 2020, "value": "二十", "source": "监测"},
        format="json",
    )
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["field"] == "value" and "数值" in error["message"]
    missing = client_as(officer).post(
        f"/api/v1/targets/indicators/{indicator.pk}/observations/",
        {"period": 2020, "value": "1"},
        format="json",
    )
    assert missing.status_code == 400 and missing.json()["error"]["field"] == "source"
    assert not Observation.objects.exists()


def test_roles_deny_unless_a_rule_allows(curated_data, api_client, client_as, observer, owner):
    indicator = Indicator.objects.get(code="H01")
    url = f"/api/v1/targets/indicators/{indicator.pk}/observations/"
    payload = {"period": 2020, "value": "1", "source": "x"}
    assert api_client.get("/api/v1/targets/indicators/").status_code == 401
    assert client_as(owner).get("/api/v1/targets/indicators/").status_code == 403
    assert client_as(observer).get("/api/v1/targets/indicators/").status_code == 200
    assert client_as(observer).post(url, payload, format="json").status_code == 403
    assert not Observation.objects.exists()


def test_assessments_per_year_binding_failures_first(
    curated_data, client_as, officer, django_assert_max_num_queries
):
    client = client_as(officer)
    binding = Indicator.objects.get(code="H48")  # 婴儿死亡率 4以下, 约束性
    client.post(
        f"/api/v1/targets/indicators/{binding.pk}/observations/",
        {"period": 2022, "value": "4.5", "source": "妇幼年报"},
        format="json",
    )

    with django_assert_max_num_queries(6):
        response = client.get("/api/v1/targets/assessments/", {"year": 2022, "page_size": 200})

    results = response.json()["results"]
    assert len(results) == 134  # 91 table rows + 43 text targets (TGT-11)
    assert results[0]["code"] == "H48" and results[0]["status"] == "not_met" and results[0]["binding_failure"]
    assert client.get("/api/v1/targets/assessments/", {"year": "20x2"}).status_code == 400


def test_task_progress_and_ranking(curated_data, client_as, officer, django_assert_max_num_queries):
    client = client_as(officer)
    task = Task.objects.get(code="T01")
    created = client.post(
        f"/api/v1/targets/tasks/{task.pk}/progress/",
        {"region_code": "330824", "year": 2020, "completed": "8700", "source": "开化县"},
        format="json",
    )
    assert created.status_code == 201
    record_progress(
        task.pk, actor=officer, region_code="330802", year=2020, completed="1650", source="柯城区"
    )

    with django_assert_max_num_queries(5):
        body = client.get(f"/api/v1/targets/tasks/{task.pk}/progress/", {"year": 2020}).json()

    assert body["task"]["adds_up"] is True
    first, second = body["ranking"][:2]
    assert (first["region_name"], first["rank"], first["completion_rate"]) == ("开化县", 1, "100")
    assert (second["region_name"], second["completion_rate"]) == ("柯城区", "50")
    bad = client.post(
        f"/api/v1/targets/tasks/{task.pk}/progress/",
        {"region_code": "999999", "year": 2020, "completed": "1", "source": "x"},
        format="json",
    )
    assert bad.status_code == 400 and bad.json()["error"]["field"] == "region_code"


def test_task_list_reports_whether_parts_add_up(
    curated_data, client_as, observer, django_assert_max_num_queries
):
    with django_assert_max_num_queries(3):
        body = client_as(observer).get("/api/v1/targets/tasks/").json()
    assert [(t["code"], t["adds_up"]) for t in body] == [("T01", True)]


def test_judgement_via_api(curated_data, client_as, officer):
    indicator = Indicator.objects.get(code="H08")  # 成人肥胖增长率 持续减缓
    response = client_as(officer).post(
        f"/api/v1/targets/indicators/{indicator.pk}/judgements/",
        {"year": 2022, "verdict": "met", "reason": "增长率连续两年下降", "evidence": "2021、2022年监测报告"},
        format="json",
    )
    assert response.status_code == 201
    body = client_as(officer).get("/api/v1/targets/assessments/", {"year": 2022, "page_size": 200}).json()
    row = next(r for r in body["results"] if r["code"] == "H08")
    assert row["status"] == "met" and "增长率连续两年下降" in row["reason"]


TARGETS_PATHS = {
    "/api/v1/targets/indicators/": {"get"},
    "/api/v1/targets/indicators/{id}/": {"get"},
    "/api/v1/targets/indicators/{id}/observations/": {"post"},
    "/api/v1/targets/indicators/{id}/judgements/": {"post"},
    "/api/v1/targets/assessments/": {"get"},
    "/api/v1/targets/assessments/report.docx": {"get"},
    "/api/v1/targets/assessments/report.pdf": {"get"},
    "/api/v1/targets/tasks/": {"get"},
    "/api/v1/targets/tasks/{id}/progress/": {"get", "post"},
    "/api/v1/targets/tasks/{id}/imports/{kind}/template.xlsx": {"get"},
    "/api/v1/targets/tasks/{id}/imports/{kind}/": {"post"},
}
# TGT-10: a task's XLSX import answers 200 (it changes cells, it creates no resource) and takes a file
IMPORT_PATH = "/api/v1/targets/tasks/{id}/imports/{kind}/"
TEMPLATE_PATH = "/api/v1/targets/tasks/{id}/imports/{kind}/template.xlsx"
# TGT-06: the yearly report per document, a file rather than JSON
FILE_PATHS = {
    "/api/v1/targets/assessments/report.docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "/api/v1/targets/assessments/report.pdf": "application/pdf",
}


def test_openapi_schema_documents_every_targets_endpoint(api_client):
    """Every path under /api/v1/targets/ is in the served schema with its success response (200 for a
    read, 201 for a POST that creates a row) described by a schema with fields — or, for the TGT-06
    report files, as binary content of their media type with a required `document` — and the
    platform's error shape for the errors it can return."""
    response = api_client.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    schema = json.loads(response.content)
    components = schema["components"]["schemas"]

    def resolve(node: dict) -> dict:
        while "$ref" in node or "allOf" in node:
            node = components[node["$ref"].rsplit("/", 1)[1]] if "$ref" in node else node["allOf"][0]
        return node

    paths = {path: ops for path, ops in schema["paths"].items() if path.startswith("/api/v1/targets/")}
    assert {path: set(ops) for path, ops in paths.items()} == TARGETS_PATHS
    for path, operations in paths.items():
        for method, operation in operations.items():
            success = "200" if method == "get" or path == IMPORT_PATH else "201"
            if path == TEMPLATE_PATH:
                content = operation["responses"]["200"]["content"]
                assert content == {
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {
                        "schema": {"type": "string", "format": "binary"}
                    }
                }
                assert {p["name"] for p in operation["parameters"]} == {"id", "kind"}
            elif path in FILE_PATHS:
                content = operation["responses"]["200"]["content"]
                assert content == {FILE_PATHS[path]: {"schema": {"type": "string", "format": "binary"}}}
                assert {(p["name"], p.get("required", False)) for p in operation["parameters"]} == {
                    ("year", False),
                    ("document", True),
                }
                assert "400" in operation["responses"]
            else:
                body = resolve(operation["responses"][success]["content"]["application/json"]["schema"])
                item = resolve(body["items"]) if body.get("type") == "array" else body
                assert item["properties"], (method, path)
                if "results" in item["properties"]:  # a paginated list
                    assert resolve(item["properties"]["results"]["items"])["properties"], (method, path)
            for code in ("401", "403"):
                error = resolve(operation["responses"][code]["content"]["application/json"]["schema"])
                assert set(resolve(error["properties"]["error"])["properties"]) >= {
                    "code",
                    "message",
                    "rule",
                    "citation",
                    "field",
                }
            if method == "post":
                assert {"400", "404"} <= set(operation["responses"]), (method, path)
                media = "multipart/form-data" if path == IMPORT_PATH else "application/json"
                request = operation["requestBody"]["content"][media]["schema"]
                assert resolve(request)["properties"], (method, path)
    operation_ids = [op["operationId"] for ops in schema["paths"].values() for op in ops.values()]
    assert len(operation_ids) == len(set(operation_ids))


def test_schema_generation_reports_nothing_about_targets():
    """What `manage.py check --deploy` reports from drf-spectacular: no warning names this module."""
    GENERATOR_STATS.reset()
    messages = [issue.msg for issue in schema_check(None)]
    assert [m for m in messages if "targets" in m.lower()] == []
