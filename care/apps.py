from django.apps import AppConfig

from aso.core.navigation import NavItem


class CareConfig(AppConfig):
    name = "care"
    verbose_name = "Care management"
    navigation: tuple[NavItem, ...] = (
        NavItem("My caseload", "care:icm_my_caseload", permission="care.work_caseload", order=40),
        NavItem("ICM candidates", "care:icm_candidates", permission="care.assign_icm", order=41),
        NavItem("Caseloads", "care:icm_caseloads", permission="care.assign_icm", order=42),
        NavItem("VCM referrals", "care:vcm_referrals", permission="care.work_vcm", order=43),
        NavItem("Family plans", "care:vcm_plans", permission="care.view_team_plans", order=44),
        NavItem("Community resources", "care:vcm_resources", permission="care.work_vcm", order=45),
        NavItem("VCM outcomes", "care:vcm_outcomes", permission="care.view_vcm_outcomes", order=46),
    )

    def ready(self) -> None:
        from care import jobs  # noqa: F401  (registers the ICM and VCM job handlers)
