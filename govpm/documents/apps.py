from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "govpm.documents"
    verbose_name = "公文与导出"
