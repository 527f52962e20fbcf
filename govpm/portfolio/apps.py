from django.apps import AppConfig


class PortfolioConfig(AppConfig):
    name = "govpm.portfolio"
    verbose_name = "项目组合"
