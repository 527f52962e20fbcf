"""四 项目推广: publicity by cadence (PROMO-01, TIME-05), cases presented upward (PROMO-02),
showcase events (PROMO-03, TIME-06)."""

from django.conf import settings
from django.db import models


class Publicity(models.Model):
    class Kind(models.TextChoices):
        THEME = "theme", "月度主题"  # 一月一主题
        RELEASE = "release", "季度发声"  # 一季一发声
        SUMMARY = "summary", "半年总结"  # 半年一总结
        SYNTHESIS = "synthesis", "年度提炼"  # 一年一提炼

    kind = models.CharField("类型", max_length=20, choices=Kind.choices)
    year = models.PositiveSmallIntegerField("年度")
    period = models.PositiveSmallIntegerField("期次", help_text="月份1–12、季度1–4、半年1–2或年度1")
    title = models.CharField("标题", max_length=200)
    published_on = models.DateField("发布日期")
    channel = models.CharField("宣传机构或渠道", max_length=100, blank=True)
    projects = models.ManyToManyField("projects.Project", blank=True, verbose_name="涉及项目")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = verbose_name_plural = "主题宣传"
        ordering = ["year", "kind", "period"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "year", "period"], name="publicity_once_per_period")
        ]


class CasePresentation(models.Model):
    title = models.CharField("典型案例", max_length=200)
    presented_to = models.CharField("推介对象（国家、省级部门）", max_length=100)
    presented_on = models.DateField("推介日期")
    project = models.ForeignKey("projects.Project", null=True, blank=True, on_delete=models.PROTECT)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = verbose_name_plural = "经验推广"
        ordering = ["-presented_on"]


class Showcase(models.Model):
    title = models.CharField("推介专场", max_length=200)
    held_on = models.DateField("举办日期")
    audience = models.CharField("面向地区", max_length=200, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = verbose_name_plural = "样板输出推介专场"
        ordering = ["-held_on"]
