"""A Python client generated from the live OpenAPI document with openapi-python-client, used alone, the
way another system of the city starts (issue 18 item 4): log in, create a need, walk it to `pooled` as
the right roles, list with filters and pages, read the events, download an issued document, and meet a
refusal as a typed error carrying rule, citation and field."""

from __future__ import annotations

import hashlib
import importlib
import io
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from rest_framework.test import APIClient

from govpm.core.clock import today
from govpm.materials import demo_files
from govpm.projects.scenarios import ALL_CLEAR, GOOD_FACTS, GOOD_TARGETS, advance

from .factories import attach, draft

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "pw-12345678"  # tests.factories.UserFactory


@pytest.fixture
def govpm_client(tmp_path):
    """The package `govpm_client`, generated now from /api/schema/ with the repository's config."""
    schema = APIClient().get("/api/schema/")
    assert schema.status_code == 200
    (tmp_path / "schema.yaml").write_bytes(schema.content)
    generator = Path(sys.executable).with_name("openapi-python-client")
    subprocess.run(
        [
            str(generator),
            "generate",
            "--path",
            str(tmp_path / "schema.yaml"),
            "--config",
            str(ROOT / "clients" / "openapi-python-client.yaml"),
            "--output-path",
            str(tmp_path / "govpm-client"),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    sys.path.insert(0, str(tmp_path / "govpm-client"))
    try:
        yield importlib.import_module("govpm_client")
    finally:
        sys.path.remove(str(tmp_path / "govpm-client"))
        for name in [name for name in sys.modules if name.split(".")[0] == "govpm_client"]:
            del sys.modules[name]


def test_a_generated_client_alone_walks_a_need_to_the_pool_lists_downloads_and_is_refused_issue_18(
    govpm_client, cast, clock, wsgi_app
):
    from govpm_client import AuthenticatedClient, Client
    from govpm_client.api.auth import auth_token_create
    from govpm_client.api.documents import documents_docx
    from govpm_client.api.projects import (
        projects_action_precheck,
        projects_action_record_tender,
        projects_action_review_needs,
        projects_action_submit,
        projects_create,
        projects_documents_list,
        projects_events_list,
        projects_list,
        projects_materials_upload,
    )
    from govpm_client.models import (
        CreateProjectRequest,
        CreateProjectRequestFacts,
        Error,
        MaterialUploadKindEnum,
        MaterialUploadRequest,
        PerformanceTargetRequest,
        PrecheckRequest,
        ProjectsListOrdering,
        RecordTenderRequest,
        ReviewNeedsDecisionEnum,
        ReviewNeedsRequest,
        ReviewNeedsRequestAnswers,
        SubmitRequest,
        TokenInputRequest,
    )
    from govpm_client.types import File

    transport = {"transport": httpx.WSGITransport(app=wsgi_app)}
    base = "http://testserver"

    def login(user) -> AuthenticatedClient:
        anonymous = Client(base_url=base, httpx_args=transport)
        token = auth_token_create.sync(
            client=anonymous, body=TokenInputRequest(username=user.username, password=PASSWORD)
        )
        assert not isinstance(token, Error), token
        return AuthenticatedClient(base_url=base, token=token.token, prefix="Token", httpx_args=transport)

    owner, bdb = login(cast.owner), login(cast.bdb)
    # a wrong password is a typed error naming its field
    wrong = auth_token_create.sync(
        client=Client(base_url=base, httpx_args=transport),
        body=TokenInputRequest(username=cast.owner.username, password="wrong"),
    )
    assert isinstance(wrong, Error) and wrong.error.field == "password"

    # given a need created through the client
    created = projects_create.sync(
        client=owner,
        body=CreateProjectRequest(
            name="衢州市智慧医保服务平台",
            summary="医保经办一件事",
            facts=CreateProjectRequestFacts.from_dict(GOOD_FACTS),
            requested_estimate="2000000.00",
            performance_targets=[PerformanceTargetRequest.from_dict(t) for t in GOOD_TARGETS],
        ),
    )
    assert created.stage.value == "draft"
    pid = created.id

    # when it is walked to the pool, each action by its role
    assert (
        projects_action_precheck.sync(pid, client=owner, body=PrecheckRequest()).project.stage.value
        == "draft"
    )
    # MAT-01: the 需求申报书 goes first, multipart through the same client
    application = demo_files.pdf_bytes("needs application")
    uploaded = projects_materials_upload.sync(
        pid,
        client=owner,
        body=MaterialUploadRequest(
            kind=MaterialUploadKindEnum.NEEDS_APPLICATION,
            file=File(
                payload=io.BytesIO(application), file_name="需求申报书.pdf", mime_type="application/pdf"
            ),
        ),
    )
    assert not isinstance(uploaded, Error), uploaded
    assert uploaded.sha256 == hashlib.sha256(application).hexdigest() and uploaded.version == 1
    submitted = projects_action_submit.sync(pid, client=owner, body=SubmitRequest())
    assert submitted.project.stage.value == "submitted"
    pooled = projects_action_review_needs.sync(
        pid,
        client=bdb,
        body=ReviewNeedsRequest(
            decision=ReviewNeedsDecisionEnum.ACCEPT, answers=ReviewNeedsRequestAnswers.from_dict(ALL_CLEAR)
        ),
    )
    assert pooled.project.stage.value == "pooled"

    # then the pool lists it, filtered and a page at a time
    draft(cast.owner, name="另一个草稿")
    advance(draft(cast.owner, name="另一个已入库需求"), cast, to="pooled", shift=clock.shift)
    page = projects_list.sync(
        client=bdb, stage="pooled", page_size=1, page=1, ordering=ProjectsListOrdering.OLDEST
    )
    assert page.count == 2 and len(page.results) == 1 and page.next_ is not None
    assert page.results[0].id == pid
    second = projects_list.sync(
        client=bdb, stage="pooled", page_size=1, page=2, ordering=ProjectsListOrdering.OLDEST
    )
    assert second.results[0].id != pid and second.previous is not None
    assert projects_list.sync(client=bdb, q="智慧医保").count == 1

    # and its events are the audit trail of those actions
    events = projects_events_list.sync(pid, client=owner)
    actions = [event.action for event in events.results]
    assert {"precheck", "submit", "review_needs"} <= set(actions), actions
    assert events.count == len(events.results)
    assert [e.actor for e in events.results if e.action == "review_needs"] == [cast.bdb.username]

    # an issued document downloads as the bytes it was issued with
    procured = advance(draft(cast.owner, name="采购中项目"), cast, to="procurement", shift=clock.shift)
    attach(procured, "record_tender", cast.owner)  # MAT-01: the 招标文件 is there; the ceiling is not
    owner = login(cast.owner)  # months have passed on the clock: the 8-hour token has expired (ADR 0010)
    documents = projects_documents_list.sync(procured.pk, client=owner)
    assert documents, "a project in procurement holds its approval documents"
    download = documents_docx.sync_detailed(documents[0].id, client=owner)
    assert download.status_code == 200
    assert hashlib.sha256(download.content).hexdigest() == documents[0].sha256

    # a refusal is a typed error carrying rule, citation and field
    refused = projects_action_record_tender.sync(
        procured.pk,
        client=owner,
        body=RecordTenderRequest(title="建设", ceiling="99999999.00", published_on=today()),
    )
    assert isinstance(refused, Error)
    assert refused.error.rule == "IMPL-01" and refused.error.field == "ceiling"
    assert "衢政办发〔2020〕8号" in refused.error.citation
