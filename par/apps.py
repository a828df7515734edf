from django.apps import AppConfig

from aso.core.navigation import NavItem


class ParConfig(AppConfig):
    name = "par"
    verbose_name = "Provider Analysis and Reporting"
    navigation: tuple[NavItem, ...] = (
        NavItem("Scorecards", "par:scorecards", permission="par.view_scorecards", order=40),
        # By role, not permission, so that one holding every permission sees one "Scorecards" link.
        NavItem(
            "Our scorecard", "par:scorecards", roles=("provider_staff", "provider_admin"), order=40
        ),
        NavItem("PAR statewide", "par:scorecards", roles=("agency_viewer",), order=40),
        NavItem("PAR runs", "par:run_list", permission="par.run_par", order=70),
        NavItem("Claims loads", "par:claims_loads", permission="par.load_claims", order=71),
    )

    def ready(self) -> None:
        from par import jobs  # noqa: F401  registers the job handlers
