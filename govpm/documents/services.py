"""What the web views and the API both call: who may read which document, export or open-data file,
and the bytes to send. Neither kind of view decides anything itself (ADR 0201)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from urllib.parse import quote

from django.urls import reverse

from govpm.accounts.models import User
from govpm.core.errors import NotFound
from govpm.projects import selectors
from govpm.projects.models import IssuedDocument, Project

from . import opendata, pdf, workbooks
from .issuing import docx_bytes, verify

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
        pdf.ensure_pdf(document).read_bytes(), _filename(document, "pdf"), "application/pdf", document.sha256
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


def _open_projects(project_id, *, actor):
    """One project's open data: public once published; before that only for those who may see it."""
    try:
        pk = int(project_id)
    except (TypeError, ValueError):
        raise NotFound("项目不存在或无权查看") from None
    published = opendata.published_projects().filter(pk=pk)
    if published.exists():
        return opendata.with_records(published)
    if signed_in(actor) and selectors.visible_projects(actor).filter(pk=pk).exists():
        return opendata.with_records(selectors.visible_projects(actor).filter(pk=pk))
    raise NotFound("项目不存在或无权查看")


def document_url(build_absolute_uri):
    def url(document: IssuedDocument) -> str:
        return build_absolute_uri(reverse("documents:docx", kwargs={"pk": document.pk}))

    return url


def ocds_package(project_id, *, actor, uri: str, build_absolute_uri) -> dict:
    return opendata.release_package(
        _open_projects(project_id, actor=actor), uri=uri, document_url=document_url(build_absolute_uri)
    )


def oc4ids_package(project_id, *, actor, uri: str, build_absolute_uri) -> dict:
    return opendata.project_package(
        _open_projects(project_id, actor=actor), uri=uri, document_url=document_url(build_absolute_uri)
    )


def published_ocds(*, uri: str, build_absolute_uri) -> dict:
    projects = opendata.with_records(opendata.published_projects().order_by("id"))
    return opendata.release_package(projects, uri=uri, document_url=document_url(build_absolute_uri))


def published_oc4ids(*, uri: str, build_absolute_uri) -> dict:
    projects = opendata.with_records(opendata.published_projects().order_by("id"))
    return opendata.project_package(projects, uri=uri, document_url=document_url(build_absolute_uri))


def json_bytes(package: dict) -> bytes:
    return json.dumps(package, ensure_ascii=False, indent=2).encode("utf-8")


def content_disposition(filename: str, *, inline: bool = False) -> str:
    """RFC 6266 with an ASCII fallback: Chinese file names survive every browser."""
    kind = "inline" if inline else "attachment"
    return f"{kind}; filename=\"download.{filename.rsplit('.', 1)[-1]}\"; filename*=UTF-8''{quote(filename)}"
