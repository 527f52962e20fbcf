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
