from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "govpm.core"
    verbose_name = "基础"

    def ready(self) -> None:
        from . import audit
        from .models import AuditEvent

        audit.register_chain(AuditEvent, audit.AUDIT_EVENT_FIELDS)
