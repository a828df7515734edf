from django.apps import AppConfig


class AsoConfig(AppConfig):
    """The top layer: home pages, oversight exports, and the commands that span every app."""

    name = "aso"
    verbose_name = "ASO platform"

    def ready(self) -> None:
        from aso import jobs  # noqa: F401  (registers job handlers that span apps)
