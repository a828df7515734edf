from django.apps import AppConfig

from aso.core.navigation import NavItem


class MembersConfig(AppConfig):
    name = "members"
    verbose_name = "Members and eligibility"
    navigation: tuple[NavItem, ...] = ()
