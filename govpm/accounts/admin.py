from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from govpm.core.admin import AuditedAdmin

from .models import Unit, User


@admin.register(Unit)
class UnitAdmin(AuditedAdmin):
    audit_name = "unit"
    list_display = ["name", "short_name", "code", "credit_code", "region_code", "kind"]
    list_filter = ["kind", "region_code"]
    search_fields = ["name", "short_name", "code", "credit_code"]


@admin.register(User)
class UserAdmin(AuditedAdmin, BaseUserAdmin):
    audit_name = "user"
    list_display = ["username", "display_name", "unit", "role", "is_active"]
    list_filter = ["role", "unit", "is_active"]
    search_fields = ["username", "display_name"]
    fieldsets = BaseUserAdmin.fieldsets + (("岗位", {"fields": ("display_name", "unit", "role")}),)
    add_fieldsets = BaseUserAdmin.add_fieldsets + (("岗位", {"fields": ("display_name", "unit", "role")}),)
