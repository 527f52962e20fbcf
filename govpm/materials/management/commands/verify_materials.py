"""Recompute every stored material's SHA-256 and report what is missing or altered (MAT-02).

Reads each file in chunks through the default storage (file system or S3); exits 1 when anything is
wrong, so a cron job or a monitoring check can alert."""

from __future__ import annotations

import hashlib

from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError

from govpm.materials.models import Material


def check(material: Material) -> str | None:
    """None when the stored bytes are the uploaded ones; otherwise what is wrong, in Chinese."""
    name = material.file.name or ""
    if not name or not default_storage.exists(name):
        return "文件缺失"
    digest = hashlib.sha256()
    with default_storage.open(name, "rb") as stored:
        for chunk in stored.chunks():
            digest.update(chunk)
    if digest.hexdigest() != material.sha256:
        return f"内容已被改动（SHA-256 {digest.hexdigest()}，应为 {material.sha256}）"
    return None


class Command(BaseCommand):
    help = "Verify every stored material against its SHA-256; report missing or altered files."

    def handle(self, *args, **options):
        problems = 0
        count = 0
        for material in Material.objects.order_by("pk").iterator(chunk_size=500):
            count += 1
            problem = check(material)
            if problem:
                problems += 1
                self.stdout.write(
                    f"材料 #{material.pk}（项目 #{material.project_id}，{material.kind_name} v{material.version}，"
                    f"{material.file.name}）：{problem}"
                )
        if problems:
            raise CommandError(f"共检查 {count} 个材料文件，{problems} 个缺失或被改动")
        self.stdout.write(f"共检查 {count} 个材料文件，全部与 SHA-256 一致")
