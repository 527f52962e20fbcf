from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from .models import Unit, User


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
