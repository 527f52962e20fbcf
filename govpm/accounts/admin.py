from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from .models import AuthToken, Unit, User


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["name", "short_name", "code", "credit_code", "region_code", "kind"]
    list_filter = ["kind", "region_code"]
    search_fields = ["name", "short_name", "code", "credit_code"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
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
