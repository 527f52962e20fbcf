"""Writes of materials (MAT-02): checked by content, streamed to storage, kept with their SHA-256.

A file is checked before anything is written (empty, over its kind's limit, a name with path
separators or NUL, a type the kind does not take, a content that contradicts its name); then its bytes
are copied to the default storage in chunks (never held whole in memory: Django already spooled an
upload over FILE_UPLOAD_MAX_MEMORY_SIZE to a temporary file) and its row and audit event are written
in one transaction under the project's row lock. If that transaction fails, the stored bytes are
removed: nothing partial is kept."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable
from typing import TypeVar

from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from govpm.accounts.models import User
from govpm.core import access, audit, clock
from govpm.core.errors import Conflict, Forbidden, GovpmError, InvalidInput, NotFound
from govpm.core.spreadsheets import FileTooLarge
from govpm.projects.models import Project
from govpm.projects.selectors import visible_projects
from govpm.projects.stages import ACTIONS

from . import catalog, detect
from .models import Material

T = TypeVar("T")
CHUNK = 64 * 1024
MAX_NAME = 200


def kind_or_refuse(kind: str | None) -> catalog.MaterialKind:
    entry = catalog.KINDS.get(kind or "")
    if entry is None:
        raise InvalidInput(f"材料种类：不存在「{kind or ''}」这一材料", field="kind")
    return entry


def _checked_name(name: str | None, entry: catalog.MaterialKind) -> str:
    name = (name or "").strip()
    if not name:
        raise InvalidInput(f"{entry.name}：缺少文件名", field=entry.code)
    if "/" in name or "\\" in name or "\x00" in name or name in {".", ".."}:
        raise InvalidInput(f"{entry.name}：文件名不能含路径分隔符或空字符", field=entry.code)
    if len(name) > MAX_NAME:
        raise InvalidInput(f"{entry.name}：文件名过长（不超过{MAX_NAME}个字符）", field=entry.code)
    return name


def check_file(entry: catalog.MaterialKind, file: UploadedFile) -> tuple[str, str]:
    """(checked name, detected type), or the refusal naming the material."""
    name = _checked_name(file.name, entry)
    if not file.size:
        raise InvalidInput(f"{entry.name}：文件为空", field=entry.code)
    if file.size > entry.max_bytes:
        raise FileTooLarge(f"{entry.name}：文件过大，不能超过 {entry.limit_label}", field=entry.code)
    detected = detect.detect(file)
    if detected is None and (reason := detect.unaccepted_reason(file, name)) is not None:
        raise InvalidInput(f"{entry.name}：{reason}", field=entry.code)
    if detected is None:
        raise InvalidInput(
            f"{entry.name}：无法识别的文件类型，仅接受 {entry.formats_label}", field=entry.code
        )
    if detected not in entry.formats:
        raise InvalidInput(
            f"{entry.name}：文件内容为 {catalog.FORMAT_LABELS[detected]}，该材料仅接受 {entry.formats_label}",
            field=entry.code,
        )
    if not detect.extension_agrees(name, detected):
        raise InvalidInput(
            f"{entry.name}：文件内容为 {catalog.FORMAT_LABELS[detected]}，与文件名「{name}」不符",
            field=entry.code,
        )
    return name, detected


def _sha256(file: UploadedFile) -> str:
    digest = hashlib.sha256()
    file.seek(0)
    for chunk in file.chunks(CHUNK):
        digest.update(chunk)
    file.seek(0)
    return digest.hexdigest()


def _authorize(project: Project, actor: User, entry: catalog.MaterialKind) -> None:
    if not actor.is_active:
        raise Forbidden("账号已停用")
    if not visible_projects(actor).filter(pk=project.pk).exists():
        raise NotFound("项目不存在或无权查看")
    spec = ACTIONS[entry.action]
    if not access.can(actor, entry.capability):
        raise Forbidden(f"{actor.get_role_display()}无权上传「{entry.name}」（随「{spec.label}」提交）")
    if project.stage not in spec.sources:
        raise Conflict(
            f"项目当前阶段为「{project.stage_label}」，不能上传「{entry.name}」（随「{spec.label}」提交）",
            code="wrong_stage",
            field=entry.code,
        )


def upload_material(project_id: int, *, actor: User, kind: str, file: UploadedFile) -> Material:
    """Store one file as the next version of the project's material of this kind."""
    entry = kind_or_refuse(kind)
    name, detected = check_file(entry, file)
    try:
        project = Project.objects.get(pk=project_id)
    except (Project.DoesNotExist, ValueError, TypeError):
        raise NotFound("项目不存在或无权查看") from None
    # Checked before the bytes are copied; checked again under the row lock (the stage may have moved).
    _authorize(project, actor, entry)
    sha256 = _sha256(file)
    ext = sorted(detect.EXTENSIONS[detected])[0]
    stored = default_storage.save(f"materials/{project_id}/{uuid.uuid4().hex}{ext}", file)
    try:
        with transaction.atomic():
            project = Project.objects.select_for_update().get(pk=project_id)
            _authorize(project, actor, entry)
            previous = Material.objects.filter(project=project, kind=entry.code).order_by("-version").first()
            material = Material(
                project=project,
                kind=entry.code,
                version=(previous.version + 1) if previous else 1,
                replaces=previous,
                name=name,
                sha256=sha256,
                size=file.size or 0,
                detected_type=detected,
                uploaded_by=actor,
                unit_id=actor.unit_id,
                uploaded_at=clock.now(),
            )
            material.file.name = stored
            material.save(force_insert=True)
            audit.record(
                actor=actor,
                action="material.upload",
                target=material,
                payload={
                    "project_id": project.pk,
                    "kind": entry.code,
                    "version": material.version,
                    "name": name,
                    "sha256": sha256,
                    "size": material.size,
                    "detected_type": detected,
                },
            )
    except BaseException:
        default_storage.delete(stored)
        raise
    return material


def discard_files(materials: list[Material]) -> None:
    """For a caller whose enclosing transaction rolled back after uploads (an action form): the rows
    are gone with it; remove their bytes too."""
    for material in materials:
        if material.file.name:
            default_storage.delete(material.file.name)


def act_with_materials(
    project_id: int,
    *,
    actor: User,
    uploads: list[tuple[str, UploadedFile]],
    act: Callable[[], T],
    field_prefix: str = "",
) -> T:
    """An action form's files and its action, all or nothing (docs/adr/0501-uploads-with-the-action.md):
    every file is checked first; then, in one transaction, each is stored as the next version of its
    kind and the action is taken. If any upload or the action is refused, the transaction rolls back
    (no material row, no audit event) and the bytes already copied are removed: nothing partial is
    kept. A refused upload names its material, its `field` prefixed for the form's control."""
    stored: list[Material] = []
    try:
        for kind, file in uploads:
            check_file(kind_or_refuse(kind), file)
        with transaction.atomic():
            for kind, file in uploads:
                stored.append(upload_material(project_id, actor=actor, kind=kind, file=file))
            return act()
    except GovpmError as error:
        discard_files(stored)
        if error.field in {kind for kind, _ in uploads}:
            error.field = field_prefix + error.field
        raise
    except BaseException:
        discard_files(stored)
        raise
