from django.apps import AppConfig


class NoticesConfig(AppConfig):
    """Notices (NOTE-01..03): written with the change that causes them, delivered to the inbox, email
    and 浙政钉 by the job engine."""

    name = "govpm.notices"
    verbose_name = "消息通知"
