from django.contrib import admin

from .models import ChannelAccount, Delivery, Notice, PassRun


@admin.register(ChannelAccount)
class ChannelAccountAdmin(admin.ModelAdmin):
    """Where each user is reached: the admin maps users to their email and 浙政钉 account id."""

    list_display = ["user", "email", "zzd_account_id", "want_email", "want_zzd", "want_robot"]
    search_fields = ["user__username", "user__display_name", "email", "zzd_account_id"]
    raw_id_fields = ["user"]


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    """Failed deliveries show here with their error (filter by status)."""

    list_display = ["notice", "channel", "status", "attempts", "next_attempt_at", "sent_at", "last_error"]
    list_filter = ["status", "channel"]
    readonly_fields = [
        "notice",
        "channel",
        "idempotency_key",
        "attempts",
        "last_error",
        "sent_at",
        "created_at",
    ]
    list_select_related = ["notice"]


@admin.register(Notice)
class NoticeAdmin(admin.ModelAdmin):
    list_display = ["created_at", "recipient", "project", "kind", "text", "read_at"]
    list_filter = ["kind", "read_at"]
    search_fields = ["text", "recipient__username"]
    raw_id_fields = ["recipient", "project"]
    list_select_related = ["recipient", "project"]


admin.site.register(PassRun)
