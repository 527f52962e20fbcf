"""Issue 13 item 5: open data only for approved projects (ADR 0201), and no public link that ends at a
login page. Walks a project in every stage and reads what an anonymous reader gets."""

import pytest

from govpm.projects import lifecycle
from govpm.projects.models import Project
from govpm.projects.scenarios import ALL_CLEAR, advance
from govpm.projects.stages import Stage

from .factories import api_for, draft

pytestmark = pytest.mark.django_db

PUBLIC = {
    "approval",
    "funded",
    "procurement",
    "implementation",
    "final_acceptance",
    "operation",
    "evaluated",
    "terminated_after_approval",
}


def _every_stage(cast, clock) -> dict[str, Project]:
    """One project per stage, and per way of ending up terminated, each by its real history."""
    shift = clock.shift
    projects = {}
    for stage in ["draft", "submitted", "pooled", "scheme", "joint_review", "consultation", "approval"]:
        projects[stage] = advance(draft(cast.owner, name=f"项目-{stage}"), cast, to=stage, shift=shift)
    for stage in ["funded", "procurement", "implementation", "final_acceptance", "operation", "evaluated"]:
        projects[stage] = advance(draft(cast.owner, name=f"项目-{stage}"), cast, to=stage, shift=shift)

    returned = advance(draft(cast.owner, name="项目-returned"), cast, to="submitted")
    lifecycle.review_needs(
        returned.pk, actor=cast.bdb, decision="return", answers=ALL_CLEAR, comment="补充材料"
    )
    rejected = advance(draft(cast.owner, name="项目-rejected"), cast, to="submitted")
    hit = {**ALL_CLEAR, "REJ-02": {"hit": True, "reason": "重复建设"}}
    lifecycle.review_needs(rejected.pk, actor=cast.bdb, decision="reject", answers=hit, comment="重复建设")
    withdrawn = advance(draft(cast.owner, name="项目-withdrawn"), cast, to="pooled")
    lifecycle.withdraw(withdrawn.pk, actor=cast.owner, reason="不再需要")

    stopped = advance(draft(cast.owner, name="项目-stopped-early"), cast, to="pooled")
    lifecycle.terminate(stopped.pk, actor=cast.smart_office, reason="需求已由省级系统满足")
    refused = advance(draft(cast.owner, name="项目-refused"), cast, to="consultation", shift=shift)
    lifecycle.leading_group_decide(refused.pk, actor=cast.leading_group, decision="reject", reason="不同意")
    host = advance(draft(cast.owner, name="项目-host"), cast, to="pooled")
    merged = advance(draft(cast.owner, name="项目-merged"), cast, to="pooled")
    lifecycle.open_scheme(host.pk, actor=cast.smart_office, merge_ids=[merged.pk])
    # SCOPE-06: an owner declaring no government funds is out of scope (issue 9)
    outside = draft(cast.owner, name="项目-out-of-scope", facts={"government_funds": False})
    lifecycle.submit(outside.pk, actor=cast.owner)
    late = advance(draft(cast.owner, name="项目-terminated-late"), cast, to="funded", shift=shift)
    lifecycle.terminate(late.pk, actor=cast.smart_office, reason="政策调整，停止建设")

    projects |= {
        "returned": returned,
        "rejected": rejected,
        "withdrawn": withdrawn,
        "terminated_before_approval": stopped,
        "terminated_by_leading_group": refused,
        "merged_need": merged,
        "out_of_scope": outside,
        "terminated_after_approval": late,
    }
    for project in projects.values():
        project.refresh_from_db()
    assert {p.stage for p in projects.values()} | {"scheme"} == set(Stage.values)  # every stage walked
    return projects


@pytest.fixture
def walked(cast, clock):
    return _every_stage(cast, clock)


def _ids_in_feeds(client) -> dict[str, set[int]]:
    ocds = client.get("/api/v1/ocds/").json()
    oc4ids = client.get("/api/v1/oc4ids/").json()
    web_ocds = client.get("/documents/ocds.json").json()
    web_oc4ids = client.get("/documents/oc4ids.json").json()

    def from_ocid(release):
        return int(release["ocid"].rsplit("-", 1)[1])

    def from_project(project):
        return int(project["id"].rsplit("-", 1)[1])

    return {
        "api ocds": {from_ocid(r) for r in ocds["releases"]},
        "api oc4ids": {from_project(p) for p in oc4ids["projects"]},
        "web ocds": {from_ocid(r) for r in web_ocds["releases"]},
        "web oc4ids": {from_project(p) for p in web_oc4ids["projects"]},
    }


def test_anonymous_readers_get_open_data_of_approved_projects_only(walked, client):
    """Issue 13 item 5, ADR 0201: every stage walked; approved and later (and terminated after approval)
    public, nothing else — neither per project nor in the four feeds."""
    public = {walked[key].pk for key in PUBLIC}
    for key, project in walked.items():
        expected = 200 if key in PUBLIC else 404
        for url in [
            f"/api/v1/projects/{project.pk}/ocds/",
            f"/api/v1/projects/{project.pk}/oc4ids/",
            f"/documents/projects/{project.pk}/ocds.json",
            f"/documents/projects/{project.pk}/oc4ids.json",
        ]:
            assert client.get(url).status_code == expected, (key, url)
    assert _ids_in_feeds(client) == dict.fromkeys(
        ["api ocds", "api oc4ids", "web ocds", "web oc4ids"], public
    )


@pytest.mark.parametrize("key", ["terminated_before_approval", "terminated_by_leading_group", "merged_need"])
def test_a_project_terminated_before_approval_is_not_served_without_login(cast, clock, client, key):
    """Finding of issue 13 item 5: terminated before approval, or merged into another need, served
    anonymously through /api/v1/projects/{id}/ocds/ and the feeds (fails on the code before the fix)."""
    project = _every_stage(cast, clock)[key]
    assert client.get(f"/api/v1/projects/{project.pk}/ocds/").status_code == 404
    assert client.get(f"/api/v1/projects/{project.pk}/oc4ids/").status_code == 404
    assert all(project.pk not in ids for ids in _ids_in_feeds(client).values())
    # the owner unit still reads its own project's data, as before publication
    assert api_for(cast.owner).get(f"/api/v1/projects/{project.pk}/ocds/").status_code == 200


def _document_links(package: dict) -> list[dict]:
    documents = []
    for release in package.get("releases", []):
        for section in ("planning", "tender"):
            documents += release.get(section, {}).get("documents", [])
        for part in release.get("awards", []) + release.get("contracts", []):
            documents += part.get("documents", [])
            documents += part.get("implementation", {}).get("documents", [])
    for project in package.get("projects", []):
        documents += project.get("documents", [])
        for process in project.get("contractingProcesses", []):
            documents += process.get("summary", {}).get("documents", [])
    return documents


def test_public_document_links_resolve_without_login(walked, client):
    """Finding of issue 13 item 5: the public feeds' document links sent anonymous readers to a login
    page. A link an anonymous reader gets must open for that reader; otherwise it is left out."""
    packages = [
        client.get("/api/v1/ocds/").json(),
        client.get("/api/v1/oc4ids/").json(),
        client.get("/documents/ocds.json").json(),
        client.get(f"/api/v1/projects/{walked['evaluated'].pk}/oc4ids/").json(),
        client.get(f"/api/v1/projects/{walked['evaluated'].pk}/ocds/").json(),
    ]
    documents = [document for package in packages for document in _document_links(package)]
    assert len(documents) > 10  # the walk issued documents: the check below is not vacuous
    for document in documents:
        if "url" in document:
            response = client.get(document["url"])
            assert response.status_code == 200, (document["url"], response.status_code)


def test_a_signed_in_reader_who_may_see_the_project_still_gets_the_download_links(cast, walked, client):
    """The links stay where they open: for the owner unit of the project, signed in."""
    client.force_login(cast.owner)
    reader = client
    documents = _document_links(reader.get(f"/api/v1/projects/{walked['evaluated'].pk}/oc4ids/").json())
    assert documents and all(document["url"].endswith(("/docx/", "/file/")) for document in documents)
    assert all(reader.get(document["url"]).status_code == 200 for document in documents)
