from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "govpm.projects"
    verbose_name = "项目全生命周期"

    def ready(self) -> None:
        from govpm.core import audit

        from .models import Event

        audit.register_chain(Event, audit.EVENT_FIELDS)
