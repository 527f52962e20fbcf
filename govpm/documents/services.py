"""What the web views and the API both call: who may read which document, export or open-data file,
and the bytes to send. Neither kind of view decides anything itself (ADR 0201)."""

from __future__ import annotations

import json
from dataclasses import dataclass

from django.urls import reverse

from govpm.accounts.models import User
from govpm.core.errors import NotFound
from govpm.materials.models import Material
from govpm.projects import selectors
from govpm.projects.models import IssuedDocument, Project

from . import opendata, workbooks
from .issuing import docx_bytes, ensure_pdf, verify

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@dataclass(frozen=True)
class Download:
    data: bytes
    filename: str
    content_type: str
    sha256: str = ""


def signed_in(user) -> bool:
    return user is not None and getattr(user, "is_authenticated", False) and user.is_active


def document_for(pk, *, actor) -> IssuedDocument:
    """A document of a project the user may see; anything else is "not found" (drafts must not leak)."""
    if not signed_in(actor):
        raise NotFound("公文不存在或无权查看")
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise NotFound("公文不存在或无权查看") from None
    document = (
        IssuedDocument.objects.select_related("issuer", "project")
        .filter(pk=pk, project__in=selectors.visible_projects(actor))
        .first()
    )
    if document is None:
        raise NotFound("公文不存在或无权查看")
    return document


def project_documents(project_id, *, actor: User) -> tuple[Project, list[IssuedDocument]]:
    project = selectors.project_detail(actor, project_id)
    return project, list(project.documents.all())


def _filename(document: IssuedDocument, extension: str) -> str:
    return f"{document.number} {document.title}.{extension}"


def docx_download(pk, *, actor) -> Download:
    document = document_for(pk, actor=actor)
    data = docx_bytes(document)
    return Download(data, _filename(document, "docx"), DOCX, document.sha256)


def pdf_download(pk, *, actor) -> Download:
    document = document_for(pk, actor=actor)
    return Download(
        ensure_pdf(document).read_bytes(), _filename(document, "pdf"), "application/pdf", document.sha256
    )


def verification(pk, *, actor) -> dict:
    document = document_for(pk, actor=actor)
    return {
        "id": document.pk,
        "number": document.number,
        "sha256": document.sha256,
        "verified": verify(document),
    }


def project_list_download(params, *, actor: User) -> Download:
    projects = selectors.project_list(actor, params)
    return Download(workbooks.project_list_workbook(projects, params), "项目清单.xlsx", workbooks.XLSX)


def project_workbook_download(project_id, *, actor: User) -> Download:
    try:
        pk = int(project_id)
    except (TypeError, ValueError):
        raise NotFound("项目不存在或无权查看") from None
    project = workbooks.with_file(selectors.visible_projects(actor).filter(pk=pk)).first()
    if project is None:
        raise NotFound("项目不存在或无权查看")
    return Download(
        workbooks.project_workbook(project), f"项目档案-{project.pk}-{project.name}.xlsx", workbooks.XLSX
    )


def _open_projects(project_id, *, actor) -> tuple:
    """One project's open data, and whether its document links may be given: to a signed-in user who
    may see the project (before publication too), with links; to anyone else only once it is public
    (selectors.public_projects), without links, since the downloads need a login (ADR 0201)."""
    try:
        pk = int(project_id)
    except (TypeError, ValueError):
        raise NotFound("项目不存在或无权查看") from None
    if signed_in(actor):
        mine = selectors.visible_projects(actor).filter(pk=pk)
        if mine.exists():
            return opendata.with_records(mine), True
    public = selectors.public_projects().filter(pk=pk)
    if public.exists():
        return opendata.with_records(public), False
    raise NotFound("项目不存在或无权查看")


def document_url(build_absolute_uri, *, linked: bool = True):
    """The download address of a document, or None where the reader could not open it (public feeds)."""

    def url(document: IssuedDocument | Material) -> str | None:
        if isinstance(document, Material):  # only public materials of approved projects are listed
            return build_absolute_uri(reverse("materials:download", kwargs={"pk": document.pk}))
        if not linked:
            return None
        return build_absolute_uri(reverse("documents:docx", kwargs={"pk": document.pk}))

    return url


def ocds_package(project_id, *, actor, uri: str, build_absolute_uri) -> dict:
    projects, linked = _open_projects(project_id, actor=actor)
    return opendata.release_package(
        projects, uri=uri, document_url=document_url(build_absolute_uri, linked=linked)
    )


def oc4ids_package(project_id, *, actor, uri: str, build_absolute_uri) -> dict:
    projects, linked = _open_projects(project_id, actor=actor)
    return opendata.project_package(
        projects, uri=uri, document_url=document_url(build_absolute_uri, linked=linked)
    )


def published_ocds(*, uri: str, build_absolute_uri) -> dict:
    projects = opendata.with_records(opendata.published_projects().order_by("id"))
    return opendata.release_package(
        projects, uri=uri, document_url=document_url(build_absolute_uri, linked=False)
    )


def published_oc4ids(*, uri: str, build_absolute_uri) -> dict:
    projects = opendata.with_records(opendata.published_projects().order_by("id"))
    return opendata.project_package(
        projects, uri=uri, document_url=document_url(build_absolute_uri, linked=False)
    )


def json_bytes(package: dict) -> bytes:
    return json.dumps(package, ensure_ascii=False, indent=2).encode("utf-8")
