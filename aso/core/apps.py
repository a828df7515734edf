from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Infrastructure every layer may use: users, roles, the access log, jobs, reference-data loading."""

    name = "aso.core"
    label = "core"
    verbose_name = "Platform core"

    def ready(self) -> None:
        from aso.core import signals  # noqa: F401
