"""The lifecycle's records. Models hold fields, constraints and cheap derived values; every change
to them goes through a function in govpm/projects/lifecycle/ (a test guards this)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from govpm.core import clock
from govpm.core.money import MoneyField

from .stages import Stage

User = settings.AUTH_USER_MODEL


class Level(models.TextChoices):
    CITY = "city", "市本级"
    COUNTY = "county", "县（市、区）"


class BuildType(models.TextChoices):
    NEW = "new", "新建"
    RENOVATION = "renovation", "改建"
    EXPANSION = "expansion", "扩建"
    MAINTENANCE = "maintenance", "维护"
    OM_RENEWAL = "om_renewal", "运维续购"


CATEGORY_LABELS = {
    1: "数字化应用项目",
    2: "信息网络系统",
    3: "信息资源开发系统",
    4: "信息应用系统（OA/MIS/集成）",
    5: "信息安全、咨询评估、维护、服务外包",
    6: "维保到期运维续购",
    7: "其他",
}


class Project(models.Model):
    """A need, then a project: one row from the first draft to the post-evaluation."""

    name = models.CharField("项目名称", max_length=200)
    summary = models.TextField("需求概述", blank=True)
    owner_unit = models.ForeignKey(
        "accounts.Unit", verbose_name="业主单位", on_delete=models.PROTECT, related_name="projects"
    )
    stage = models.CharField("阶段", max_length=20, choices=Stage.choices, default=Stage.DRAFT)
    facts = models.JSONField("申报事实", default=dict)
    # Copied from facts when they are saved, so the demand pool can filter and index them.
    level = models.CharField("层级", max_length=10, choices=Level.choices, default=Level.CITY)
    category = models.PositiveSmallIntegerField("项目类别", null=True, blank=True)
    build_type = models.CharField("建设类型", max_length=20, choices=BuildType.choices, blank=True)
    classified = models.BooleanField("涉密", default=False)
    priority_score = models.PositiveSmallIntegerField("优先列入情形数", default=0)
    layers = models.CharField(
        "“四横三纵”层级", max_length=200, blank=True, help_text="如 ,business_app,data_resource,"
    )
    requested_estimate = MoneyField("申报估算（元）", null=True, blank=True)
    approved_estimate = MoneyField("概算价（元）", null=True, blank=True)
    project_code = models.CharField("项目代码", max_length=24, blank=True)
    merged_into = models.ForeignKey(
        "self",
        verbose_name="并入项目",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged_needs",
    )
    review_round = models.PositiveSmallIntegerField("评审轮次", default=0)
    # DOC-01: a need started from a rejected one ("以此为基础新建需求") links back to it.
    copied_from = models.ForeignKey(
        "self",
        verbose_name="据以新建的需求",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="copies",
    )
    # PLAN-07: the unit that filed this need, when smart_office gave the merged project to another unit;
    # it keeps reading the project, as the units of the needs merged into it do.
    original_owner_unit = models.ForeignKey(
        "accounts.Unit",
        verbose_name="原业主单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # PLAN-06: the task of a top-level design the need serves, if it names one.
    design_task = models.ForeignKey(
        "DesignTask",
        verbose_name="服务的顶层设计任务",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="needs",
    )
    is_overdue = models.BooleanField("有逾期事项", default=False)
    created_by = models.ForeignKey(User, verbose_name="创建人", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)
    stage_changed_at = models.DateTimeField("进入当前阶段时间", auto_now_add=True)
    approved_on = models.DateField(
        "批复日期", null=True, blank=True, help_text="初步设计批复的成文日期（ORG-02 的基准）"
    )
    final_accepted_on = models.DateField("终验日期", null=True, blank=True)
    # The planned implementation period (SUPV-06): past its half, a mid-term review is expected.
    implementation_starts_on = models.DateField("计划实施开始", null=True, blank=True)
    implementation_ends_on = models.DateField("计划实施结束", null=True, blank=True)
    # PLAN-05: the 申报批次 open when the need entered the pool.
    batch = models.ForeignKey(
        "projects.Batch",
        verbose_name="申报批次",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="needs",
    )

    class Meta:
        verbose_name = verbose_name_plural = "项目"
        indexes = [
            # The demand pool: filter by stage, rank as selectors.ORDERINGS["priority"] does (PostgreSQL
            # keeps NULLs last in an ascending index, as the ranking wants), so a page is read off the index
            # instead of sorting the whole filter, and the count is an index-only scan.
            models.Index(
                fields=["stage", "-priority_score", "submitted_at", "id"], name="project_pool_rank_idx"
            ),
            models.Index(fields=["owner_unit", "stage"], name="project_owner_stage_idx"),
            models.Index(fields=["is_overdue", "stage"], name="project_overdue_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(requested_estimate__gte=0), name="project_requested_nonneg"),
            models.CheckConstraint(condition=Q(approved_estimate__gte=0), name="project_approved_nonneg"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def stage_label(self) -> str:
        return Stage(self.stage).label


class Event(models.Model):
    """The audit trail: one row per action taken on a project, never changed nor deleted (the database
    refuses UPDATE and DELETE: triggers of migration 0003; `manage.py verify_audit` checks the hash chain).

    actor        who acted (the user); actor_name, actor_role and actor_unit as they were at that moment,
                 so renaming or moving the user later changes no past event
    action       the action code of stages.ACTIONS ("create" for a new need)
    from_stage   the stage before the action; to_stage the stage after (equal when no change)
    payload      what the action was given and what it produced (ids, amounts as strings, findings)
    changes      {field: [old, new]} for each field of the project row the action changed
    created_at   when, timezone-aware
    prev_hash    the hash of the event before this one ("" for the first)
    hash         SHA-256 of prev_hash + the canonical JSON of the fields above (govpm.core.audit)"""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="events")
    actor = models.ForeignKey(User, verbose_name="操作人", on_delete=models.PROTECT, related_name="+")
    actor_name = models.CharField("操作人姓名", max_length=150)
    actor_role = models.CharField("角色", max_length=20)
    actor_unit = models.CharField("单位", max_length=100, blank=True)
    action = models.CharField("动作", max_length=40)
    from_stage = models.CharField("原阶段", max_length=20, choices=Stage.choices)
    to_stage = models.CharField("新阶段", max_length=20, choices=Stage.choices)
    payload = models.JSONField("内容", default=dict)
    changes = models.JSONField("变更", default=dict)
    created_at = models.DateTimeField("时间", default=clock.now, db_index=True)
    prev_hash = models.CharField("前一记录哈希", max_length=64, blank=True)
    hash = models.CharField("哈希", max_length=64)

    class Meta:
        verbose_name = verbose_name_plural = "操作记录"
        ordering = ["project_id", "id"]

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("操作记录只能追加，不能修改")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("操作记录不能删除")


class Module(models.Model):
    """A module, function or phase that passes preliminary acceptance (初验) on its own (IMPL-05)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="modules")
    name = models.CharField("模块名称", max_length=100)
    position = models.PositiveSmallIntegerField("序号", default=0)
    accepted_on = models.DateField("初验通过日期", null=True, blank=True)
    # The plan (PORT-01); the actual end is accepted_on, recorded by the lifecycle.
    planned_start = models.DateField("计划开始", null=True, blank=True)
    planned_end = models.DateField("计划完成", null=True, blank=True)
    acceptance_note = models.TextField("初验情况", blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "功能模块"
        ordering = ["project_id", "position", "id"]
        constraints = [models.UniqueConstraint(fields=["project", "name"], name="module_unique_name")]

    def __str__(self) -> str:
        return self.name


class ReviewTask(models.Model):
    """One reviewer's part of a joint review round (COORD-02): a unit, or a named expert."""

    class Opinion(models.TextChoices):
        AGREE = "agree", "同意"
        CONDITIONAL = "conditional", "有条件同意"
        DISAGREE = "disagree", "不同意"

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="review_tasks")
    round = models.PositiveSmallIntegerField("轮次")
    unit = models.ForeignKey(
        "accounts.Unit", verbose_name="评审单位", null=True, blank=True, on_delete=models.PROTECT
    )
    expert = models.ForeignKey(
        User, verbose_name="评审专家", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    opinion = models.CharField("意见", max_length=20, choices=Opinion.choices, blank=True)
    comment = models.TextField("说明", blank=True)
    answered_by = models.ForeignKey(
        User, verbose_name="填报人", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answered_at = models.DateTimeField("填报时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "评审任务"
        ordering = ["project_id", "round", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(unit__isnull=False, expert__isnull=True)
                | Q(unit__isnull=True, expert__isnull=False),
                name="review_task_one_reviewer",
            ),
            models.UniqueConstraint(fields=["project", "round", "unit"], name="review_task_unit_once"),
            models.UniqueConstraint(fields=["project", "round", "expert"], name="review_task_expert_once"),
        ]

    @property
    def reviewer_name(self) -> str:
        return str(self.unit or self.expert)


class OpinionRevision(models.Model):
    """Every answer a reviewer gave, amendments included; the task holds the latest."""

    task = models.ForeignKey(ReviewTask, on_delete=models.CASCADE, related_name="revisions")
    opinion = models.CharField("意见", max_length=20, choices=ReviewTask.Opinion.choices)
    comment = models.TextField("说明")
    actor = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["task_id", "id"]


class ReviewReminder(models.Model):
    """催办: smart_office reminded a reviewer that its opinion is still missing (COORD-02)."""

    task = models.ForeignKey(ReviewTask, on_delete=models.CASCADE, related_name="reminders")
    message = models.TextField("催办内容")
    sent_by = models.ForeignKey(User, verbose_name="催办人", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("催办时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "评审催办"
        ordering = ["task_id", "id"]


class Decision(models.Model):
    """A decision a person took, with the reason: needs review, leading group, final acceptance."""

    class Kind(models.TextChoices):
        NEEDS_REVIEW = "needs_review", "需求审核"
        LEADING_GROUP = "leading_group", "领导小组审定"
        FINAL_ACCEPTANCE = "final_acceptance", "终验"
        OVERRIDE = "override", "规则豁免"

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="decisions")
    kind = models.CharField("类型", max_length=20, choices=Kind.choices)
    outcome = models.CharField("结论", max_length=20)
    reason = models.TextField("理由", blank=True)
    actor = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "决定"
        ordering = ["project_id", "id"]


class IssuedDocument(models.Model):
    """An official document (公文) the lifecycle issued. Its number is never reused; once issued it is
    not changed — a correction is a new document."""

    class Kind(models.TextChoices):
        CONSULTATION_OPINION = "consultation_opinion", "衢州市数字化项目决策咨询意见"
        DESIGN_APPROVAL = "design_approval", "初步设计批复"
        PRICE_REVIEW = "price_review", "价格评审意见书"
        ACCEPTANCE_REPORT = "acceptance_report", "衢州市数字化项目验收报告"
        POST_EVALUATION_REPORT = "post_evaluation_report", "后评估报告"
        NON_ACCEPTANCE_NOTICE = "non_acceptance_notice", "不予受理告知书"  # DOC-01
        RETURN_NOTICE = "return_notice", "退回修改通知"  # DOC-01

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="documents")
    kind = models.CharField("文种", max_length=30, choices=Kind.choices)
    title = models.CharField("标题", max_length=200)
    number = models.CharField("发文字号", max_length=40, unique=True)
    issuer = models.ForeignKey(
        "accounts.Unit", verbose_name="发文机关", on_delete=models.PROTECT, related_name="+"
    )
    issued_on = models.DateField("成文日期")
    amount = MoneyField("所载金额（元）", null=True, blank=True)
    body = models.TextField("正文", blank=True)
    sha256 = models.CharField("SHA-256", max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "公文"
        ordering = ["project_id", "id"]


class DocumentSequence(models.Model):
    """The last number used per issuer and year: 衢智办〔2026〕12号 is followed by 13号, never by 12号."""

    issuer = models.ForeignKey("accounts.Unit", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["issuer", "year"], name="document_sequence_unique")]


class Funding(models.Model):
    """Funds in the fiscal guarantee (COORD-06), with the city–county shares that add up to them."""

    project = models.OneToOneField(Project, on_delete=models.PROTECT, related_name="funding")
    amount = MoneyField("安排资金（元）")
    om_amount = MoneyField("运维费用（元）", default=0)
    source = models.CharField("资金来源", max_length=100, blank=True)
    decided_on = models.DateField("落实日期")
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = verbose_name_plural = "资金落实"
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="funding_positive")]


class CostShare(models.Model):
    """分级负担: the part of the funding one level (city or a county) bears."""

    funding = models.ForeignKey(Funding, on_delete=models.CASCADE, related_name="shares")
    region_code = models.CharField("行政区划", max_length=6)
    amount = MoneyField("承担金额（元）")
    # COORD-10: the unit that holds the share sees the project and may sign its contracts.
    unit = models.ForeignKey(
        "accounts.Unit",
        verbose_name="承担单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cost_shares",
    )

    class Meta:
        verbose_name = verbose_name_plural = "分级负担"
        constraints = [
            models.UniqueConstraint(fields=["funding", "region_code"], name="cost_share_unique_region"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="cost_share_nonneg"),
        ]


class Tender(models.Model):
    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="tenders")
    title = models.CharField("招标项目", max_length=200)
    ceiling = MoneyField("招标最高限价（元）")
    method = models.CharField("采购方式", max_length=30, default="公开招标")
    published_on = models.DateField("发布日期")
    # COORD-07: the firms that bid; their staff may not review the project.
    bidders = models.JSONField("投标人", default=list, blank=True)
    exemption = models.ForeignKey(
        "Exemption",
        verbose_name="特殊情况豁免",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = verbose_name_plural = "招标"
        ordering = ["project_id", "id"]
        constraints = [models.CheckConstraint(condition=Q(ceiling__gt=0), name="tender_ceiling_positive")]


class Contract(models.Model):
    """A contract; under 统采分签 one tender leads to several, each signed by its own unit."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="contracts")
    tender = models.ForeignKey(Tender, on_delete=models.PROTECT, related_name="contracts")
    supplier = models.CharField("中标供应商", max_length=200)
    signing_unit = models.ForeignKey(
        "accounts.Unit", verbose_name="签约单位", on_delete=models.PROTECT, related_name="+"
    )
    amount = MoneyField("合同金额（元）")
    signed_on = models.DateField("签订日期")
    exemption = models.ForeignKey(
        "Exemption",
        verbose_name="特殊情况豁免",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = verbose_name_plural = "合同"
        ordering = ["project_id", "id"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="contract_amount_positive")]


class Payment(models.Model):
    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="payments")
    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="payments")
    amount = MoneyField("支付金额（元）")
    paid_on = models.DateField("支付日期")
    milestone = models.CharField("对应进度", max_length=100, blank=True)
    exemption = models.ForeignKey(
        "Exemption",
        verbose_name="特殊情况豁免",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = verbose_name_plural = "支付"
        ordering = ["project_id", "id"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_positive")]


class Inspection(models.Model):
    """An unannounced inspection of progress (IMPL-02). "1+1" means bdb and bizenv together (IMPL-09):
    `partner_unit` is the other of the two when both took part; an inspection by one unit alone is
    recorded as such and not counted as "1+1"."""

    class Result(models.TextChoices):
        ON_TRACK = "on_track", "进度正常"
        ISSUES = "issues", "发现问题"
        SERIOUS = "serious", "严重滞后"

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="inspections")
    unit = models.ForeignKey("accounts.Unit", on_delete=models.PROTECT, related_name="+")
    partner_unit = models.ForeignKey(
        "accounts.Unit",
        verbose_name="联合检查单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    participants = models.TextField("参加人员", blank=True, help_text="各单位参加检查的人员")
    inspected_on = models.DateField("检查日期")
    result = models.CharField("结论", max_length=20, choices=Result.choices)
    findings = models.TextField("检查情况")

    class Meta:
        verbose_name = verbose_name_plural = "督查"
        ordering = ["project_id", "id"]

    @property
    def is_joint(self) -> bool:
        """“1+1”: the inspecting unit and a partner unit both took part (the lifecycle admits only bdb+bizenv)."""
        return self.partner_unit_id is not None

    @property
    def kind_label(self) -> str:
        return "“1+1”联合督查" if self.is_joint else "单一单位督查"


class MidtermReview(models.Model):
    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="midterm_reviews")
    reviewed_on = models.DateField("监管日期")
    conclusion = models.TextField("结论")
    issues = models.TextField("问题与整改要求", blank=True)
    participants = models.TextField("参加单位和人员", blank=True)  # SUPV-06

    class Meta:
        verbose_name = verbose_name_plural = "中期监管"
        ordering = ["project_id", "id"]


class DataDictionary(models.Model):
    """The data dictionary submitted to bdb on completion (IMPL-04), as a Table Schema / Data Package."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="data_dictionaries")
    descriptor = models.JSONField("数据字典")
    submitted_on = models.DateField("提交日期")
    submitted_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = verbose_name_plural = "数据字典"
        ordering = ["project_id", "id"]


class FinalAcceptance(models.Model):
    class Outcome(models.TextChoices):
        PENDING = "pending", "待决定"
        PASSED = "passed", "通过"
        FAILED = "failed", "不通过"
        EXTERNAL = "external", "国家/省级组织终验（视为通过）"

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="final_acceptances")
    applied_on = models.DateField("申请日期")
    outcome = models.CharField("结论", max_length=20, choices=Outcome.choices, default=Outcome.PENDING)
    decided_on = models.DateField("决定日期", null=True, blank=True)
    external_body = models.CharField("终验组织单位", max_length=100, blank=True)
    reason = models.TextField("意见", blank=True)
    # IMPL-10: an external acceptance the owner filed waits for smart_office's 备案 (filed_on).
    filed_on = models.DateField("备案日期", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "终验"
        ordering = ["project_id", "id"]

    @property
    def awaiting_filing(self) -> bool:
        return self.outcome == self.Outcome.EXTERNAL and self.filed_on is None


class PostEvaluation(models.Model):
    project = models.OneToOneField(Project, on_delete=models.PROTECT, related_name="post_evaluation")
    evaluated_on = models.DateField("评估日期")
    evaluator = models.CharField("评估机构或专家", max_length=200)
    score = models.DecimalField("评分", max_digits=5, decimal_places=2)
    use_findings = models.TextField("应用情况")
    security_findings = models.TextField("安全状况")

    class Meta:
        verbose_name = verbose_name_plural = "后评估"
        constraints = [
            models.CheckConstraint(condition=Q(score__gte=0, score__lte=100), name="post_eval_score_range")
        ]


class ZombieListing(models.Model):
    """A system found to be a zombie (僵尸系统): its unit may not apply until bar_ends_on (REJ-09, TIME-04)."""

    # Null for a system of the inventory that no platform project delivered (INV-02); system_name names it.
    project = models.ForeignKey(
        Project, null=True, blank=True, on_delete=models.PROTECT, related_name="zombie_listings"
    )
    system_name = models.CharField("系统名称", max_length=200, blank=True)
    unit = models.ForeignKey("accounts.Unit", on_delete=models.PROTECT, related_name="zombie_listings")
    listed_on = models.DateField("列入日期")
    bar_ends_on = models.DateField("限制截止日期", help_text="当日起可再次申报")
    reason = models.TextField("检查情况")

    class Meta:
        verbose_name = verbose_name_plural = "僵尸系统"
        ordering = ["-listed_on", "id"]
        indexes = [models.Index(fields=["unit", "bar_ends_on"], name="zombie_unit_bar_idx")]


class Deadline(models.Model):
    """A clock of the policy on one project. `not_before` clocks are gates (an action may not happen
    before due_on); `by` clocks are limits (late is recorded, never hidden)."""

    class Code(models.TextChoices):
        TIME_01 = "TIME-01", "受理后3天内出具初步设计批复"
        TIME_02 = "TIME-02", "全部模块初验3个月后方可申请终验"
        TIME_03 = "TIME-03", "终验正式运行1年后进行后评估"
        TIME_04 = "TIME-04", "列入僵尸系统2年内不得申报"
        SUPV_06 = "SUPV-06", "实施期过半须开展中期监管"

    class Kind(models.TextChoices):
        BY = "by", "期限"
        NOT_BEFORE = "not_before", "不早于"

    class Status(models.TextChoices):
        OPEN = "open", "进行中"
        OVERDUE = "overdue", "已逾期"
        DONE = "done", "已完成"
        DONE_LATE = "done_late", "逾期完成"

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="deadlines")
    code = models.CharField("时限", max_length=10, choices=Code.choices)
    kind = models.CharField("类型", max_length=12, choices=Kind.choices)
    counting = models.CharField("计日方式", max_length=10, default="calendar")
    starts_on = models.DateField("起算日")
    due_on = models.DateField("到期日", help_text="期限类：最迟日期；不早于类：最早可办日期")
    overdue_after = models.DateField("逾期起算", null=True, blank=True, help_text="此日之后仍未完成即为逾期")
    done_on = models.DateField("完成日", null=True, blank=True)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.OPEN)

    class Meta:
        verbose_name = verbose_name_plural = "时限"
        ordering = ["project_id", "due_on", "id"]
        indexes = [models.Index(fields=["status", "due_on"], name="deadline_status_due_idx")]
        constraints = [models.UniqueConstraint(fields=["project", "code"], name="deadline_once_per_project")]


class Exemption(models.Model):
    """A special case the leading group granted (ORG-04, "除特殊情况外"): within the dates, on this
    project, records the rule would refuse are accepted, and each is marked as made under it."""

    class Rule(models.TextChoices):
        ORG_02 = "ORG-02", "不得“未批先建”“边批边建”"

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="exemptions")
    rule = models.CharField("豁免的规则", max_length=10, choices=Rule.choices)
    starts_on = models.DateField("适用起始日期")
    ends_on = models.DateField("适用截止日期")
    reason = models.TextField("特殊情况说明")
    granted_on = models.DateField("批准日期")
    granted_by = models.ForeignKey(User, verbose_name="批准人", on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = verbose_name_plural = "特殊情况豁免"
        ordering = ["project_id", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")), name="exemption_dates")
        ]

    def __str__(self) -> str:
        return f"{self.get_rule_display()}（{self.starts_on}至{self.ends_on}）"

    def covers(self, day) -> bool:
        return self.starts_on <= day <= self.ends_on


# ORG-05: the unit that answers for each clock (by unit code); a clock not named here is the owner unit's.
DEADLINE_RESPONSIBLE_UNIT: dict[str, str] = {
    Deadline.Code.TIME_01: "ndrc",  # 市发改委 issues the design approval within 3 days
    Deadline.Code.TIME_03: "smart_office",  # 市智慧办 has the post-evaluation made
    Deadline.Code.SUPV_06: "smart_office",  # 市智慧办 holds the mid-term review
}


class Reminder(models.Model):
    """A reminder process_deadlines recorded; one per deadline, kind and day, so re-running adds none."""

    deadline = models.ForeignKey(Deadline, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField("类型", max_length=20)
    for_day = models.DateField("提醒日")
    message = models.TextField("内容")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "提醒"
        constraints = [models.UniqueConstraint(fields=["deadline", "kind", "for_day"], name="reminder_once")]


class Specialty(models.TextChoices):
    """The specialties of the expert library (COORD-07); a draw asks for N experts of each it names."""

    SOFTWARE = "software", "软件与信息系统"
    SECURITY = "security", "网络与信息安全"
    DATA = "data", "数据资源"
    NETWORK = "network", "通信与网络基础设施"
    COST = "cost", "工程造价与投资"
    MANAGEMENT = "management", "项目管理"


class Expert(models.Model):
    """An entry of the 专家库, kept by smart_office (COORD-07): who the expert is, what they know, whom
    they work for and whom they declared they must not judge. Only `active` entries are drawn; an expert
    answers review tasks through `user`, their own account."""

    user = models.OneToOneField(
        User, verbose_name="登录账号", on_delete=models.PROTECT, related_name="expert_entry"
    )
    name = models.CharField("姓名", max_length=50)
    specialties = models.JSONField("专业", default=list, help_text='Specialty 值的列表，如 ["software"]')
    employer_unit = models.ForeignKey(
        "accounts.Unit",
        verbose_name="工作单位（平台内单位）",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    employer_name = models.CharField("工作单位", max_length=200)
    conflicts = models.TextField("申报回避", blank=True, help_text="每行一个须回避的单位、企业或项目名称")
    active = models.BooleanField("在库", default=True)

    class Meta:
        verbose_name = verbose_name_plural = "专家库"
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name

    @property
    def specialty_labels(self) -> str:
        return "、".join(Specialty(code).label for code in self.specialties if code in Specialty.values)

    @property
    def conflict_list(self) -> list[str]:
        return [line.strip() for line in self.conflicts.splitlines() if line.strip()]


class ExpertDraw(models.Model):
    """One random draw of experts for a joint-review round (COORD-07), recorded so it can be replayed:
    the pool as it stood (`pool`: id, name, specialties, employer), each exclusion with its reason, the
    specialties in the order drawn, the number per specialty and the seed. `drawn` maps each specialty
    to the expert ids drawn; `lifecycle.experts.replay(draw)` recomputes it from the rest."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="expert_draws")
    round = models.PositiveSmallIntegerField("轮次")
    specialties = models.JSONField("抽取专业")
    per_specialty = models.PositiveSmallIntegerField("每专业人数")
    seed = models.PositiveBigIntegerField("随机种子")
    pool = models.JSONField("专家库快照")
    exclusions = models.JSONField("回避名单")
    drawn = models.JSONField("抽中专家")
    drawn_by = models.ForeignKey(User, verbose_name="抽取人", on_delete=models.PROTECT, related_name="+")
    drawn_at = models.DateTimeField("抽取时间")

    class Meta:
        verbose_name = verbose_name_plural = "专家抽取记录"
        ordering = ["project_id", "round"]
        constraints = [
            models.UniqueConstraint(fields=["project", "round"], name="expert_draw_once_per_round")
        ]


class EstimateReview(models.Model):
    """第三方概算评审 (COORD-08): a firm's review of the scheme's estimate, recorded by smart_office, who
    reads it when fixing the 概算价."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="estimate_reviews")
    round = models.PositiveSmallIntegerField("评审轮次")
    firm = models.CharField("评审机构", max_length=200)
    submitted_amount = MoneyField("送审金额（元）")
    reviewed_amount = MoneyField("审定金额（元）")
    reviewed_on = models.DateField("评审日期")
    report = models.CharField("评审报告", max_length=200, help_text="报告名称或文号")
    note = models.TextField("主要意见", blank=True)
    recorded_by = models.ForeignKey(User, verbose_name="登记人", on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField("登记时间", default=clock.now)

    class Meta:
        verbose_name = verbose_name_plural = "第三方概算评审"
        ordering = ["project_id", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(reviewed_amount__gt=0), name="estimate_review_positive"),
        ]

    @property
    def reduction(self):
        """核减额: what the review took off the amount submitted (negative if it added)."""
        return self.submitted_amount - self.reviewed_amount


class TopLevelDesign(models.Model):
    """顶层设计 (PLAN-06, 三(一)2): a design the bdb–bizenv working group keeps, with its 四横三纵 layers,
    its tasks and its implementation plan; needs name the task they serve."""

    title = models.CharField("设计名称", max_length=200)
    working_group = models.TextField("工作小组")
    layers = models.JSONField("“四横三纵”层级", default=list)
    plan = models.TextField("实施计划")
    created_by = models.ForeignKey(User, verbose_name="登记人", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("登记时间", default=clock.now)

    class Meta:
        verbose_name = verbose_name_plural = "顶层设计"
        ordering = ["-id"]

    def __str__(self) -> str:
        return self.title


class DesignTask(models.Model):
    design = models.ForeignKey(TopLevelDesign, on_delete=models.CASCADE, related_name="tasks")
    title = models.CharField("工作任务", max_length=200)
    position = models.PositiveSmallIntegerField("序号", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "顶层设计任务"
        ordering = ["design_id", "position", "id"]

    def __str__(self) -> str:
        return self.title


# IMPL-07, IMPL-08, SUPV-05: the money after the approval, in its own module.
from .models_finance import EstimateChange, PaymentMilestone, Settlement, Supervision  # noqa: E402, F401


class PerformanceTarget(models.Model):
    """A 绩效目标 of a need (PERF-01): what the project is to achieve, measurable, by when. A need states
    at least one before it is submitted (二(二)不予受理情形第2项: 需求或绩效目标不明确); REJ-02 is answered
    against them and the post-evaluation scores each (PERF-02)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="performance_targets")
    position = models.PositiveSmallIntegerField("序号", default=0)
    indicator = models.CharField("绩效指标", max_length=200)
    target_value = models.DecimalField("目标值", max_digits=18, decimal_places=4)
    unit = models.CharField("计量单位", max_length=20)
    due_by = models.DateField("完成时限")

    class Meta:
        verbose_name = verbose_name_plural = "绩效目标"
        ordering = ["project_id", "position", "id"]

    def __str__(self) -> str:
        return self.indicator

    @property
    def value_text(self) -> str:
        return f"{self.target_value.normalize():f}{self.unit}"


class Batch(models.Model):
    """A 申报批次 (PLAN-05, 三(一)1 实时征集、定期汇总): opened by smart_office with a closing date; needs
    entering the pool while it is open belong to it; closing it issues the 需求汇总表 and fixes the
    年度项目计划 (AnnualPlanItem). One batch is open at a time (the database holds to it)."""

    class Status(models.TextChoices):
        OPEN = "open", "征集中"
        CLOSED = "closed", "已截止"

    year = models.PositiveSmallIntegerField("年度")
    name = models.CharField("批次名称", max_length=100)
    closes_on = models.DateField("截止日期")
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.OPEN)
    opened_by = models.ForeignKey(User, verbose_name="开启人", on_delete=models.PROTECT, related_name="+")
    opened_at = models.DateTimeField("开启时间")
    closed_by = models.ForeignKey(
        User, verbose_name="截止操作人", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    closed_at = models.DateTimeField("截止时间", null=True, blank=True)
    budget_year = models.PositiveSmallIntegerField("预算年度", null=True, blank=True)
    summary_number = models.CharField("汇总表发文字号", max_length=40, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "申报批次"
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(fields=["status"], condition=Q(status="open"), name="batch_one_open")
        ]

    def __str__(self) -> str:
        return self.name


class AnnualPlanItem(models.Model):
    """One line of the 年度项目计划 fixed when a batch closed (PLAN-05): a need of the batch that went on
    the plan, with its requested amount and budget year as they stood at closing."""

    batch = models.ForeignKey(Batch, on_delete=models.PROTECT, related_name="plan_items")
    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="plan_items")
    position = models.PositiveSmallIntegerField("序号")
    requested_estimate = MoneyField("申报估算（元）", null=True, blank=True)
    budget_year = models.PositiveSmallIntegerField("预算年度")

    class Meta:
        verbose_name = verbose_name_plural = "年度项目计划"
        ordering = ["batch_id", "position"]
        constraints = [models.UniqueConstraint(fields=["batch", "project"], name="plan_item_once_per_batch")]


class TargetScore(models.Model):
    """The post-evaluation's word on one performance target (PERF-02): the value achieved, met or not,
    a score and the evidence."""

    class Result(models.TextChoices):
        MET = "met", "达成"
        PARTLY = "partly", "部分达成"
        NOT_MET = "not_met", "未达成"

    evaluation = models.ForeignKey(PostEvaluation, on_delete=models.PROTECT, related_name="target_scores")
    target = models.ForeignKey(PerformanceTarget, on_delete=models.PROTECT, related_name="scores")
    achieved_value = models.DecimalField("实际值", max_digits=18, decimal_places=4)
    result = models.CharField("达成情况", max_length=10, choices=Result.choices)
    score = models.DecimalField("得分", max_digits=5, decimal_places=2)
    note = models.TextField("说明与佐证")

    class Meta:
        verbose_name = verbose_name_plural = "绩效目标评分"
        ordering = ["evaluation_id", "target__position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["evaluation", "target"], name="target_score_once"),
            models.CheckConstraint(condition=Q(score__gte=0, score__lte=100), name="target_score_range"),
        ]

    @property
    def achieved_text(self) -> str:
        return f"{self.achieved_value.normalize():f}{self.target.unit}"


class ProjectSnapshot(models.Model):
    """The read model (ADR 0402): what the API's project detail and list row show, as JSON text, written in
    the same transaction as every change of what they show (`readmodel.py`). Never edited by hand; `manage.py
    rebuild_snapshots` makes them all anew from the records."""

    project = models.OneToOneField(
        Project, primary_key=True, on_delete=models.CASCADE, related_name="snapshot"
    )
    body = models.TextField("详情 JSON")
    row = models.TextField("列表行 JSON")
    # The steps that wait on the project, whoever may take them (worklist.steps): the workbench.
    work = models.TextField("待办 JSON", default="[]")
    # The first day on which the body or the steps would read differently with nothing written: a
    # scheduled payment falls due (SUPV-05), a clock opens a step (TIME-02, TIME-03, SUPV-06). None: no
    # such day. A read on or after it rebuilds first.
    fresh_until = models.DateField(null=True, blank=True)
    built_at = models.DateTimeField()

    class Meta:
        verbose_name = verbose_name_plural = "项目快照"
