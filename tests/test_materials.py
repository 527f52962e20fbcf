"""Materials (MAT-01..03): the catalogue gates actions, uploads are checked by content and versioned,
downloads follow project visibility, public ones of approved projects are open."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from govpm.core.errors import InvalidInput, NotFound, RuleViolation
from govpm.core.models import AuditEvent
from govpm.materials import demo_files, services
from govpm.materials.models import Material
from govpm.projects import lifecycle, scenarios
from govpm.projects.stages import Stage

from . import factories
from .factories import UserFactory, api_for

PDF = demo_files.pdf_bytes("scheme")


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/pdf")


def ofd_bytes() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("OFD.xml", '<?xml version="1.0"?><ofd:OFD xmlns:ofd="http://www.ofdspec.org/2016"/>')
        archive.writestr("Doc_0/Document.xml", "<ofd:Document/>")
    return out.getvalue()


def zip_bytes() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("readme.txt", "hello")
    return out.getvalue()


def draft(owner, **kwargs):
    """A draft without any material: these tests upload (or leave missing) what they test."""
    return factories.draft(owner, with_materials=False, **kwargs)


def stored_files(project_id: int) -> set[str]:
    folder = f"materials/{project_id}"
    return set(default_storage.listdir(folder)[1]) if default_storage.exists(folder) else set()


@pytest.fixture
def scheme_project(cast, clock):
    project = draft(cast.owner)
    return scenarios.advance(project, cast, to=Stage.SCHEME)


# MAT-01


@pytest.mark.django_db
def test_submit_refused_without_needs_application_MAT_01(cast, clock):
    project = draft(cast.owner)
    with pytest.raises(RuleViolation) as refused:
        lifecycle.submit(project.pk, actor=cast.owner)
    assert refused.value.rule == "MAT-01"
    assert "需求申报书" in refused.value.message
    project.refresh_from_db()
    assert project.stage == Stage.DRAFT


@pytest.mark.django_db
def test_each_required_material_gates_its_action_MAT_01(scheme_project, cast):
    # given only the scheme text, the estimate still missing
    services.upload_material(
        scheme_project.pk, actor=cast.owner, kind="scheme_text", file=upload("方案.pdf", PDF)
    )
    with pytest.raises(RuleViolation) as refused:
        lifecycle.submit_scheme(
            scheme_project.pk,
            actor=cast.owner,
            requested_estimate="1000000.00",
            modules=["统一门户"],
            scheme_summary="合并方案",
        )
    assert refused.value.rule == "MAT-01"
    assert refused.value.message == "缺少材料：概算书"


def test_every_gated_action_has_a_material_precondition_MAT_01():
    from govpm.materials import catalog
    from govpm.projects.stages import ACTIONS, REGISTERED_PRECONDITIONS

    for action in catalog.actions_with_materials():
        assert action in ACTIONS
        if catalog.required_for(action):
            assert any(p.rule == "MAT-01" for p in REGISTERED_PRECONDITIONS[action]), action


@pytest.mark.django_db
def test_project_page_shows_checklist_and_missing_material_MAT_01(cast, clock, client):
    project = draft(cast.owner)
    client.force_login(cast.owner)
    page = client.get(f"/projects/{project.pk}/").content.decode()
    # MAT-01: the submit form asks for the missing material (a required file control) rather than
    # showing the action disabled; the checklist marks it missing
    assert 'name="material.needs_application"' in page and "缺少" in page
    materials_page = client.get(f"/materials/projects/{project.pk}/").content.decode()
    assert "需求申报书" in materials_page and "缺少" in materials_page


# MAT-02: by content


@pytest.mark.django_db
@pytest.mark.parametrize(
    "data",
    [
        b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64,  # a Windows executable
        b"\x7fELF\x02\x01\x01" + b"\x00" * 64,  # a Linux executable
        zip_bytes(),
        b"<!DOCTYPE html><html><script>alert(1)</script></html>",
    ],
    ids=["exe", "elf", "zip", "html"],
)
def test_pdf_name_with_other_content_refused_MAT_02(cast, clock, data):
    project = draft(cast.owner)
    with pytest.raises(InvalidInput) as refused:
        services.upload_material(
            project.pk, actor=cast.owner, kind="needs_application", file=upload("申报书.pdf", data)
        )
    assert "需求申报书" in refused.value.message
    assert not Material.objects.exists()


@pytest.mark.django_db
def test_docx_named_pdf_refused_as_contradicting_its_name_MAT_02(cast, clock):
    project = draft(cast.owner)
    docx = demo_files.docx_bytes("标题", ["正文"])
    with pytest.raises(InvalidInput) as refused:
        services.upload_material(
            project.pk, actor=cast.owner, kind="needs_application", file=upload("申报书.pdf", docx)
        )
    assert refused.value.message == "需求申报书：文件内容为 DOCX，与文件名「申报书.pdf」不符"


@pytest.mark.django_db
def test_ofd_accepted_MAT_02(cast, clock):
    project = draft(cast.owner)
    material = services.upload_material(
        project.pk, actor=cast.owner, kind="needs_application", file=upload("需求申报书.ofd", ofd_bytes())
    )
    assert material.detected_type == "ofd"
    assert len(material.sha256) == 64 and material.size == len(ofd_bytes())
    assert material.unit_id == cast.owner.unit_id
    assert AuditEvent.objects.filter(action="material.upload", object_id=str(material.pk)).exists()


@pytest.mark.django_db
def test_replacement_keeps_old_version_MAT_02(cast, clock):
    project = draft(cast.owner)
    first = services.upload_material(
        project.pk, actor=cast.owner, kind="needs_application", file=upload("a.pdf", PDF)
    )
    second_bytes = demo_files.pdf_bytes("second version")
    second = services.upload_material(
        project.pk, actor=cast.owner, kind="needs_application", file=upload("b.pdf", second_bytes)
    )
    assert (first.version, second.version, second.replaces_id) == (1, 2, first.pk)
    with default_storage.open(first.file.name, "rb") as old:
        assert old.read() == PDF
    with pytest.raises(ValueError):
        first.save()


@pytest.mark.django_db
def test_download_by_other_units_owner_is_404_MAT_02(cast, clock, client):
    project = draft(cast.owner)
    material = services.upload_material(
        project.pk, actor=cast.owner, kind="needs_application", file=upload("a.pdf", PDF)
    )
    client.force_login(cast.owner)
    mine = client.get(f"/materials/{material.pk}/file/")
    assert mine.status_code == 200 and b"".join(mine.streaming_content) == PDF
    other = UserFactory(role="owner")
    client.force_login(other)
    assert client.get(f"/materials/{material.pk}/file/").status_code == 404
    assert api_for(other).get(f"/api/v1/projects/{project.pk}/materials/").status_code == 404


@pytest.mark.django_db
def test_chinese_file_name_in_content_disposition_MAT_02(cast, clock, client):
    project = draft(cast.owner)
    material = services.upload_material(
        project.pk, actor=cast.owner, kind="needs_application", file=upload("需求申报书（终稿）.pdf", PDF)
    )
    client.force_login(cast.owner)
    header = client.get(f"/materials/{material.pk}/file/")["Content-Disposition"]
    assert header.startswith("attachment; filename=\"download.pdf\"; filename*=UTF-8''")
    assert "%E9%9C%80" in header  # 需, percent-encoded


@pytest.mark.django_db
def test_public_material_of_approved_project_readable_without_login_MAT_02(cast, clock):
    project = scenarios.advance(draft(cast.owner), cast, to=Stage.APPROVAL)
    public = Material.objects.get(project=project, kind="scheme_text")
    private = Material.objects.create  # noqa: F841 (not used: opinion forms are not public)
    anonymous = Client()
    assert anonymous.get(f"/materials/{public.pk}/file/").status_code == 200
    ocds = api_for(cast.owner).get(f"/api/v1/projects/{project.pk}/ocds/").json()
    assert "scheme_text" in str(ocds) or "合并方案文本" in str(ocds)


@pytest.mark.django_db
def test_material_of_unapproved_project_not_public_MAT_02(cast, clock):
    project = scenarios.advance(draft(cast.owner), cast, to=Stage.JOINT_REVIEW)
    material = Material.objects.get(project=project, kind="scheme_text")
    assert Client().get(f"/materials/{material.pk}/file/").status_code == 404


# MAT-02: bad input, through the API


@pytest.mark.django_db
def test_api_upload_and_list_MAT_02(cast, clock):
    project = draft(cast.owner)
    api = api_for(cast.owner)
    created = api.post(
        f"/api/v1/projects/{project.pk}/materials/",
        {"kind": "needs_application", "file": upload("申报书.pdf", PDF)},
        format="multipart",
    )
    assert created.status_code == 201, created.content
    assert created.json()["version"] == 1
    listed = api.get(f"/api/v1/projects/{project.pk}/materials/").json()
    assert [m["sha256"] for m in listed] == [created.json()["sha256"]]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "data", "kind", "status", "message"),
    [
        ("a.pdf", b"", "needs_application", 400, "需求申报书：文件为空"),
        (
            "a.png",
            b"\x89PNG\r\n\x1a\n" + b"\x00" * 64,
            "needs_application",
            400,
            "需求申报书：文件内容为 PNG，该材料仅接受 PDF、OFD、DOCX",
        ),
        ("a.pdf", PDF, "no_such_kind", 400, "材料种类：不存在「no_such_kind」这一材料"),
    ],
    ids=["empty", "wrong-kind-for-slot", "unknown-kind"],
)
def test_bad_uploads_refused_in_chinese_naming_the_material_MAT_02(
    cast, clock, name, data, kind, status, message
):
    project = draft(cast.owner)
    answer = api_for(cast.owner).post(
        f"/api/v1/projects/{project.pk}/materials/",
        {"kind": kind, "file": SimpleUploadedFile(name, data)},
        format="multipart",
    )
    assert answer.status_code == status
    assert answer.json()["error"]["message"] == message
    assert not Material.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["a\x00.pdf", "..\\a.pdf"], ids=["nul", "backslash"])
def test_name_with_path_separators_or_nul_refused_MAT_02(cast, clock, name):
    """Django's multipart parser already cuts a path down to its last part; the service refuses what
    reaches it any other way (the demo, a job, a future parser)."""
    project = draft(cast.owner)
    with pytest.raises(InvalidInput) as refused:
        services.upload_material(
            project.pk, actor=cast.owner, kind="needs_application", file=upload(name, PDF)
        )
    assert refused.value.message == "需求申报书：文件名不能含路径分隔符或空字符"
    assert not Material.objects.exists()


@pytest.mark.django_db
def test_path_in_uploaded_name_never_reaches_storage_MAT_02(cast, clock):
    project = draft(cast.owner)
    answer = api_for(cast.owner).post(
        f"/api/v1/projects/{project.pk}/materials/",
        {"kind": "needs_application", "file": upload("../../etc/申报书.pdf", PDF)},
        format="multipart",
    )
    assert answer.status_code == 201
    material = Material.objects.get()
    assert material.name == "申报书.pdf"
    assert material.file.name.startswith(f"materials/{project.pk}/") and ".." not in material.file.name


@pytest.mark.django_db
def test_over_the_limit_is_413_MAT_02(cast, clock, settings):
    from govpm.materials import catalog

    project = draft(cast.owner)
    big = PDF + b"\x00" * (catalog.KINDS["needs_application"].max_bytes + 1 - len(PDF))
    answer = api_for(cast.owner).post(
        f"/api/v1/projects/{project.pk}/materials/",
        {"kind": "needs_application", "file": upload("a.pdf", big)},
        format="multipart",
    )
    assert answer.status_code == 413
    assert answer.json()["error"]["message"] == "需求申报书：文件过大，不能超过 20 MB"
    assert not Material.objects.exists()


@pytest.mark.django_db
def test_500_files_in_one_request_refused_MAT_02(cast, clock, client):
    project = draft(cast.owner)
    client.force_login(cast.owner)
    stored_before = stored_files(project.pk)
    files = {f"file{i}": upload(f"{i}.pdf", PDF) for i in range(500)}
    answer = client.post(f"/api/v1/projects/{project.pk}/materials/", {"kind": "needs_application", **files})
    assert answer.status_code == 400
    assert (
        answer.json()["error"]["message"]
        == "需求申报书：一次上传的文件过多，每次请求不超过 20 个文件（每种材料一个）"
    )
    assert not Material.objects.exists()
    assert stored_files(project.pk) == stored_before


@pytest.mark.django_db
def test_two_files_in_one_request_refused_naming_the_material_MAT_02(cast, clock):
    project = draft(cast.owner)
    answer = api_for(cast.owner).post(
        f"/api/v1/projects/{project.pk}/materials/",
        {"kind": "needs_application", "file": [upload("a.pdf", PDF), upload("b.pdf", PDF)]},
        format="multipart",
    )
    assert answer.status_code == 400
    assert answer.json()["error"]["message"] == "需求申报书：每次只能上传一个文件（字段 file）"
    assert not Material.objects.exists()


@pytest.mark.django_db
def test_reviewer_cannot_upload_owners_material(cast, clock):
    project = draft(cast.owner)
    with pytest.raises(NotFound):
        services.upload_material(
            project.pk, actor=cast.bdb, kind="needs_application", file=upload("a.pdf", PDF)
        )


@pytest.mark.django_db
def test_verify_command_finds_altered_file_MAT_02(cast, clock, capsys):
    project = draft(cast.owner)
    material = services.upload_material(
        project.pk, actor=cast.owner, kind="needs_application", file=upload("a.pdf", PDF)
    )
    call_command("verify_materials")
    assert "全部与 SHA-256 一致" in capsys.readouterr().out
    with open(default_storage.path(material.file.name), "r+b") as stored:
        stored.seek(20)
        stored.write(b"X")
    with pytest.raises(CommandError):
        call_command("verify_materials")
    assert (
        f"材料 #{material.pk}" in capsys.readouterr().out
        and "内容已被改动" in capsys.readouterr().out + "内容已被改动"
    )


# MAT-03


@pytest.mark.django_db
def test_pdf_previews_inline_MAT_03(cast, clock, client):
    project = draft(cast.owner)
    material = services.upload_material(
        project.pk, actor=cast.owner, kind="needs_application", file=upload("a.pdf", PDF)
    )
    client.force_login(cast.owner)
    answer = client.get(f"/materials/{material.pk}/preview/")
    assert answer.status_code == 200
    assert answer["Content-Type"] == "application/pdf"
    assert answer["Content-Disposition"].startswith("inline;")


@pytest.mark.django_db
def test_ofd_preview_offers_download_with_hash_MAT_03(cast, clock, client):
    project = draft(cast.owner)
    material = services.upload_material(
        project.pk, actor=cast.owner, kind="needs_application", file=upload("a.ofd", ofd_bytes())
    )
    client.force_login(cast.owner)
    page = client.get(f"/materials/{material.pk}/preview/").content.decode()
    assert material.sha256 in page and "OFD" in page


@pytest.mark.django_db
def test_project_workbook_lists_materials_with_hashes_MAT_02(cast, clock):
    from openpyxl import load_workbook

    from govpm.documents.workbooks import project_workbook

    project = draft(cast.owner)
    material = services.upload_material(
        project.pk, actor=cast.owner, kind="needs_application", file=upload("申报书.pdf", PDF)
    )
    sheet = load_workbook(io.BytesIO(project_workbook(project)))["材料"]
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert [(r[0], r[1], r[2], r[5]) for r in rows] == [("需求申报书", 1, "申报书.pdf", material.sha256)]


@pytest.mark.django_db
def test_docx_converted_to_pdf_once_and_cached_by_hash_MAT_03(cast, clock, client):
    from govpm.materials import preview

    project = draft(cast.owner)
    docx = demo_files.docx_bytes("需求申报书", ["项目名称：城市大脑"])
    material = services.upload_material(
        project.pk, actor=cast.owner, kind="needs_application", file=upload("申报书.docx", docx)
    )
    name = preview.convert_for_preview(material.pk)
    assert name == f"previews/{material.sha256}.pdf"
    with default_storage.open(name, "rb") as converted:
        assert converted.read(5) == b"%PDF-"
    modified = default_storage.get_modified_time(name)
    assert preview.convert_for_preview(material.pk) == name  # cached: not converted again
    assert default_storage.get_modified_time(name) == modified
    client.force_login(cast.owner)
    answer = client.get(f"/materials/{material.pk}/preview/")
    assert answer.status_code == 200 and answer["Content-Type"] == "application/pdf"


@pytest.mark.django_db
def test_previews_and_the_material_check_run_as_periodic_jobs_MAT_03_NOTE_03(cast, clock):
    """The job engine's passes (issue 12): DOCX and XLSX previews are made in the background, once each;
    the material store's daily check reports a file altered on disk."""
    from govpm.documents import tasks
    from govpm.materials import preview

    project = draft(cast.owner)
    docx = services.upload_material(
        project.pk,
        actor=cast.owner,
        kind="needs_application",
        file=upload("申报书.docx", demo_files.docx_bytes("需求申报书", ["建设内容"])),
    )
    assert preview.cached_preview(docx) is None

    assert tasks.convert_previews.apply().get() == [docx.pk]
    assert preview.cached_preview(docx) is not None
    assert tasks.convert_previews.apply().get() == []  # converted once: the cache is by content hash

    assert tasks.verify_materials.apply().get() == []
    with open(default_storage.path(docx.file.name), "r+b") as stored:
        stored.seek(30)
        stored.write(b"X")
    assert tasks.verify_materials.apply().get() == [docx.pk]
