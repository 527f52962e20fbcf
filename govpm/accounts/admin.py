from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db import transaction

from govpm.core import audit
from govpm.core.admin import AuditedAdmin

from .models import AuthToken, Unit, User


@admin.register(Unit)
class UnitAdmin(AuditedAdmin):
    audit_name = "unit"
    list_display = ["name", "short_name", "code", "credit_code", "region_code", "kind"]
    list_filter = ["kind", "region_code"]
    search_fields = ["name", "short_name", "code", "credit_code"]


@admin.register(User)
class UserAdmin(AuditedAdmin, BaseUserAdmin):
    audit_name = "user"

    def user_change_password(self, request, id, form_url=""):
        """The password form saves outside save_model: its event says who changed whose password (never
        the hash)."""
        with transaction.atomic():
            response = super().user_change_password(request, id, form_url)
            if request.method == "POST" and response.status_code == 302:
                audit.record(
                    actor=request.user,
                    action="change_user_password",
                    target=self.get_object(request, id),
                    changes={"password": ["******", "******"]},
                )
        return response

    list_display = ["username", "display_name", "unit", "role", "is_active"]
    list_filter = ["role", "unit", "is_active"]
    search_fields = ["username", "display_name"]
    fieldsets = (*(BaseUserAdmin.fieldsets or ()), ("岗位", {"fields": ("display_name", "unit", "role")}))
    add_fieldsets = (*BaseUserAdmin.add_fieldsets, ("岗位", {"fields": ("display_name", "unit", "role")}))


@admin.register(AuthToken)
class AuthTokenAdmin(admin.ModelAdmin):
    """Lists API tokens so an administrator can revoke a lost device's; tokens are issued only by sign-in
    (the digest is all that is stored, so nothing here can show or forge a token)."""

    list_display = ["user", "device", "created", "expiry"]
    list_filter = ["device"]
    search_fields = ["user__username", "user__display_name", "device"]
    fields = ("user", "device", "created", "expiry")
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
