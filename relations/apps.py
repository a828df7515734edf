from django.apps import AppConfig

from aso.core.navigation import NavItem


class RelationsConfig(AppConfig):
    name = "relations"
    verbose_name = "Member and provider relations"
    navigation: tuple[NavItem, ...] = (
        NavItem("Contact log", "relations:contact_list", "relations.view_contacts", order=60),
        NavItem("Log a contact", "relations:contact_create", "relations.log_contact", order=61),
        NavItem("Grievances", "relations:grievance_queue", "relations.manage_grievances", order=62),
        NavItem(
            "Referral search", "relations:referral_search", "relations.give_referrals", order=63
        ),
        NavItem(
            "Service reports",
            "relations:contact_report",
            "relations.view_service_reports",
            order=64,
        ),
        NavItem("Bed board", "relations:bed_board", "relations.view_bed_board", order=65),
        NavItem("Report beds", "relations:bed_sites", "relations.report_beds", order=66),
        NavItem("Bulletins", "relations:bulletin_list", "relations.read_bulletins", order=67),
        NavItem(
            "Publish bulletins",
            "relations:bulletin_manage",
            "relations.publish_bulletins",
            order=68,
        ),
    )
