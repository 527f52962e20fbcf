"""The bytes of an issued document. Kept apart from IssuedDocument so that lists and project pages,
which load documents by the dozen, never drag the DOCX blobs along."""

from __future__ import annotations

from django.db import models


class DocumentFile(models.Model):
    """The DOCX exactly as issued. Its SHA-256 is also stored on the IssuedDocument, so either can be
    checked against the other; neither is ever rewritten (a correction is a new document)."""

    document = models.OneToOneField(
        "projects.IssuedDocument", verbose_name="公文", on_delete=models.PROTECT, related_name="file"
    )
    docx = models.BinaryField("DOCX")
    sha256 = models.CharField("SHA-256", max_length=64)
    size = models.PositiveIntegerField("字节数")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "公文文件"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("已印发公文的文件不能修改；更正须另行发文")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("已印发公文的文件不能删除")


class BatchFile(models.Model):
    """A file issued when a 申报批次 closed (PLAN-05): the 需求汇总表 as XLSX and as a 公文-layout list
    (DOCX), and the 年度项目计划 (XLSX). Kept as issued, with its SHA-256; never rewritten."""

    class Kind(models.TextChoices):
        SUMMARY_XLSX = "summary_xlsx", "需求汇总表（XLSX）"
        SUMMARY_DOCX = "summary_docx", "需求汇总表（公文）"
        PLAN_XLSX = "plan_xlsx", "年度项目计划（XLSX）"

    batch = models.ForeignKey(
        "projects.Batch", verbose_name="申报批次", on_delete=models.PROTECT, related_name="files"
    )
    kind = models.CharField("文件", max_length=20, choices=Kind.choices)
    data = models.BinaryField("内容")
    sha256 = models.CharField("SHA-256", max_length=64)
    size = models.PositiveIntegerField("字节数")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "批次汇总文件"
        constraints = [models.UniqueConstraint(fields=["batch", "kind"], name="batch_file_once")]

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("已印发的汇总文件不能修改")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("已印发的汇总文件不能删除")
