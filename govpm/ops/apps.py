from django.apps import AppConfig


class OpsConfig(AppConfig):
    """Operating the platform: backup manifests and the check of a restored copy."""

    name = "govpm.ops"
    verbose_name = "运维"
