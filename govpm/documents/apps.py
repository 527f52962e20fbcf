from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "govpm.documents"
    verbose_name = "公文与导出"

    def ready(self) -> None:
        # projects sits below documents and may not import it (the layer contracts in pyproject.toml),
        # so the lifecycle seals the documents it issues through the function registered here.
        from govpm.projects.lifecycle import records

        from . import issuing

        records.register_sealer(issuing.seal)
