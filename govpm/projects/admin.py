"""Read-only views of the lifecycle records for administrators. Changes go through the lifecycle
functions (the web UI or the API), never through the admin, so every change has its audit event."""

from django.contrib import admin

from .models import Deadline, Event, IssuedDocument, Project, ZombieListing


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Project)
class ProjectAdmin(ReadOnly):
    list_display = [
        "name",
        "owner_unit",
        "stage",
        "priority_score",
        "requested_estimate",
        "approved_estimate",
        "is_overdue",
    ]
    list_filter = ["stage", "level", "is_overdue", "owner_unit"]
    search_fields = ["name", "project_code"]
    list_select_related = ["owner_unit"]


@admin.register(Event)
class EventAdmin(ReadOnly):
    list_display = ["project", "action", "actor", "from_stage", "to_stage", "created_at"]
    list_filter = ["action"]
    search_fields = ["project__name", "actor__username"]
    list_select_related = ["project", "actor"]


@admin.register(IssuedDocument)
class IssuedDocumentAdmin(ReadOnly):
    list_display = ["number", "kind", "project", "issuer", "issued_on"]
    list_filter = ["kind", "issuer"]
    search_fields = ["number", "title"]
    list_select_related = ["project", "issuer"]


@admin.register(Deadline)
class DeadlineAdmin(ReadOnly):
    list_display = ["project", "code", "starts_on", "due_on", "done_on", "status"]
    list_filter = ["code", "status"]
    list_select_related = ["project"]


@admin.register(ZombieListing)
class ZombieListingAdmin(ReadOnly):
    list_display = ["project", "unit", "listed_on", "bar_ends_on"]
    list_select_related = ["project", "unit"]
