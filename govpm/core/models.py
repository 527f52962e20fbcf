from django.conf import settings
from django.db import models

from . import clock


class Holiday(models.Model):
    """One day of the official holiday calendar: a day off, or a weekend day made a working day (调休)."""

    date = models.DateField("日期", unique=True)
    name = models.CharField("名称", max_length=50)
    is_workday = models.BooleanField("调休上班", default=False, help_text="周末调为工作日时勾选")

    class Meta:
        verbose_name = verbose_name_plural = "节假日"
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {self.name}{'（上班）' if self.is_workday else ''}"


class AuditEvent(models.Model):
    """The audit trail of every write outside a project's lifecycle (a project's own actions are in
    projects.Event): an observation entered or corrected, a verdict, a county's progress, a promotion record,
    an import, a user or unit changed. Rows are only appended: the database refuses UPDATE and DELETE
    (triggers of migration 0002), and `manage.py verify_audit` checks the hash chain.

    actor        who acted (null: the system, e.g. a data load); actor_name, actor_role and actor_unit as
                 they were at that moment, so renaming or moving the user later changes no past event
    object_type  what was written, as "app_label.model"; object_id its primary key, as text
    action       what was done: record_observation, record_judgement, record_progress, record_publicity,
                 record_case, record_showcase, import_needs, import_observations, create_user, change_user,
                 create_unit, change_unit
    changes      {field: [old, new]} for each field the action changed; old is null for a new row
    payload      what else the action was given or produced (file name, row counts, ids)
    created_at   when, timezone-aware
    prev_hash    the hash of the row before this one ("" for the first)
    hash         SHA-256 of prev_hash + the canonical JSON of the fields above (govpm.core.audit)"""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="操作人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor_name = models.CharField("操作人姓名", max_length=150)
    actor_role = models.CharField("角色", max_length=20, blank=True)
    actor_unit = models.CharField("单位", max_length=100, blank=True)
    object_type = models.CharField("对象类型", max_length=60)
    object_id = models.CharField("对象编号", max_length=40)
    action = models.CharField("动作", max_length=40)
    changes = models.JSONField("变更", default=dict)
    payload = models.JSONField("内容", default=dict)
    created_at = models.DateTimeField("时间", default=clock.now, db_index=True)
    prev_hash = models.CharField("前一记录哈希", max_length=64, blank=True)
    hash = models.CharField("哈希", max_length=64)

    class Meta:
        verbose_name = verbose_name_plural = "审计记录"
        ordering = ["id"]
        # The history of one object (an indicator's observations, a user's changes) is read by these two.
        indexes = [models.Index(fields=["object_type", "object_id"], name="auditevent_object")]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_name} {self.action} {self.object_type}#{self.object_id}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("审计记录只能追加，不能修改")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("审计记录不能删除")
