from django.apps import AppConfig

from aso.core.navigation import NavItem


class AuthorizationsConfig(AppConfig):
    name = "authorizations"
    verbose_name = "Utilization management"
    navigation: tuple[NavItem, ...] = (
        NavItem(
            "Review queue", "review:queue", permission="authorizations.review_request", order=20
        ),
        NavItem("Phone intake", "review:intake_phone", roles=("care_manager",), order=21),
        NavItem(
            "Request prior authorization",
            "review:request_new",
            roles=("provider_staff", "provider_admin"),
            order=22,
        ),
        NavItem(
            "Prior-auth requests",
            "review:request_list",
            permission="authorizations.submit_prior_auth",
            order=23,
        ),
        NavItem(
            "Appeals", "review:appeal_list", permission="authorizations.view_all_requests", order=24
        ),
        NavItem(
            "PA metrics", "review:pa_metrics", permission="authorizations.view_pa_metrics", order=60
        ),
    )
