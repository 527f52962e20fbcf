from django.db import models


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
