from django.apps import AppConfig

from aso.core.navigation import NavItem


class MembersConfig(AppConfig):
    name = "members"
    verbose_name = "Members and eligibility"
    navigation: tuple[NavItem, ...] = (
        NavItem(
            "Check eligibility", "members:eligibility_check", "members.check_eligibility", order=10
        ),
        NavItem("Members", "members:member_search", "members.view_member_data", order=20),
        NavItem("Eligibility loads", "members:load_list", "members.load_eligibility", order=60),
    )

    def ready(self) -> None:
        from members import jobs  # noqa: F401  (registers the eligibility-load job handler)
