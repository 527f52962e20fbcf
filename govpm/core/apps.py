from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "govpm.core"
    verbose_name = "基础"
