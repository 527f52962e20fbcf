from django.db import models

from .catalog import AUTOMATIC, JUDGEMENT, PROCEDURE, RECORD, RULES


class PolicyDocument(models.Model):
    number = models.CharField("文号", max_length=40, unique=True)
    title = models.CharField("标题", max_length=200)
    issued_on = models.DateField("成文日期")

    class Meta:
        verbose_name = verbose_name_plural = "政策文件"

    def __str__(self) -> str:
        return f"{self.title}（{self.number}）"


class Rule(models.Model):
    """A requirement of the policy, mirrored from catalog.py (the source) for browsing."""

    class Kind(models.TextChoices):
        AUTOMATIC_ = AUTOMATIC, "自动判定"
        JUDGEMENT_ = JUDGEMENT, "人工研判"
        PROCEDURE_ = PROCEDURE, "流程控制"
        RECORD_ = RECORD, "记录备查"

    code = models.CharField("规则编号", max_length=20, unique=True)
    document = models.ForeignKey(PolicyDocument, verbose_name="政策文件", on_delete=models.PROTECT)
    kind = models.CharField("类型", max_length=20, choices=Kind.choices)
    clause = models.CharField("条款", max_length=60)
    text = models.TextField("条文")
    version = models.PositiveIntegerField("版本", default=1)

    class Meta:
        verbose_name = verbose_name_plural = "规则"
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.code} {self.text[:30]}"

    @property
    def citation(self) -> str:
        return (
            RULES[self.code].citation
            if self.code in RULES
            else f"{self.code} · {self.document.number} {self.clause}"
        )


class Finding(models.Model):
    """What a rule said about a project, when, under which version, and on which facts.

    Automatic findings come from submit/precheck; judgement findings from review_needs (with the
    reviewer's reason); priority findings record the grounds claimed. An override names the person
    and the reason (reopen); the finding itself is never edited otherwise."""

    class Outcome(models.TextChoices):
        HIT = "hit", "命中"
        PASS = "pass", "未命中"
        PRIORITY = "priority", "优先列入"

    project = models.ForeignKey("projects.Project", on_delete=models.CASCADE, related_name="findings")
    rule_code = models.CharField("规则编号", max_length=20, db_index=True)
    rule_version = models.PositiveIntegerField("规则版本")
    outcome = models.CharField("结论", max_length=10, choices=Outcome.choices)
    message = models.TextField("说明")
    facts = models.JSONField("依据事实", default=dict)
    reason = models.TextField("研判理由", blank=True)
    decided_by = models.ForeignKey(
        "accounts.User",
        verbose_name="研判人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField("时间", auto_now_add=True)
    overridden_by = models.ForeignKey(
        "accounts.User",
        verbose_name="豁免人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    override_reason = models.TextField("豁免理由", blank=True)
    overridden_at = models.DateTimeField("豁免时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "规则判定"
        ordering = ["project_id", "id"]

    def __str__(self) -> str:
        return f"{self.rule_code} {self.get_outcome_display()}"

    @property
    def citation(self) -> str:
        return RULES[self.rule_code].citation
