"""Read-only views of the lifecycle records for administrators. Changes go through the lifecycle
functions (the web UI or the API), never through the admin, so every change has its audit event."""

from django.contrib import admin

from govpm.core.admin import AuditedAdmin

from .models import Deadline, Event, Expert, ExpertDraw, IssuedDocument, Project, ZombieListing


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


@admin.register(Expert)
class ExpertAdmin(AuditedAdmin):
    """专家库 (COORD-07): entries are reference data kept by smart_office; each save is audited."""

    audit_name = "expert"
    list_display = ["name", "employer_name", "active"]
    list_filter = ["active"]
    search_fields = ["name", "employer_name", "conflicts"]
    raw_id_fields = ["user"]


@admin.register(ExpertDraw)
class ExpertDrawAdmin(ReadOnly):
    """A draw is made by `draw_experts` only and never changed: its record is what a replay checks."""

    list_display = ["project", "round", "per_specialty", "seed", "drawn_by", "drawn_at"]
    list_select_related = ["project", "drawn_by"]
