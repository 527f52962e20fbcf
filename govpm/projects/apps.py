from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "govpm.projects"
    verbose_name = "项目全生命周期"

    def ready(self) -> None:
        from govpm.core import audit

        from .models import Event

        audit.register_chain(Event, audit.EVENT_FIELDS)

        from django.db.models.signals import post_delete, post_save, pre_save

        from govpm.accounts.models import Unit, User

        from . import readmodel

        # ADR 0402: the snapshots stay in step with writes made outside a lifecycle action.
        for model in readmodel.FEEDS:
            post_save.connect(readmodel._saved, sender=model, dispatch_uid=f"readmodel-save-{model.__name__}")
            post_delete.connect(
                readmodel._saved, sender=model, dispatch_uid=f"readmodel-del-{model.__name__}"
            )
        pre_save.connect(readmodel._renamed, sender=Unit, dispatch_uid="readmodel-unit-renamed")
        pre_save.connect(readmodel._renamed, sender=User, dispatch_uid="readmodel-user-renamed")
