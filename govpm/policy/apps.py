from django.apps import AppConfig
from django.db.models.signals import post_migrate


class PolicyConfig(AppConfig):
    name = "govpm.policy"
    verbose_name = "政策与规则"

    def ready(self) -> None:
        # Reference data, not business logic: the Rule table mirrors catalog.py after every migrate.
        from .sync import sync_rules_after_migrate

        post_migrate.connect(sync_rules_after_migrate, sender=self)
