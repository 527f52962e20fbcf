"""Reading and marking the inbox: the one place the HTML pages and the API both call."""

from __future__ import annotations

from django.db.models import QuerySet

from govpm.accounts.models import User
from govpm.core import clock, parsers
from govpm.core.errors import InvalidInput

from .models import ChannelAccount, Notice


def unread_count(user: User) -> int:
    return Notice.objects.filter(recipient=user, read_at__isnull=True).count()


def notices_for(user: User, *, unread: bool = False, project: str = "", kind: str = "") -> QuerySet[Notice]:
    """The user's own notices, newest first; filters as the 消息 page and the API take them."""
    rows = Notice.objects.filter(recipient=user).select_related("project")
    if unread:
        rows = rows.filter(read_at__isnull=True)
    if project:
        rows = rows.filter(project_id=parsers.parse_int(project, "project", "项目", min_value=1))
    if kind:
        if kind not in Notice.Kind.values:
            raise InvalidInput("类别：不识别的消息类别", field="kind")
        rows = rows.filter(kind=kind)
    return rows


def mark_read(user: User, notice_ids: list[int] | None = None) -> int:
    """Marks the user's own notices read (all unread ones when no ids): another user's ids change nothing."""
    rows = Notice.objects.filter(recipient=user, read_at__isnull=True)
    if notice_ids is not None:
        rows = rows.filter(pk__in=notice_ids)
    return rows.update(read_at=clock.now())


def open_notice(user: User, notice_id: int) -> Notice | None:
    notice = Notice.objects.filter(recipient=user, pk=notice_id).first()
    if notice is not None and notice.read_at is None:
        mark_read(user, [notice.pk])
    return notice


def channel_account(user: User) -> ChannelAccount:
    account, _ = ChannelAccount.objects.get_or_create(user=user)
    return account


def choose_channels(user: User, *, email: bool, zzd: bool, robot: bool) -> ChannelAccount:
    """The user's own choice; the addresses themselves are kept by the admin (not editable here)."""
    account = channel_account(user)
    account.want_email, account.want_zzd, account.want_robot = email, zzd, robot
    account.save(update_fields=["want_email", "want_zzd", "want_robot"])
    return account
