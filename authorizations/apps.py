from django.apps import AppConfig

from aso.core.navigation import NavItem


class AuthorizationsConfig(AppConfig):
    name = "authorizations"
    verbose_name = "Utilization management"
    navigation: tuple[NavItem, ...] = (
        NavItem(
            "Register a service", "registration:new", "authorizations.submit_registration", order=20
        ),
        NavItem(
            "My authorizations", "registration:list", "authorizations.submit_registration", order=21
        ),
        NavItem(
            "Authorizations", "registration:list", "authorizations.view_all_requests", order=21
        ),
        NavItem(
            "Review queue", "review:queue", permission="authorizations.review_request", order=22
        ),
        NavItem("Phone intake", "review:intake_phone", roles=("care_manager",), order=23),
        NavItem(
            "Request prior authorization",
            "review:request_new",
            roles=("provider_staff", "provider_admin"),
            order=24,
        ),
        NavItem(
            "Prior-auth requests",
            "review:request_list",
            permission="authorizations.submit_prior_auth",
            order=25,
        ),
        NavItem(
            "Appeals", "review:appeal_list", permission="authorizations.view_all_requests", order=26
        ),
        NavItem(
            "PA metrics", "review:pa_metrics", permission="authorizations.view_pa_metrics", order=60
        ),
    )
