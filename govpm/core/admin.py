from django.contrib import admin
from django.core.exceptions import FieldDoesNotExist

from . import audit, product
from .models import AuditEvent, Holiday

admin.site.site_header = admin.site.site_title = product.NAME
admin.site.index_title = "系统管理"


# Never shown in a change: a password hash is no one's business, even as an old value.
SECRET_FIELDS = {"password"}


class AuditedAdmin(admin.ModelAdmin):
    """An admin whose saves and deletions append an audit event (core.AuditEvent) with the old and new value
    of each field the form changed. The admin's views already run in a transaction; the event joins it."""

    audit_name = ""  # "user" → actions create_user, change_user, delete_user

    def save_model(self, request, obj, form, change):
        fields = [
            self.opts.get_field(name)
            for name in form.changed_data
            if name not in SECRET_FIELDS and self._is_column(name)
        ]
        before = {}
        if change:
            stored = type(obj).objects.select_for_update().get(pk=obj.pk)
            before = {field.attname: getattr(stored, field.attname) for field in fields}  # type: ignore[union-attr]
        super().save_model(request, obj, form, change)
        after = {field.attname: getattr(obj, field.attname) for field in fields}  # type: ignore[union-attr]
        others = sorted(set(form.changed_data) - {field.name for field in fields} - SECRET_FIELDS)
        audit.record(
            actor=request.user,
            action=f"{'change' if change else 'create'}_{self.audit_name}",
            target=obj,
            changes=audit.diff(before, after),
            payload={"also_changed": others} if others else {},
        )

    def delete_model(self, request, obj):
        pk = obj.pk
        super().delete_model(request, obj)
        obj.pk = pk
        audit.record(
            actor=request.user, action=f"delete_{self.audit_name}", target=obj, payload={"str": str(obj)}
        )

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)

    def _is_column(self, name: str) -> bool:
        try:
            field = self.opts.get_field(name)
        except FieldDoesNotExist:  # a form-only field, such as the add form's password1
            return False
        return field.concrete and not field.many_to_many


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read only: the trail is appended by the services, never edited here."""

    list_display = ["created_at", "actor_name", "actor_role", "action", "object_type", "object_id"]
    list_filter = ["action", "object_type"]
    search_fields = ["actor_name", "object_id"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Holiday)
class HolidayAdmin(AuditedAdmin):
    audit_name = "holiday"
    list_display = ["date", "name", "is_workday"]
    list_filter = ["is_workday"]
    search_fields = ["name"]
    date_hierarchy = "date"
