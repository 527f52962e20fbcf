from django.apps import AppConfig


class InventoryConfig(AppConfig):
    name = "govpm.inventory"
    verbose_name = "信息系统目录"
