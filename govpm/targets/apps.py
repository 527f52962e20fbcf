from django.apps import AppConfig


class TargetsConfig(AppConfig):
    name = "govpm.targets"
    verbose_name = "目标与指标"
