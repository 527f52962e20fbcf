"""OCDS 1.1 release packages and OC4IDS project packages, checked by libcoveocds and libcoveoc4ids,
offline, against the schema files shipped in govpm/documents/schemas."""

import copy
import datetime as dt
import socket

import pytest

from govpm.documents import opendata
from govpm.projects.models import Project
from govpm.projects.scenarios import advance
from tests.factories import UserFactory, api_for, draft

from .validators import problems, validate_oc4ids, validate_ocds

pytestmark = pytest.mark.django_db


@pytest.fixture
def offline(monkeypatch):
    """Any connection beyond this machine fails: the validators must work from the shipped files."""
    connect = socket.socket.connect

    def local_only(self, address):
        if isinstance(address, tuple) and address[0] not in {"127.0.0.1", "::1", "localhost"}:
            raise OSError(f"offline test: no connection to {address[0]}")
        return connect(self, address)

    monkeypatch.setattr(socket.socket, "connect", local_only)


def test_a_whole_lifecycle_as_an_ocds_release_package_passes_libcoveocds(
    evaluated, client, offline, settings
):
    """COORD-04 IMPL-01 SUPV-03: planning (budget, approvals), tender, award, contract, implementation
    (milestones, payments); public once published; no validation, conformance, closed-codelist,
    additional-check or additional-field findings."""
    settings.GOVPM_OCID_PREFIX = "ocds-qz0test"

    response = client.get(f"/api/v1/projects/{evaluated.pk}/ocds/")

    assert response.status_code == 200
    package = response.json()
    result = validate_ocds(package)
    assert result["validation_errors"] == []
    assert problems(result) == {}
    releases = package["releases"]
    assert [r["tag"][0] for r in releases] == ["planning", "tender", "award", "contract", "implementation"]
    assert {r["ocid"] for r in releases} == {f"ocds-qz0test-{evaluated.pk}"}
    planning = releases[0]["planning"]
    assert planning["budget"]["amount"] == {"amount": 1080000, "currency": "CNY"}
    assert [m["title"] for m in planning["milestones"]] == [
        "衢州市数字化项目决策咨询意见",
        "初步设计批复",
        "价格评审意见书",
    ]
    assert releases[1]["tender"]["procurementMethod"] == "open"
    assert releases[1]["tender"]["procurementMethodDetails"] == "公开招标"
    implementation = releases[-1]["contracts"][0]["implementation"]
    assert implementation["transactions"][0]["value"] == {"amount": 307800, "currency": "CNY"}
    assert {m["status"] for m in implementation["milestones"]} == {"met"}
    for release in releases:
        assert dt.datetime.fromisoformat(release["date"]).utcoffset() == dt.timedelta(hours=8)


def test_the_ocds_validator_is_not_blind_closed_codelists_and_zones_are_checked(evaluated, offline):
    """The negative control: the same validator, fed known mistakes, reports them."""
    projects = opendata.with_records(Project.objects.filter(pk=evaluated.pk))
    package = opendata.release_package(
        projects, uri="https://example.org/ocds/", document_url=lambda d: f"https://example.org/d/{d.pk}"
    )
    bad = copy.deepcopy(package)
    bad["releases"][0]["planning"]["budget"]["amount"]["currency"] = "RMB"
    bad["releases"][1]["date"] = "2026-03-05"
    bad["releases"][1]["extraField"] = "x"

    result = validate_ocds(bad)

    assert "planning/budget/amount/currency" in str(result["additional_closed_codelist_values"])
    assert any(error["path"] == "releases/1/date" for error in result["validation_errors"])
    assert {"path": "/releases", "field": "extraField", "usage_count": 1} in result["additional_fields"]


def test_the_project_as_oc4ids_passes_libcoveoc4ids_and_a_broken_one_does_not(evaluated, client, offline):
    """SUPV-04 IMPL-06: identification → preparation → implementation → completion, in libcoveoc4ids'
    own environment; then the negative control, in the same run of the validator."""
    package = client.get(f"/api/v1/projects/{evaluated.pk}/oc4ids/").json()
    project = package["projects"][0]
    assert project["status"] == "completion"
    assert project["id"].startswith("oc4ids-qzdp01-")
    assert project["completion"]["finalValue"]["currency"] == "CNY"
    assert project["budget"]["amount"] == {"amount": 1080000, "currency": "CNY"}
    bad = copy.deepcopy(package)
    bad["projects"][0]["status"] = "finished"
    bad["projects"][0]["budget"]["amount"]["currency"] = "RMB"
    bad["projects"][0]["sponsor"] = "x"
    bad["projects"][0]["title"] = 123

    good_result, bad_result = validate_oc4ids(package), validate_oc4ids(bad)

    assert good_result["validation_errors"] == []
    assert problems(good_result) == {}
    assert "projects/status" in str(bad_result["additional_closed_codelist_values"])
    assert "projects/budget/amount/currency" in str(bad_result["additional_closed_codelist_values"])
    # lib-cove reports a closed-codelist miss as such, not as an enum error; a wrong type is one
    [(error, locations)] = bad_result["validation_errors"]  # lib-cove's shape: [error json, [locations]]
    assert '"validator": "type"' in error and locations == [{"path": "projects/0/title", "value": 123}]
    assert "/projects/sponsor" in bad_result["additional_fields"]


def test_stage_maps_to_the_oc4ids_project_status(cast, clock):
    project = draft(cast.owner)
    statuses = {}
    for stage in ["draft", "pooled", "approval", "procurement", "operation"]:
        project = advance(project, cast, to=stage, shift=clock.shift)
        record = opendata.project_record(
            opendata.with_records(Project.objects.filter(pk=project.pk)).get(),
            lambda d: "https://example.org/",
        )
        statuses[stage] = record["status"]
    assert statuses == {
        "draft": "identification",
        "pooled": "identification",
        "approval": "preparation",
        "procurement": "implementation",
        "operation": "completion",
    }


def test_open_data_of_unpublished_projects_is_for_those_who_may_see_them(cast, clock, client):
    """Published = approved by the leading group and not withdrawn (ADR 0201)."""
    pooled = advance(draft(cast.owner, name="未公开的需求"), cast, to="pooled", shift=clock.shift)
    approved = advance(draft(cast.owner, name="已审定的项目"), cast, to="approval", shift=clock.shift)

    assert client.get(f"/api/v1/projects/{pooled.pk}/ocds/").status_code == 404
    assert client.get(f"/documents/projects/{pooled.pk}/oc4ids.json").status_code == 404
    assert api_for(UserFactory(role="owner")).get(f"/api/v1/projects/{pooled.pk}/ocds/").status_code == 404
    assert api_for(cast.owner).get(f"/api/v1/projects/{pooled.pk}/ocds/").status_code == 200
    assert client.get(f"/api/v1/projects/{approved.pk}/ocds/").status_code == 200
    listed = client.get("/api/v1/oc4ids/").json()
    assert [p["title"] for p in listed["projects"]] == ["已审定的项目"]
    web = client.get("/documents/ocds.json")
    assert web.status_code == 200 and {r["ocid"].rsplit("-", 1)[1] for r in web.json()["releases"]} == {
        str(approved.pk)
    }


def test_all_published_projects_in_a_fixed_number_of_queries(
    cast, clock, client, django_assert_max_num_queries
):
    for name in ["项目甲", "项目乙", "项目丙"]:
        advance(draft(cast.owner, name=name), cast, to="implementation", shift=clock.shift)

    with django_assert_max_num_queries(12):
        ocds = client.get("/api/v1/ocds/")
    with django_assert_max_num_queries(12):
        oc4ids = client.get("/api/v1/oc4ids/")

    assert ocds.status_code == oc4ids.status_code == 200
    assert len(oc4ids.json()["projects"]) == 3
    # implementation has just started (no payment, no module accepted): no implementation release yet
    assert [r["tag"][0] for r in ocds.json()["releases"]] == ["planning", "tender", "award", "contract"] * 3
