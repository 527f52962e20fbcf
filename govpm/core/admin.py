from django.contrib import admin

from .models import Holiday

admin.site.site_header = "衢州市政府投资数字化项目管理平台"
admin.site.site_title = "数字化项目管理平台"
admin.site.index_title = "系统管理"


@admin.register(Holiday)
class HolidayAdmin(admin.ModelAdmin):
    list_display = ["date", "name", "is_workday"]
    list_filter = ["is_workday"]
    search_fields = ["name"]
    date_hierarchy = "date"
