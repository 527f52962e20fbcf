from django.contrib import admin

from .models import Finding, PolicyDocument, Rule


@admin.register(PolicyDocument)
class PolicyDocumentAdmin(admin.ModelAdmin):
    list_display = ["number", "title", "issued_on"]
    search_fields = ["number", "title"]


@admin.register(Rule)
class RuleAdmin(admin.ModelAdmin):
    list_display = ["code", "kind", "clause", "text", "version"]
    list_filter = ["kind"]
    search_fields = ["code", "text", "clause"]


@admin.register(Finding)
class FindingAdmin(admin.ModelAdmin):
    list_display = ["project", "rule_code", "outcome", "created_at", "overridden_by"]
    list_filter = ["outcome", "rule_code"]
    search_fields = ["project__name", "rule_code"]
    list_select_related = ["project", "overridden_by"]

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
