from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "govpm.demo"
    verbose_name = "演示数据"
