from django.apps import AppConfig

from aso.core.navigation import NavItem


class CoreConfig(AppConfig):
    """Infrastructure every layer may use: users, roles, the access log, jobs, reference-data loading."""

    name = "aso.core"
    label = "core"
    verbose_name = "Platform core"
    navigation = (
        NavItem("Background jobs", "core:job_list", order=90),
        NavItem("Administration", "admin:index", roles=("admin",), order=95, staff_site=True),
    )

    def ready(self) -> None:
        from aso.core import signals  # noqa: F401
        from aso.core.history import memoize_history_managers

        memoize_history_managers()
