from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "govpm.accounts"
    verbose_name = "单位与用户"
