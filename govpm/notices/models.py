"""A notice is written in the transaction of the change that causes it (an outbox): it exists if and
only if the change committed. Each (notice, channel) delivery beyond the inbox is a job of its own."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class Notice(models.Model):
    """One message to one user: the inbox row itself, and the source of every other channel's delivery.

    - recipient: who must act or is concerned (from the access table and the project);
    - project: what it is about (null for notices about no project);
    - kind: why it was sent (below); action: the lifecycle action or deadline code behind it;
    - text: Chinese, saying what to do and by when; link: the page where the work is done;
    - occasion: for reminders, a key naming the occasion ("deadline:12:due_soon:2026-12-01"); unique
      per recipient, so two workers or a re-run of the pass send a reminder once (empty: not a reminder).
    """

    class Kind(models.TextChoices):
        TODO = "todo", "待办"  # the recipient must act
        RETURNED = "returned", "退回"  # a need or scheme came back to its owner
        REJECTED = "rejected", "不予受理"  # refused, with the rule
        DOCUMENT = "document", "文书"  # a document was issued
        DECISION = "decision", "决定"  # a decision was recorded
        REMINDER = "reminder", "提醒"  # a clock is about to fall due / a window opened
        ESCALATION = "escalation", "逾期督办"  # a clock is overdue or a task stale: escalated
        URGE = "urge", "催办"  # someone asked the recipient to hurry

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="接收人", on_delete=models.CASCADE, related_name="notices"
    )
    project = models.ForeignKey(
        "projects.Project",
        verbose_name="项目",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notices",
    )
    kind = models.CharField("类别", max_length=12, choices=Kind.choices)
    action = models.CharField("事项", max_length=40)
    text = models.TextField("内容")
    link = models.CharField("办理链接", max_length=300)
    due_on = models.DateField("办理期限", null=True, blank=True)
    occasion = models.CharField("提醒场次", max_length=120, blank=True)
    read_at = models.DateTimeField("已读时间", null=True, blank=True)
    created_at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "消息"
        ordering = ["-created_at", "-id"]
        constraints = [
            # INSERT ... ON CONFLICT DO NOTHING against this index is what makes a reminder exactly-once.
            models.UniqueConstraint(
                fields=["recipient", "occasion"], condition=~Q(occasion=""), name="notice_once_per_occasion"
            )
        ]
        indexes = [
            # The header's unread count and the inbox's first page.
            models.Index(fields=["recipient", "read_at", "-created_at"], name="notice_inbox_idx"),
        ]

    def __str__(self) -> str:
        return self.text[:40]


class Delivery(models.Model):
    """One notice on one channel other than the inbox: a job, logged with its attempts.

    A worker claims a pending row whose next_attempt_at has come (FOR UPDATE SKIP LOCKED), sends, and
    records the outcome in the same transaction: sent rows are never sent again. The idempotency key
    travels with the request where the channel supports one (浙政钉 bizMsgId, email Message-ID).
    """

    class Channel(models.TextChoices):
        EMAIL = "email", "电子邮件"
        ZZD = "zzd", "浙政钉工作通知"
        ROBOT = "robot", "钉钉群机器人"

    class Status(models.TextChoices):
        PENDING = "pending", "待发送"  # not sent yet; next_attempt_at says when it is tried (again)
        SENT = "sent", "已送达"  # the channel accepted it; never sent again
        FAILED = "failed", "发送失败"  # gave up after NOTICES_MAX_ATTEMPTS; last_error says why

    notice = models.ForeignKey(
        Notice, verbose_name="消息", on_delete=models.CASCADE, related_name="deliveries"
    )
    channel = models.CharField("渠道", max_length=10, choices=Channel.choices)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField("尝试次数", default=0)
    last_error = models.TextField("最近错误", blank=True)
    idempotency_key = models.CharField("幂等键", max_length=64, unique=True)
    next_attempt_at = models.DateTimeField("下次尝试")
    sent_at = models.DateTimeField("送达时间", null=True, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "消息投递"
        constraints = [
            models.UniqueConstraint(fields=["notice", "channel"], name="delivery_once_per_channel")
        ]
        # The sweep's query: pending rows whose time has come.
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="delivery_due_idx")]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} #{self.notice_id}"


class ChannelAccount(models.Model):
    """A user's addresses on the outside channels (kept by the admin) and the channels they chose."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name="用户",
        on_delete=models.CASCADE,
        related_name="channel_account",
    )
    email = models.EmailField("通知邮箱", blank=True, help_text="留空则用账号邮箱")
    zzd_account_id = models.CharField("浙政钉账号ID", max_length=64, blank=True)
    want_email = models.BooleanField("接收邮件", default=False)
    want_zzd = models.BooleanField("接收浙政钉工作通知", default=False)
    want_robot = models.BooleanField("推送到钉钉群", default=False)

    class Meta:
        verbose_name = verbose_name_plural = "通知渠道"

    def __str__(self) -> str:
        return str(self.user)


class PassRun(models.Model):
    """When a periodic pass last finished (the health endpoint reports its age)."""

    name = models.CharField("任务", max_length=40, unique=True)
    finished_at = models.DateTimeField("完成时间")

    class Meta:
        verbose_name = verbose_name_plural = "定时任务运行"
