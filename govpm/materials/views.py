"""Materials in the web UI: the project's materials page (checklists per stage, versions, uploads),
downloads and previews. Downloads answer anonymous users too, for public materials of approved projects
only (selectors.readable_material); everything else not seen is 404."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from govpm.core import access
from govpm.core.errors import GovpmError, NotFound
from govpm.core.http import content_disposition
from govpm.officialdoc.pdf import ConversionFailed

from . import catalog, preview, selectors, services
from .api import single_upload
from .models import Material


def _file_response(material: Material, *, inline: bool) -> FileResponse:
    from .detect import CONTENT_TYPES

    response = FileResponse(material.file.open("rb"), content_type=CONTENT_TYPES[material.detected_type])
    response["Content-Disposition"] = content_disposition(material.name, inline=inline)
    response["X-Content-SHA256"] = material.sha256
    _viewable(response)
    return response


def _viewable(response: FileResponse) -> None:
    # The site's CSP (object-src/frame-ancestors 'none') would stop the browser's own PDF viewer; the
    # file's type was decided from its content (PDF, JPEG, PNG only inline), so it carries no script.
    response._csp_exempt = True  # type: ignore[attr-defined]


def _readable(request, pk: int) -> Material:
    try:
        return selectors.readable_material(pk, request.user)
    except NotFound as exc:
        raise Http404(exc.message) from None


@require_GET
def download(request, pk: int):
    return _file_response(_readable(request, pk), inline=False)


@require_GET
def preview_view(request, pk: int):
    """PDF and images inline; DOCX/XLSX as their cached PDF (converted now if no job has yet); OFD: a
    page with its SHA-256 and the download, since browsers have no OFD viewer."""
    material = _readable(request, pk)
    if material.detected_type in preview.INLINE:
        return _file_response(material, inline=True)
    if material.detected_type in preview.CONVERTED:
        try:
            name = preview.convert_for_preview(material.pk)
        except ConversionFailed as error:
            return render(request, "materials/ofd.html", {"material": material, "error": error}, status=503)
        from django.core.files.storage import default_storage

        response = FileResponse(default_storage.open(name, "rb"), content_type="application/pdf")
        response["Content-Disposition"] = content_disposition(
            material.name.rsplit(".", 1)[0] + ".pdf", inline=True
        )
        _viewable(response)
        return response
    return render(request, "materials/ofd.html", {"material": material})


def _uploadable(user) -> set[str]:
    return {code for code, kind in catalog.KINDS.items() if access.can(user, kind.capability)}


@login_required
@require_http_methods(["GET", "POST"])
def project_materials(request, project_id: int):
    error = None
    status = 200
    if request.method == "POST":
        try:
            kind, file = single_upload(request.POST, request.FILES, request)
            material = services.upload_material(project_id, actor=request.user, kind=kind, file=file)
        except NotFound as exc:
            raise Http404(exc.message) from None
        except GovpmError as exc:
            error, status = exc, exc.status
        else:
            messages.success(request, f"已上传「{catalog.KINDS[kind].name}」第 {material.version} 版")
            return redirect("materials:project", project_id=project_id)
    try:
        project, rows = selectors.project_materials(project_id, request.user)
    except NotFound as exc:
        raise Http404(exc.message) from None
    project_rows = list(rows)
    checklists = selectors.checklists(project)
    uploadable = _uploadable(request.user)
    return render(
        request,
        "materials/project.html",
        {
            "project": project,
            "checklists": checklists,
            "versions": project_rows,
            "uploadable": uploadable,
            "open_actions": {
                code for code in catalog.actions_with_materials() if project.stage in _sources(code)
            },
            "error": error,
        },
        status=status,
    )


def _sources(action: str):
    from govpm.projects.stages import ACTIONS

    return ACTIONS[action].sources
