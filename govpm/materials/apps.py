from django.apps import AppConfig


class MaterialsConfig(AppConfig):
    name = "govpm.materials"
    verbose_name = "项目材料"

    def ready(self) -> None:
        # projects sits below materials and may not import it (the layer contracts in pyproject.toml):
        # the material checks join each action's preconditions through the stage table's registry, and
        # the scenarios attach their demo files through theirs.
        from govpm.projects import scenarios, stages

        from . import catalog, checks, demo_files

        for action in catalog.actions_with_materials():
            stages.register_preconditions(action, checks.precondition_for(action))
        scenarios.register_preparer(demo_files.attach_for)

        # ADR 0402: the materials held decide which steps wait (MAT-01); an upload outside an action keeps
        # its project's snapshot in step, as the project app's own tables do.
        from django.db.models.signals import post_delete, post_save

        from govpm.projects import readmodel

        from .models import Material

        post_save.connect(readmodel._saved, sender=Material, dispatch_uid="readmodel-save-Material")
        post_delete.connect(readmodel._saved, sender=Material, dispatch_uid="readmodel-del-Material")
