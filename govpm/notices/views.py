"""The 消息 page, opening a notice, marking read, and the channel settings page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from govpm.core.errors import InvalidInput

from . import channels, inbox
from .models import Delivery, Notice


@login_required
def inbox_view(request):
    unread = request.GET.get("unread") == "1"
    project, kind = request.GET.get("project", ""), request.GET.get("kind", "")
    error = None
    try:
        rows = inbox.notices_for(request.user, unread=unread, project=project, kind=kind)
    except InvalidInput as failure:
        error, rows = failure, Notice.objects.none()
    page = Paginator(rows, 30).get_page(request.GET.get("page"))
    projects = (
        Notice.objects.filter(recipient=request.user, project__isnull=False)
        .values_list("project_id", "project__name")
        .distinct()
        .order_by("project_id")
    )
    return render(
        request,
        "notices/inbox.html",
        {
            "page": page,
            "unread": unread,
            "project": project,
            "kind": kind,
            "kinds": Notice.Kind.choices,
            "projects": list(projects),
            "error": error,
        },
        status=400 if error else 200,
    )


@login_required
def open_view(request, pk: int):
    """Marks the notice read and goes where the work is done; the target page may show the notice."""
    notice = inbox.open_notice(request.user, pk)
    if notice is None:
        raise Http404("消息不存在")
    link = notice.link if url_has_allowed_host_and_scheme(notice.link, allowed_hosts=None) else "/"
    return redirect(f"{link}{'&' if '?' in link else '?'}notice={notice.pk}")


@login_required
@require_POST
def mark_read_view(request):
    ids = [int(value) for value in request.POST.getlist("ids") if value.isdigit()]
    count = inbox.mark_read(request.user, ids or None)
    messages.success(request, f"已将 {count} 条消息标为已读。")
    back = request.POST.get("next", "")
    return redirect(
        back if url_has_allowed_host_and_scheme(back, allowed_hosts=None) and back else "notices:inbox"
    )


@login_required
def settings_view(request):
    account = inbox.channel_account(request.user)
    if request.method == "POST":
        account = inbox.choose_channels(
            request.user,
            email="email" in request.POST,
            zzd="zzd" in request.POST,
            robot="robot" in request.POST,
        )
        messages.success(request, "通知渠道已保存。")
        return redirect("notices:settings")
    enabled = channels.enabled()
    rows = [
        {
            "name": "email",
            "label": Delivery.Channel.EMAIL.label,
            "on": Delivery.Channel.EMAIL in enabled,
            "chosen": account.want_email,
            "address": account.email or request.user.email,
        },
        {
            "name": "zzd",
            "label": Delivery.Channel.ZZD.label,
            "on": Delivery.Channel.ZZD in enabled,
            "chosen": account.want_zzd,
            "address": account.zzd_account_id,
        },
        {
            "name": "robot",
            "label": Delivery.Channel.ROBOT.label,
            "on": Delivery.Channel.ROBOT in enabled,
            "chosen": account.want_robot,
            "address": "—",
        },
    ]
    return render(request, "notices/settings.html", {"rows": rows})
