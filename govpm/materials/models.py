"""An uploaded material (MAT-02): the bytes in Django's default storage, their facts in the database.

A row is never changed or deleted: a replacement is a new row with the next version of the same
(project, kind), and the old one stays readable."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Material(models.Model):
    project = models.ForeignKey(
        "projects.Project", verbose_name="项目", on_delete=models.PROTECT, related_name="materials"
    )
    kind = models.CharField("材料种类", max_length=64)  # a key of catalog.KINDS
    version = models.PositiveIntegerField("版本")
    replaces = models.OneToOneField(
        "self",
        verbose_name="替换",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="replaced_by",
    )
    file = models.FileField("文件", max_length=255)
    name = models.CharField("文件名", max_length=255)  # as uploaded, checked: no path separators or NUL
    sha256 = models.CharField("SHA-256", max_length=64, db_index=True)
    size = models.PositiveBigIntegerField("字节数")
    detected_type = models.CharField("检测类型", max_length=8)  # a key of detect.EXTENSIONS
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="上传人", on_delete=models.PROTECT, related_name="+"
    )
    unit = models.ForeignKey(
        "accounts.Unit", verbose_name="上传单位", null=True, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField("上传时间")

    class Meta:
        verbose_name = verbose_name_plural = "项目材料"
        constraints = [
            models.UniqueConstraint(fields=["project", "kind", "version"], name="material_one_version"),
        ]
        # The project page and the checklists read a project's materials by kind, newest first.
        indexes = [models.Index(fields=["project", "kind", "-version"], name="material_by_kind")]

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("已上传的材料不能修改；请上传新版本")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("已上传的材料不能删除")

    @property
    def kind_name(self) -> str:
        from .catalog import KINDS

        return KINDS[self.kind].name if self.kind in KINDS else self.kind
