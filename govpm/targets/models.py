"""The city's published targets: documents, indicators, targets, observations, judgements and decomposed
tasks. Models hold fields and constraints; what happens to them lives in the service modules
(observations.py, assessment.py, tasks.py, gazette_import.py, curated.py, exchange.py)."""

from __future__ import annotations

import re

from django.conf import settings
from django.db import models
from django.db.models import Q

from govpm.accounts.codes import REGIONS

from . import parsing


class Document(models.Model):
    """A document of the gazette that sets targets, e.g. 衢政发〔2020〕10号."""

    number = models.CharField("文号", max_length=40, unique=True)
    title = models.CharField("标题", max_length=200)

    class Meta:
        verbose_name = verbose_name_plural = "目标来源文件"
        ordering = ["number"]

    def __str__(self) -> str:
        return self.number


class Nature(models.TextChoices):
    EXPECTED = "expected", "预期性"  # a goal the government steers toward
    BINDING = "binding", "约束性"  # a duty: failing it is listed first in every assessment


class Direction(models.TextChoices):
    HIGHER = "higher", "越高越好"  # a bare target value "28" means reach at least 28
    LOWER = "lower", "越低越好"  # a bare target value "6.551" means stay at or below it
    UNKNOWN = "", "未定"  # a bare target value is then an exact value


class Source(models.TextChoices):
    CURATED = "curated", "审核数据文件"  # loaded from govpm/targets/data, reviewed by a person
    GAZETTE = "gazette", "政报原文导入"  # loaded by import_gazette_targets from the raw text
    UPLOAD = "upload", "表格导入"  # loaded from an uploaded XLSX/CSV (TGT-07)


class Indicator(models.Model):
    """One indicator (TGT-01). The baseline is kept as printed (`baseline_raw`) beside its parsed form."""

    document = models.ForeignKey(
        Document, verbose_name="来源文件", on_delete=models.PROTECT, related_name="indicators"
    )
    code = models.CharField("编号", max_length=20, help_text="文件内稳定编号，如 H01、E03")
    name = models.CharField("指标名称", max_length=300)
    unit = models.CharField("单位", max_length=20, blank=True)
    action_group = models.CharField("所属行动", max_length=60, blank=True)
    clause = models.CharField("条款", max_length=200, help_text="文件中的位置，如 附件 第3行、二(四)2")
    nature = models.CharField("指标性质", max_length=10, choices=Nature.choices, blank=True)
    direction = models.CharField("方向", max_length=10, choices=Direction.choices, blank=True)
    department = models.CharField("责任部门", max_length=100, blank=True)
    baseline_raw = models.CharField("基期原文", max_length=300, blank=True)
    baseline_status = models.CharField("基期状态", max_length=10, blank=True)
    baseline_value = models.DecimalField("基期值", max_digits=20, decimal_places=6, null=True, blank=True)
    baseline_secondary = models.DecimalField(
        "基期括号值", max_digits=20, decimal_places=6, null=True, blank=True
    )
    baseline_year = models.PositiveSmallIntegerField("基期年份", null=True, blank=True)
    baseline_year_source = models.CharField(
        "基期年份出处",
        max_length=200,
        blank=True,
        help_text="文件载明基期年份之处；空 = 文件未载明，基期年份为推定（页面如实说明）",
    )
    raw_text = models.TextField("原文", blank=True, help_text="表格行或正文句子，原样保存")
    source = models.CharField("数据来源", max_length=10, choices=Source.choices)
    note = models.TextField("审核说明", blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "指标"
        ordering = ["document__number", "code"]
        constraints = [
            # The importer and the curated loader find an indicator by its name within its document:
            # this is what makes a second run create nothing.
            models.UniqueConstraint(fields=["document", "name"], name="targets_indicator_unique_name"),
            models.UniqueConstraint(fields=["document", "code"], name="targets_indicator_unique_code"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def is_binding(self) -> bool:
        return self.nature == Nature.BINDING

    @property
    def clause_label(self) -> str:
        """The clause as a reader cites it: without the extraction's line number in the gazette file."""
        return re.sub(r"（政报第\d+行）", "", self.clause).strip()

    @property
    def baseline_display(self) -> str:
        """The parsed baseline, "99.7(97.7)" for a pair; "" when the cell could not be read."""
        if self.baseline_value is None:
            return ""
        shown = parsing.fmt(self.baseline_value)
        if self.baseline_secondary is not None:
            shown += f"({parsing.fmt(self.baseline_secondary)})"
        return shown

    @property
    def baseline_year_label(self) -> str:
        """What the pages and reports say about the baseline year: stated, assumed, or unknown."""
        if self.baseline_year is None:
            return "基期年份未载明"
        if self.baseline_year_source:
            return f"{self.baseline_year}年（{self.baseline_year_source}）"
        return f"基期年份未载明，按{self.baseline_year}年计"


class Responsibility(models.Model):
    """A unit answerable for an indicator (TGT-08): it sees the indicator, enters its observations with
    their evidence and sees its assessment. Named by the document where it says, otherwise assigned by
    市智慧办 (audited)."""

    class Basis(models.TextChoices):
        DOCUMENT = "document", "文件明确"  # the document names the unit (clause says where)
        ASSIGNED = "assigned", "市智慧办指定"  # the document is silent; smart_office assigned it

    indicator = models.ForeignKey(
        Indicator, verbose_name="指标", on_delete=models.CASCADE, related_name="responsibilities"
    )
    unit = models.ForeignKey(
        "accounts.Unit", verbose_name="责任单位", on_delete=models.PROTECT, related_name="+"
    )
    basis = models.CharField("依据", max_length=10, choices=Basis.choices)
    clause = models.CharField("文件条款", max_length=200, blank=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="指定人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    assigned_at = models.DateTimeField("指定时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "指标责任单位"
        ordering = ["indicator_id", "unit_id"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "unit"], name="targets_responsibility_unique")
        ]


class Target(models.Model):
    """The target of an indicator for one year (TGT-02): the raw text and its parsed form side by side."""

    indicator = models.ForeignKey(
        Indicator, verbose_name="指标", on_delete=models.CASCADE, related_name="targets"
    )
    year = models.PositiveSmallIntegerField("目标年份")
    raw_text = models.CharField("目标原文", max_length=300)
    kind = models.CharField("目标类型", max_length=20)
    operator = models.CharField("比较符", max_length=2, blank=True)
    value = models.DecimalField("目标值", max_digits=20, decimal_places=6, null=True, blank=True)
    value_high = models.DecimalField("区间上限", max_digits=20, decimal_places=6, null=True, blank=True)
    secondary_value = models.DecimalField(
        "括号内目标值", max_digits=20, decimal_places=6, null=True, blank=True
    )
    base_year = models.PositiveSmallIntegerField("比较基准年", null=True, blank=True)
    inclusive_note = models.BooleanField("以上/以下含本数", default=False)

    class Meta:
        verbose_name = verbose_name_plural = "目标"
        ordering = ["indicator_id", "year"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "year"], name="targets_target_unique_year")
        ]

    def __str__(self) -> str:
        return f"{self.year}年 {self.raw_text}"

    @property
    def parsed(self) -> parsing.ParsedTarget:
        return parsing.ParsedTarget(
            raw=self.raw_text,
            kind=self.kind,
            operator=self.operator,
            value=self.value,
            value_high=self.value_high,
            secondary_value=self.secondary_value,
            base_year=self.base_year,
            inclusive_note=self.inclusive_note,
        )


class CorrectedRecord(models.Model):
    """A value someone entered, with its source; a correction adds a row that `replaces` this one, which
    then stays with `is_current=False`, so the history is never overwritten (TGT-03)."""

    source = models.CharField("数据来源", max_length=200)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="录入人", on_delete=models.PROTECT, related_name="+"
    )
    entered_at = models.DateTimeField("录入时间")
    is_current = models.BooleanField("当前有效", default=True)
    replaces = models.OneToOneField(
        "self",
        verbose_name="更正的记录",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="replaced_by",
    )
    correction_reason = models.CharField("更正理由", max_length=300, blank=True)

    class Meta:
        abstract = True


class Observation(CorrectedRecord):
    """A measured value of an indicator for one year (TGT-03).

    A correction never overwrites: it adds a row that `replaces` the previous one, which stays with
    `is_current=False`. At most one row per indicator and period is current."""

    indicator = models.ForeignKey(
        Indicator, verbose_name="指标", on_delete=models.PROTECT, related_name="observations"
    )
    period = models.PositiveSmallIntegerField("年度")
    value = models.DecimalField("观测值", max_digits=20, decimal_places=6)
    secondary_value = models.DecimalField(
        "括号内观测值", max_digits=20, decimal_places=6, null=True, blank=True
    )
    flag = models.CharField(
        "待确认提示", max_length=200, blank=True, help_text="较上一年度变化异常时的提示（TGT-09），不拒收"
    )

    class Meta:
        verbose_name = verbose_name_plural = "观测值"
        ordering = ["indicator_id", "period", "entered_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "period"],
                condition=Q(is_current=True),
                name="targets_observation_one_current",
            ),
        ]
        indexes = [
            # The assessment reads the current value of every indicator for one year.
            models.Index(fields=["period", "is_current"], name="targets_obs_period_current"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.period}年 {self.value}"


class Verdict(models.TextChoices):
    """A named assessor's verdict on a qualitative target, or the automatic one on a comparison (TGT-04)."""

    MET = "met", "已达成"  # the target year's value meets the target
    NOT_MET = "not_met", "未达成"  # the target year's value misses the target
    ON_TRACK = "on_track", "进度正常"  # before the target year, at or ahead of the line baseline→target
    BEHIND = "behind", "进度滞后"  # before the target year, behind that line
    NEEDS_JUDGEMENT = "needs_judgement", "待评估人判断"  # qualitative, or the numbers cannot decide it
    NO_DATA = "no_data", "无数据"  # no current observation for the year


class Judgement(models.Model):
    """A named assessor's judgement of a qualitative target for one year, with the reason in words.
    Later judgements do not erase earlier ones: the latest counts, all are kept."""

    indicator = models.ForeignKey(
        Indicator, verbose_name="指标", on_delete=models.PROTECT, related_name="judgements"
    )
    year = models.PositiveSmallIntegerField("年度")
    verdict = models.CharField(
        "结论",
        max_length=20,
        choices=[
            (v.value, v.label) for v in (Verdict.MET, Verdict.NOT_MET, Verdict.ON_TRACK, Verdict.BEHIND)
        ],
    )
    reason = models.TextField("理由")
    # TGT-11: what the verdict rests on, in words (a document number, an acceptance record, a site visit);
    # required for every new judgement (observations.record_judgement), empty only on earlier rows.
    evidence = models.TextField("佐证", blank=True)
    # An optional file behind the evidence (PDF, OFD, DOCX, XLSX, JPEG, PNG; type detected from content).
    evidence_file = models.FileField("佐证材料", max_length=255, blank=True)
    evidence_name = models.CharField("佐证材料文件名", max_length=255, blank=True)
    evidence_sha256 = models.CharField("佐证材料SHA-256", max_length=64, blank=True)
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="评估人", on_delete=models.PROTECT, related_name="+"
    )
    judged_at = models.DateTimeField("评估时间")

    class Meta:
        verbose_name = verbose_name_plural = "定性目标评估"
        ordering = ["indicator_id", "year", "judged_at", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(reason=""), name="targets_judgement_reason_required")
        ]


class Task(models.Model):
    """A target split over regions and years (TGT-05), e.g. 新增造林 118600 亩 over 2020–2024."""

    document = models.ForeignKey(
        Document, verbose_name="来源文件", on_delete=models.PROTECT, related_name="tasks"
    )
    code = models.CharField("编号", max_length=20)
    name = models.CharField("任务名称", max_length=100)
    unit = models.CharField("单位", max_length=20)
    stated_total = models.DecimalField(
        "文件所述总量",
        max_digits=20,
        decimal_places=6,
        null=True,
        blank=True,
        help_text="正文所述总量，如 11.86万亩",
    )
    stated_total_raw = models.CharField("总量原文", max_length=200, blank=True)
    clause = models.CharField("条款", max_length=200)
    source = models.CharField("数据来源", max_length=10, choices=Source.choices)

    class Meta:
        verbose_name = verbose_name_plural = "分解任务"
        ordering = ["document__number", "code"]
        constraints = [models.UniqueConstraint(fields=["document", "code"], name="targets_task_unique_code")]

    def __str__(self) -> str:
        return self.name


class TaskShare(models.Model):
    """One cell of a decomposition table: a region's planned amount for a year, or its total (year null)."""

    task = models.ForeignKey(Task, verbose_name="任务", on_delete=models.CASCADE, related_name="shares")
    region_code = models.CharField("行政区划", max_length=6, choices=sorted(REGIONS.items()))
    year = models.PositiveSmallIntegerField("年度", null=True, blank=True, help_text="空 = 合计栏")
    planned = models.DecimalField("计划量", max_digits=20, decimal_places=6)
    raw_text = models.CharField("原文", max_length=50)

    class Meta:
        verbose_name = verbose_name_plural = "任务分解"
        ordering = ["task_id", "region_code", "year"]
        constraints = [
            models.UniqueConstraint(
                fields=["task", "region_code", "year"],
                condition=Q(year__isnull=False),
                name="targets_share_unique_year",
            ),
            models.UniqueConstraint(
                fields=["task", "region_code"],
                condition=Q(year__isnull=True),
                name="targets_share_unique_total",
            ),
        ]


class TaskProgress(CorrectedRecord):
    """What a county completed of a task in a year. Corrections keep history, as for observations."""

    task = models.ForeignKey(Task, verbose_name="任务", on_delete=models.PROTECT, related_name="progress")
    region_code = models.CharField("行政区划", max_length=6, choices=sorted(REGIONS.items()))
    year = models.PositiveSmallIntegerField("年度")
    completed = models.DecimalField("完成量", max_digits=20, decimal_places=6)

    class Meta:
        verbose_name = verbose_name_plural = "任务完成情况"
        ordering = ["task_id", "region_code", "year", "entered_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["task", "region_code", "year"],
                condition=Q(is_current=True),
                name="targets_progress_one_current",
            ),
        ]
