from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "govpm.projects"
    verbose_name = "项目全生命周期"
