from django.apps import AppConfig


class PromotionConfig(AppConfig):
    name = "govpm.promotion"
    verbose_name = "项目推广"
