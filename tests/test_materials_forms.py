"""Materials uploaded in the action forms (MAT-01, MAT-02): the files and the action succeed or fail
together (docs/adr/0501-uploads-with-the-action.md); WPS files and priority-claim evidence; a request
carrying hundreds of files is refused naming the material."""

from __future__ import annotations

import io

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile

from govpm.core.models import AuditEvent
from govpm.materials import catalog, demo_files, services
from govpm.materials.models import Material
from govpm.projects import lifecycle, scenarios
from govpm.projects.models import Project
from govpm.projects.stages import Stage

from . import factories
from .factories import api_for

PDF = demo_files.pdf_bytes("estimate")
DOCX = demo_files.docx_bytes("合并方案", ["建设内容"])
OLE2 = bytes.fromhex("D0CF11E0A1B11AE1") + b"\x00" * 504  # the container of .wps/.et/.doc/.xls


def stored_files(project_id: int) -> set[str]:
    folder = f"materials/{project_id}"
    return set(default_storage.listdir(folder)[1]) if default_storage.exists(folder) else set()


def material_uploads(project_id: int) -> int:
    return AuditEvent.objects.filter(
        action="material.upload", payload__project_id=project_id, payload__kind__in=SCHEME_KINDS
    ).count()


SCHEME_KINDS = ["scheme_text", "estimate"]


def scheme_materials(project):
    return Material.objects.filter(project=project, kind__in=SCHEME_KINDS)


def draft(owner, **kwargs):
    """A draft without any material: these tests upload (or leave missing) what they test."""
    return factories.draft(owner, with_materials=False, **kwargs)


@pytest.fixture
def scheme_project(cast, clock):
    return scenarios.advance(draft(cast.owner), cast, to=Stage.SCHEME)


def scheme_post(**files) -> dict:
    return {
        "requested_estimate": "1200000.00",
        "modules": ["统一门户", "数据中台"],
        "scheme_summary": "合并方案：统一门户与数据中台",
        **files,
    }


@pytest.mark.django_db
def test_scheme_form_offers_required_file_controls_not_a_disabled_action_MAT_01(scheme_project, cast, client):
    client.force_login(cast.owner)
    page = client.get(f"/projects/{scheme_project.pk}/").content.decode()
    assert 'enctype="multipart/form-data"' in page
    assert 'name="material.scheme_text"' in page and 'name="material.estimate"' in page
    assert 'data-disabled-action="submit_scheme"' not in page
    # the catalogue's formats become the control's accept list
    assert 'accept=".pdf,.ofd,.docx"' in page


@pytest.mark.django_db
def test_scheme_submitted_with_its_files_in_one_form_MAT_01_MAT_02(scheme_project, cast, client):
    client.force_login(cast.owner)
    answer = client.post(
        f"/projects/{scheme_project.pk}/actions/submit_scheme/",
        scheme_post(
            **{
                "material.scheme_text": SimpleUploadedFile("合并方案文本.docx", DOCX),
                "material.estimate": SimpleUploadedFile("概算书.pdf", PDF),
            }
        ),
    )
    assert answer.status_code == 302, answer.content.decode()[:2000]
    scheme_project.refresh_from_db()
    assert scheme_project.stage == Stage.JOINT_REVIEW
    kept = {m.kind: m for m in scheme_materials(scheme_project)}
    assert set(kept) == {"scheme_text", "estimate"}
    assert kept["estimate"].detected_type == "pdf" and kept["scheme_text"].detected_type == "docx"
    assert kept["scheme_text"].name == "合并方案文本.docx" and kept["scheme_text"].uploaded_by == cast.owner
    assert {m.file.name.rsplit("/", 1)[1] for m in kept.values()} <= stored_files(scheme_project.pk)
    assert material_uploads(scheme_project.pk) == 2


@pytest.mark.django_db
def test_refused_action_keeps_none_of_its_uploads_MAT_02(scheme_project, cast, client):
    """The action is refused after both files were stored (a money field the lifecycle refuses):
    the transaction rolls back the rows and audit events, and the bytes are removed from storage."""
    client.force_login(cast.owner)
    before = stored_files(scheme_project.pk)
    answer = client.post(
        f"/projects/{scheme_project.pk}/actions/submit_scheme/",
        {
            **scheme_post(
                **{
                    "material.scheme_text": SimpleUploadedFile("合并方案文本.docx", DOCX),
                    "material.estimate": SimpleUploadedFile("概算书.pdf", PDF),
                }
            ),
            "modules": [],  # refused: 功能模块 is required
        },
    )
    assert answer.status_code == 400
    assert "功能模块" in answer.content.decode()
    assert not scheme_materials(scheme_project).exists()
    assert material_uploads(scheme_project.pk) == 0
    assert stored_files(scheme_project.pk) == before
    scheme_project.refresh_from_db()
    assert scheme_project.stage == Stage.SCHEME


@pytest.mark.django_db
def test_action_refused_by_its_rule_after_uploads_rolls_them_back_MAT_02(scheme_project, cast):
    """The lifecycle refuses inside the same transaction, after the uploads were written."""
    from govpm.core.errors import GovpmError

    def refused():
        raise GovpmError("规则不允许", rule="COORD-01")

    before = stored_files(scheme_project.pk)
    with pytest.raises(GovpmError):
        services.act_with_materials(
            scheme_project.pk,
            actor=cast.owner,
            uploads=[
                ("scheme_text", SimpleUploadedFile("合并方案文本.docx", DOCX)),
                ("estimate", SimpleUploadedFile("概算书.pdf", PDF)),
            ],
            act=refused,
        )
    assert not scheme_materials(scheme_project).exists()
    assert material_uploads(scheme_project.pk) == 0
    assert stored_files(scheme_project.pk) == before


@pytest.mark.django_db
def test_bad_second_file_stores_nothing_and_names_the_material_MAT_02(scheme_project, cast, client):
    client.force_login(cast.owner)
    before = stored_files(scheme_project.pk)
    answer = client.post(
        f"/projects/{scheme_project.pk}/actions/submit_scheme/",
        scheme_post(
            **{
                "material.scheme_text": SimpleUploadedFile("合并方案文本.docx", DOCX),
                "material.estimate": SimpleUploadedFile("概算书.pdf", b"MZ\x90\x00" + b"\x00" * 200),
            }
        ),
    )
    assert answer.status_code == 400
    page = answer.content.decode()
    assert "概算书：无法识别的文件类型" in page
    # the refusal sits beside its own control
    control = page.split('data-control="material.estimate"')[1].split('data-control="')[0]
    assert "无法识别的文件类型" in control
    assert not scheme_materials(scheme_project).exists()
    assert stored_files(scheme_project.pk) == before


@pytest.mark.django_db
def test_form_without_required_file_refused_with_MAT_01_naming_it(scheme_project, cast, client):
    client.force_login(cast.owner)
    before = stored_files(scheme_project.pk)
    answer = client.post(
        f"/projects/{scheme_project.pk}/actions/submit_scheme/",
        scheme_post(**{"material.scheme_text": SimpleUploadedFile("合并方案文本.docx", DOCX)}),
    )
    assert answer.status_code in {400, 409}
    page = answer.content.decode()
    assert "缺少材料：概算书" in page and "MAT-01" in page
    assert not scheme_materials(scheme_project).exists()
    assert stored_files(scheme_project.pk) == before


@pytest.mark.django_db
def test_file_for_a_material_of_another_action_refused(scheme_project, cast, client):
    client.force_login(cast.owner)
    answer = client.post(
        f"/projects/{scheme_project.pk}/actions/submit_scheme/",
        scheme_post(**{"material.contract": SimpleUploadedFile("合同.pdf", PDF)}),
    )
    assert answer.status_code == 400
    assert "此操作不接受该文件" in answer.content.decode()
    assert not scheme_materials(scheme_project).exists()


@pytest.mark.django_db
def test_existing_version_makes_the_control_optional_and_a_new_file_a_new_version_MAT_02(
    scheme_project, cast, client
):
    services.upload_material(
        scheme_project.pk, actor=cast.owner, kind="estimate", file=SimpleUploadedFile("概算书.pdf", PDF)
    )
    client.force_login(cast.owner)
    page = client.get(f"/projects/{scheme_project.pk}/").content.decode()
    assert "已上传第 1 版「概算书」" in page
    answer = client.post(
        f"/projects/{scheme_project.pk}/actions/submit_scheme/",
        scheme_post(
            **{
                "material.scheme_text": SimpleUploadedFile("合并方案文本.docx", DOCX),
                "material.estimate": SimpleUploadedFile("概算书（修订）.pdf", PDF + b"\n% v2\n"),
            }
        ),
    )
    assert answer.status_code == 302
    versions = list(
        Material.objects.filter(project=scheme_project, kind="estimate")
        .order_by("version")
        .values_list("version", "name")
    )
    assert versions == [(1, "概算书.pdf"), (2, "概算书（修订）.pdf")]


# WPS (MAT-02: "WPS formats where a library can tell them")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("需求申报书.wps", "WPS 文字/表格格式（.wps/.et）不接受，请在 WPS 中另存为 PDF、DOCX 或 XLSX 后上传"),
        ("概算.et", "WPS 文字/表格格式（.wps/.et）不接受，请在 WPS 中另存为 PDF、DOCX 或 XLSX 后上传"),
        ("申报书.doc", "旧版 Office 二进制格式（.doc/.xls 等）不接受，请另存为 PDF、DOCX 或 XLSX 后上传"),
    ],
)
def test_wps_files_refused_with_the_reason_MAT_02(cast, clock, name, reason):
    project = draft(cast.owner)
    answer = api_for(cast.owner).post(
        f"/api/v1/projects/{project.pk}/materials/",
        {"kind": "needs_application", "file": SimpleUploadedFile(name, OLE2)},
        format="multipart",
    )
    assert answer.status_code == 400
    assert answer.json()["error"]["message"] == f"需求申报书：{reason}"
    assert answer.json()["error"]["field"] == "needs_application"
    assert not Material.objects.exists()


# PRI-05/PRI-06: a priority claim's 证明材料


@pytest.mark.django_db
def test_priority_claim_needs_its_evidence_material_MAT_01_PRI_06(cast, clock):
    from govpm.core.errors import RuleViolation

    claim = {"code": "national_pilot", "evidence": "入选省级数字化改革试点（浙改办〔2025〕12号）"}
    project = draft(cast.owner, facts={"priority_claims": [claim]})
    services.upload_material(
        project.pk, actor=cast.owner, kind="needs_application", file=SimpleUploadedFile("申报书.pdf", PDF)
    )
    # the 需求申报书 is there; the claim's evidence is not
    with pytest.raises(RuleViolation) as refused:
        lifecycle.submit(project.pk, actor=cast.owner)
    assert refused.value.rule == "MAT-01"
    assert refused.value.message == "缺少材料：证明材料（入选国家、省级试点的数字化示范项目）"
    services.upload_material(
        project.pk,
        actor=cast.owner,
        kind="priority_evidence_national_pilot",
        file=SimpleUploadedFile("试点批复.pdf", PDF),
    )
    lifecycle.submit(project.pk, actor=cast.owner)
    assert Project.objects.get(pk=project.pk).stage == Stage.SUBMITTED


@pytest.mark.django_db
def test_unclaimed_priority_evidence_is_neither_asked_nor_listed_MAT_01(cast, clock, client):
    project = draft(cast.owner)
    assert not [k for k in catalog.required_of("submit", project) if k.claim]
    client.force_login(cast.owner)
    page = client.get(f"/projects/{project.pk}/").content.decode()
    assert "证明材料（" not in page


@pytest.mark.django_db
def test_claimed_priority_evidence_offered_in_the_submit_form_MAT_01(cast, clock, client):
    claim = {"code": "plan_task", "evidence": "纳入衢州市数字化改革规划"}
    project = draft(cast.owner, facts={"priority_claims": [claim]})
    client.force_login(cast.owner)
    page = client.get(f"/projects/{project.pk}/").content.decode()
    assert 'name="material.priority_evidence_plan_task"' in page
    assert 'name="material.priority_evidence_national_pilot"' not in page
    answer = client.post(
        f"/projects/{project.pk}/actions/submit/",
        {
            "material.needs_application": SimpleUploadedFile("需求申报书.pdf", PDF),
            "material.priority_evidence_plan_task": SimpleUploadedFile("规划文件.pdf", PDF),
        },
    )
    assert answer.status_code == 302, answer.content.decode()[:3000]
    assert Project.objects.get(pk=project.pk).stage == Stage.SUBMITTED


# Too many files in one request


def _multipart(fields: list[tuple[str, str]], files: list[tuple[str, str, bytes]]) -> tuple[bytes, str]:
    boundary = "----govpmtest"
    out = io.BytesIO()
    for name, value in fields:
        out.write(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        )
    for name, filename, data in files:
        out.write(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
            "Content-Type: application/pdf\r\n\r\n".encode()
        )
        out.write(data + b"\r\n")
    out.write(f"--{boundary}--\r\n".encode())
    return out.getvalue(), f"multipart/form-data; boundary={boundary}"


@pytest.mark.django_db
def test_500_uploads_in_one_api_request_refused_naming_the_material_MAT_02(cast, clock, client):
    project = draft(cast.owner)
    client.force_login(cast.owner)
    before = stored_files(project.pk)
    body, content_type = _multipart(
        [("kind", "needs_application")], [("file", f"{i}.pdf", PDF) for i in range(500)]
    )
    answer = client.post(f"/api/v1/projects/{project.pk}/materials/", body, content_type=content_type)
    assert answer.status_code == 400
    error = answer.json()["error"]
    assert error["message"].startswith("需求申报书：一次上传的文件过多")
    assert not Material.objects.exists()
    assert stored_files(project.pk) == before


@pytest.mark.django_db
def test_500_uploads_in_one_form_refused_naming_the_material_MAT_02(scheme_project, cast, client):
    client.force_login(cast.owner)
    fields = [("requested_estimate", "1200000.00"), ("modules", "统一门户"), ("scheme_summary", "合并方案")]
    body, content_type = _multipart(fields, [("material.estimate", f"{i}.pdf", PDF) for i in range(500)])
    answer = client.post(
        f"/projects/{scheme_project.pk}/actions/submit_scheme/", body, content_type=content_type
    )
    assert answer.status_code == 400
    assert "概算书：一次上传的文件过多" in answer.content.decode()
    assert not scheme_materials(scheme_project).exists()
    scheme_project.refresh_from_db()
    assert scheme_project.stage == Stage.SCHEME


@pytest.mark.django_db
def test_leading_group_decision_page_shows_the_judged_materials_MAT_02(cast, clock, client, settings):
    project = scenarios.advance(draft(cast.owner), cast, to=Stage.CONSULTATION)
    latest = {m.kind: m for m in Material.objects.filter(project=project)}
    assert {"needs_application", "scheme_text", "estimate"} <= set(latest)
    client.force_login(cast.leading_group)
    page = client.get(f"/projects/{project.pk}/").content.decode()
    panel = page.split('id="h-materials"')[1].split("</section>")[0]
    for kind in ["needs_application", "scheme_text", "estimate"]:
        assert latest[kind].name in panel
        assert f"/materials/{latest[kind].pk}/preview/" in panel
    assert 'id="action-leading_group_decide"' in page
    # the owner's view of the same page has no such panel (the checklist serves the owner)
    client.force_login(cast.owner)
    assert 'id="h-materials"' not in client.get(f"/projects/{project.pk}/").content.decode()
