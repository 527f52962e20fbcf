from django.contrib import admin

from .models import CasePresentation, Publicity, Showcase


@admin.register(Publicity)
class PublicityAdmin(admin.ModelAdmin):
    list_display = ["year", "kind", "period", "title", "published_on"]
    list_filter = ["year", "kind"]
    search_fields = ["title"]


@admin.register(CasePresentation)
class CasePresentationAdmin(admin.ModelAdmin):
    list_display = ["title", "presented_to", "presented_on"]
    search_fields = ["title", "presented_to"]


@admin.register(Showcase)
class ShowcaseAdmin(admin.ModelAdmin):
    list_display = ["title", "held_on", "audience"]
    search_fields = ["title"]
