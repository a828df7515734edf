from django.apps import AppConfig

from aso.core.navigation import NavItem


class CareConfig(AppConfig):
    name = "care"
    verbose_name = "Care management"
    navigation: tuple[NavItem, ...] = (
        NavItem("My caseload", "care:icm_my_caseload", permission="care.work_caseload", order=40),
        NavItem("ICM candidates", "care:icm_candidates", permission="care.assign_icm", order=41),
        NavItem("Caseloads", "care:icm_caseloads", permission="care.assign_icm", order=42),
    )

    def ready(self) -> None:
        from care import jobs  # noqa: F401  (registers the ICM identification job handler)
