"""Downloads for the web UI (signed-in users): documents, Excel exports, the needs import form and open
data. Each view parses, calls one function of services/needs_import, and sends the result."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_http_methods

from govpm.core import access
from govpm.core.errors import Forbidden, GovpmError, NotFound
from govpm.core.http import content_disposition
from govpm.core.spreadsheets import check_upload_size
from govpm.officialdoc.pdf import ConversionFailed

from . import needs_import, services


def send(download: services.Download, *, inline: bool = False) -> HttpResponse:
    response = HttpResponse(download.data, content_type=download.content_type)
    response["Content-Disposition"] = content_disposition(download.filename, inline=inline)
    if download.sha256:
        response["X-Content-SHA256"] = download.sha256
    return response


def _or_404(call, *args, **kwargs):
    try:
        return call(*args, **kwargs)
    except NotFound as exc:
        raise Http404(exc.message) from None


@login_required
@require_GET
def docx(request, pk: int):
    return send(_or_404(services.docx_download, pk, actor=request.user))


@login_required
@require_GET
def pdf(request, pk: int):
    try:
        return send(_or_404(services.pdf_download, pk, actor=request.user), inline=True)
    except ConversionFailed as exc:
        return HttpResponse(exc.message, status=exc.status, content_type="text/plain; charset=utf-8")


@login_required
@require_GET
def project_workbook(request, project_id: int):
    return send(_or_404(services.project_workbook_download, project_id, actor=request.user))


@login_required
@require_GET
def project_list_xlsx(request):
    try:
        return send(services.project_list_download(request.GET, actor=request.user))
    except GovpmError as exc:
        return HttpResponse(exc.message, status=exc.status, content_type="text/plain; charset=utf-8")


@login_required
@require_GET
def import_template(request):
    return send(
        services.Download(
            needs_import.template(),
            "项目需求导入模板.xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    )


@login_required
@require_http_methods(["GET", "POST"])
def import_needs(request):
    if not access.can(request.user, "project.import_needs"):
        raise Http404("只有业主单位可以导入项目需求")  # the page does not exist for other roles
    context: dict = {"max_rows": needs_import.MAX_ROWS}
    status = 200
    if request.method == "POST":
        upload = request.FILES.get("file")
        try:
            if upload is None:
                raise needs_import.InvalidInput("请选择要导入的 Excel 文件（.xlsx）", field="file")
            check_upload_size(upload.size, max_bytes=needs_import.MAX_BYTES)  # 413 before reading it
            context["created"] = needs_import.import_needs(upload.read(), actor=request.user)
        except needs_import.ImportRefused as exc:
            context["error"], context["rows"], status = exc.message, exc.errors, 400
        except (Forbidden, GovpmError) as exc:
            context["error"], status = exc.message, exc.status
    return render(request, "documents/import_needs.html", context, status=status)


def _json(package: dict, filename: str) -> HttpResponse:
    response = HttpResponse(services.json_bytes(package), content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = content_disposition(filename, inline=True)
    return response


@require_GET
def ocds(request, project_id: int):
    """Public once the project is published (ADR 0201); before that, for those who may see it."""
    package = _or_404(
        lambda: services.ocds_package(
            project_id,
            actor=request.user,
            uri=request.build_absolute_uri(),
            build_absolute_uri=request.build_absolute_uri,
        )
    )
    return _json(package, f"ocds-{project_id}.json")


@require_GET
def oc4ids(request, project_id: int):
    package = _or_404(
        lambda: services.oc4ids_package(
            project_id,
            actor=request.user,
            uri=request.build_absolute_uri(),
            build_absolute_uri=request.build_absolute_uri,
        )
    )
    return _json(package, f"oc4ids-{project_id}.json")


@require_GET
def ocds_published(request):
    return _json(
        services.published_ocds(
            uri=request.build_absolute_uri(), build_absolute_uri=request.build_absolute_uri
        ),
        "ocds.json",
    )


@require_GET
def oc4ids_published(request):
    return _json(
        services.published_oc4ids(
            uri=request.build_absolute_uri(), build_absolute_uri=request.build_absolute_uri
        ),
        "oc4ids.json",
    )
