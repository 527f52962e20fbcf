from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db import transaction

from govpm.core import audit
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
    fieldsets = BaseUserAdmin.fieldsets + (("岗位", {"fields": ("display_name", "unit", "role")}),)
    add_fieldsets = BaseUserAdmin.add_fieldsets + (("岗位", {"fields": ("display_name", "unit", "role")}),)
