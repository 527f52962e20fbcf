"""PERF-01: a need states its 绩效目标 (indicator, target value, unit, by when), entered with the need,
required at submission, shown in the needs review, where REJ-02 is answered against them."""

import re
from html import unescape

import pytest

from govpm.policy.models import Finding
from govpm.projects import lifecycle
from govpm.projects.models import Event, PerformanceTarget, Project
from govpm.projects.scenarios import ALL_CLEAR, GOOD_FACTS

from .factories import api_for, draft

pytestmark = pytest.mark.django_db

TWO = [
    {"indicator": "事项网上可办率", "target_value": "95", "unit": "%", "due_by": "2027-12-31"},
    {"indicator": "接入部门数", "target_value": "12", "unit": "个", "due_by": "2027-06-30"},
]


def _create(owner, targets):
    body = {"name": "智慧医保服务平台", "facts": GOOD_FACTS, "requested_estimate": "800000.00"}
    return api_for(owner).post("/api/v1/projects/", {**body, "performance_targets": targets}, format="json")


def test_targets_are_entered_with_the_need_and_returned_in_order_PERF_01(cast, clock):
    """PERF-01: created through the API with the need; the detail lists them; the create event holds them."""
    response = _create(cast.owner, TWO)

    assert response.status_code == 201, response.json()
    listed = response.json()["performance_targets"]
    assert [(t["indicator"], t["target_value"], t["unit"], t["due_by"]) for t in listed] == [
        ("事项网上可办率", "95", "%", "2027-12-31"),
        ("接入部门数", "12", "个", "2027-06-30"),
    ]
    event = Event.objects.get(project_id=response.json()["id"], action="create")
    assert [t["indicator"] for t in event.payload["performance_targets"]] == ["事项网上可办率", "接入部门数"]


def test_an_update_replaces_the_targets_and_records_them_PERF_01(cast, clock):
    """PERF-01: the owner's update of a draft replaces the list; the update event holds the new one."""
    project = draft(cast.owner)

    response = api_for(cast.owner).patch(
        f"/api/v1/projects/{project.pk}/", {"performance_targets": TWO[1:]}, format="json"
    )

    assert response.status_code == 200, response.json()
    assert list(PerformanceTarget.objects.filter(project=project).values_list("indicator", flat=True)) == [
        "接入部门数"
    ]
    assert (
        Event.objects.filter(project=project, action="update")
        .last()
        .payload["performance_targets"][0]["indicator"]
        == "接入部门数"
    )


@pytest.mark.parametrize(
    ("target", "field"),
    [
        ({"indicator": "可办率", "unit": "%", "due_by": "2027-12-31"}, "performance_targets.1.target_value"),
        (
            {"indicator": "", "target_value": "9", "unit": "%", "due_by": "2027-12-31"},
            "performance_targets.1.indicator",
        ),
        (
            {"indicator": "可办率", "target_value": "9", "unit": "%", "due_by": "2027/12/31"},
            "performance_targets.1.due_by",
        ),
        (
            {"indicator": "可办率", "target_value": "九十", "unit": "%", "due_by": "2027-12-31"},
            "performance_targets.1.target_value",
        ),
        (
            {"indicator": "可办率", "target_value": "9", "unit": "", "due_by": "2027-12-31"},
            "performance_targets.1.unit",
        ),
        (
            {"indicator": "可办率", "target_value": "9", "unit": "%", "due_by": "2027-12-31", "x": 1},
            "performance_targets.1.x",
        ),
    ],
)
def test_a_bad_target_is_refused_in_chinese_naming_the_field_and_nothing_is_saved_PERF_01(
    cast, clock, target, field
):
    """PERF-01: a target without a value, an empty indicator, a date in the wrong format → 400 naming it."""
    projects, events = Project.objects.count(), Event.objects.count()

    response = _create(cast.owner, [TWO[0], target])

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["field"] == field
    assert any("\u4e00" <= ch <= "\u9fff" for ch in error["message"]), error
    assert (Project.objects.count(), Event.objects.count(), PerformanceTarget.objects.count()) == (
        projects,
        events,
        0,
    )


def test_a_bad_target_in_an_update_leaves_the_old_targets_PERF_01(cast, clock):
    """PERF-01: the update is refused whole; the need keeps its targets."""
    project = draft(cast.owner)
    bad = [{"indicator": "可办率", "target_value": "9", "unit": "%", "due_by": "31.12.2027"}]

    response = api_for(cast.owner).patch(
        f"/api/v1/projects/{project.pk}/", {"performance_targets": bad}, format="json"
    )

    assert response.status_code == 400 and response.json()["error"]["field"] == "performance_targets.0.due_by"
    assert list(PerformanceTarget.objects.filter(project=project).values_list("indicator", flat=True)) == [
        "事项网上可办率"
    ]


def test_the_service_itself_refuses_a_target_without_a_value_PERF_01(cast, clock):
    """PERF-01: the lifecycle function checks too (the web form and imports call it directly)."""
    from govpm.core.errors import InvalidInput

    with pytest.raises(InvalidInput) as refused:
        lifecycle.create_project(
            actor=cast.owner,
            name="无目标值",
            performance_targets=[
                {"indicator": "可办率", "target_value": "", "unit": "%", "due_by": "2027-12-31"}
            ],
        )
    assert refused.value.field == "performance_targets.0.target_value"
    assert not Project.objects.filter(name="无目标值").exists()


def test_submission_without_a_target_is_refused_citing_the_clause_PERF_01(cast, clock):
    """PERF-01: no target, no submission — the named precondition, with 二(二)第2项 cited."""
    project = draft(cast.owner, targets=[], with_materials=True)

    response = api_for(cast.owner).post(f"/api/v1/projects/{project.pk}/actions/submit/", {}, format="json")

    error = response.json()["error"]
    assert response.status_code == 400 and error["rule"] == "PERF-01"
    assert "二(二)不予受理情形第2项" in error["citation"] and "绩效目标" in error["message"]
    assert Project.objects.get(pk=project.pk).stage == "draft"


def test_the_needs_review_shows_the_targets_beside_rej_02_and_the_finding_records_them_PERF_01(
    cast, clock, client
):
    """PERF-01: the review page lists the targets, and beside REJ-02 in the checklist; bdb's REJ-02 answer
    is stored with the targets it was given against."""
    project = draft(cast.owner, targets=TWO, with_materials=True)
    lifecycle.submit(project.pk, actor=cast.owner)
    client.force_login(cast.bdb)

    page = unescape(client.get(f"/projects/{project.pk}/needs-review/").content.decode())

    assert page.count("接入部门数：12个") == 1  # beside REJ-02
    text = re.sub(r"<[^>]+>", "", page)  # as read: the rule codes sit in <abbr> with their meaning
    beside = text[text.index("REJ-02 ·") : text.index("REJ-07 ·")]
    assert "事项网上可办率：95%" in beside and "接入部门数：12个" in beside
    assert "绩效目标" in page and "2027年6月30日" in page

    lifecycle.review_needs(project.pk, actor=cast.bdb, decision="accept", answers=ALL_CLEAR)
    finding = Finding.objects.get(project=project, rule_code="REJ-02", decided_by=cast.bdb)
    assert [t["indicator"] for t in finding.facts["performance_targets"]] == ["事项网上可办率", "接入部门数"]
    assert finding.facts["performance_targets"][1]["target"] == "12个"


def test_the_need_form_saves_two_target_rows_and_names_a_bad_one_PERF_01(cast, clock, client):
    """PERF-01 in the web UI: the need form's rows (blank rows ignored); a bad date is shown on the form."""
    client.force_login(cast.owner)
    form = {
        "name": "智慧停车平台",
        "performance_targets.indicator": ["泊位接入率", "缴费线上率", ""],
        "performance_targets.target_value": ["80", "95", ""],
        "performance_targets.unit": ["%", "%", ""],
        "performance_targets.due_by": ["2027-12-31", "2027-9-1x", ""],
    }

    refused = client.post("/projects/new/", form)

    assert refused.status_code == 400 and not Project.objects.filter(name="智慧停车平台").exists()
    assert "完成时限" in unescape(refused.content.decode())

    form["performance_targets.due_by"] = ["2027-12-31", "2027-09-01", ""]
    saved = client.post("/projects/new/", form)

    assert saved.status_code == 302
    project = Project.objects.get(name="智慧停车平台")
    assert [
        (t.indicator, format(t.target_value.normalize(), "f"), t.due_by.isoformat())
        for t in project.performance_targets.all()
    ] == [
        ("泊位接入率", "80", "2027-12-31"),
        ("缴费线上率", "95", "2027-09-01"),
    ]
    edit = unescape(client.get(f"/projects/{project.pk}/edit/").content.decode())
    assert 'value="缴费线上率"' in edit
