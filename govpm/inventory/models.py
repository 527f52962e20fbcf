"""The systems inventory (信息系统目录, INV-01): every system the city runs, whether a platform project
delivered it or it was built before the platform, with its use reports (INV-02)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class System(models.Model):
    """One information system. `project` is the platform project that delivered it (null for systems
    imported from the pre-platform register)."""

    class Status(models.TextChoices):
        RUNNING = "running", "运行"  # in use
        STOPPED = "stopped", "停用"  # switched off by its unit
        ZOMBIE = "zombie", "僵尸"  # listed by bdb as a zombie system (REJ-09)

    class Source(models.TextChoices):
        PLATFORM = "platform", "平台项目交付"  # entered when its project reached operation
        IMPORTED = "imported", "存量导入"  # from the XLSX register of systems built before the platform

    name = models.CharField("系统名称", max_length=200)
    summary = models.TextField("系统概述", blank=True)
    functions = models.TextField("主要功能", blank=True, help_text="每行或以顿号分隔一项")
    owner_unit = models.ForeignKey(
        "accounts.Unit", verbose_name="建设单位", on_delete=models.PROTECT, related_name="systems"
    )
    project = models.OneToOneField(
        "projects.Project",
        verbose_name="建设项目",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="system",
    )
    on_city_cloud = models.BooleanField("部署在市云计算中心", default=False)
    data_resources = models.TextField("数据资源", blank=True, help_text="以顿号或逗号分隔")
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.RUNNING)
    source = models.CharField("来源", max_length=10, choices=Source.choices)
    built_on = models.DateField("建成日期", null=True, blank=True)
    zombie_listing = models.ForeignKey(
        "projects.ZombieListing",
        verbose_name="僵尸系统列入记录",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "信息系统"
        ordering = ["owner_unit_id", "name", "id"]
        indexes = [models.Index(fields=["owner_unit", "status"], name="system_unit_status_idx")]
        constraints = [
            models.UniqueConstraint(fields=["owner_unit", "name"], name="system_unique_name_per_unit")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def resource_list(self) -> list[str]:
        return split_items(self.data_resources)

    @property
    def function_list(self) -> list[str]:
        return split_items(self.functions)


def split_items(text: str) -> list[str]:
    for sep in ("、", "，", ";", "；", "\n"):
        text = text.replace(sep, ",")
    return [item.strip() for item in text.split(",") if item.strip()]


class UseReport(models.Model):
    """A month's use of a system: monthly active users or calls (INV-02's evidence)."""

    system = models.ForeignKey(System, on_delete=models.CASCADE, related_name="use_reports")
    month = models.DateField("月份", help_text="当月1日")
    active_users = models.PositiveIntegerField("月活跃用户数", null=True, blank=True)
    calls = models.PositiveIntegerField("月调用次数", null=True, blank=True)
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "使用情况"
        ordering = ["system_id", "-month"]
        # The zombie query reads each system's latest month.
        indexes = [models.Index(fields=["system", "-month"], name="use_report_latest_idx")]
        constraints = [
            models.UniqueConstraint(fields=["system", "month"], name="use_report_once_a_month"),
            models.CheckConstraint(
                condition=Q(active_users__isnull=False) | Q(calls__isnull=False),
                name="use_report_has_a_figure",
            ),
        ]
