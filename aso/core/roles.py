"""The roles of the platform, defined once (DESIGN.md section 1) and synced to Django groups.

A role is a Django group named by its code, holding model-level *capability* permissions. What a user
sees of the objects those capabilities touch is decided by the selectors of each app (their organization,
their region, their agency), never by these permissions alone. Access is denied by default: a permission
missing here is a capability the role does not have.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Role:
    code: str
    label: str
    staff: bool  # works for the ASO (as opposed to a provider or an agency)
    description: str
    permissions: tuple[str, ...]


PROVIDER_STAFF_PERMS = (
    "members.check_eligibility",
    "authorizations.submit_registration",
    "authorizations.submit_prior_auth",
    "relations.read_bulletins",
    "relations.report_beds",
    "par.view_own_scorecard",
    "care.view_team_plans",
)
# Customer-service work on the member line (contacts, grievances, referrals), shared by care managers,
# clinical supervisors and the member-services representatives who answer the line.
SERVICE_LINE_PERMS = (
    "relations.log_contact",
    "relations.view_contacts",
    "relations.manage_grievances",
    "relations.give_referrals",
)

ROLES: tuple[Role, ...] = (
    Role(
        "provider_staff",
        "Provider staff",
        staff=False,
        description="Checks eligibility, registers outpatient services, requests prior authorization.",
        permissions=PROVIDER_STAFF_PERMS,
    ),
    Role(
        "provider_admin",
        "Provider administrator",
        staff=False,
        description="Everything provider staff do, and manages its organization's staff accounts.",
        permissions=(*PROVIDER_STAFF_PERMS, "providers.manage_own_staff"),
    ),
    Role(
        "care_manager",
        "Care manager",
        staff=True,
        description="Takes phone requests and reviews inpatient, intermediate and residential care.",
        permissions=(
            "members.view_member_data",
            "members.check_eligibility",
            "providers.view_all_providers",
            "authorizations.view_all_requests",
            "authorizations.review_request",
            "authorizations.submit_prior_auth",
            *SERVICE_LINE_PERMS,
            "relations.view_bed_board",
            "care.refer_icm",
        ),
    ),
    Role(
        "physician_advisor",
        "Physician advisor",
        staff=True,
        description="Decides medical necessity: the only role that may deny or partially approve.",
        permissions=(
            "members.view_member_data",
            "members.check_eligibility",
            "providers.view_all_providers",
            "authorizations.view_all_requests",
            "authorizations.review_request",
            "authorizations.decide_adverse",
            "authorizations.decide_appeal",
            "care.refer_icm",
        ),
    ),
    Role(
        "icm",
        "Intensive care manager",
        staff=True,
        description="Works a caseload of the most vulnerable members.",
        permissions=(
            "members.view_member_data",
            "members.check_eligibility",
            "providers.view_all_providers",
            "authorizations.view_all_requests",
            "relations.view_contacts",
            "relations.give_referrals",
            "relations.view_bed_board",
            "care.work_caseload",
            "care.refer_icm",
        ),
    ),
    Role(
        "clinical_supervisor",
        "Clinical supervisor",
        staff=True,
        description="Runs the queues, reassigns reviews, assigns ICMs, watches turnaround.",
        permissions=(
            "members.view_member_data",
            "members.check_eligibility",
            "providers.view_all_providers",
            "authorizations.view_all_requests",
            "authorizations.review_request",
            "authorizations.manage_queue",
            "authorizations.view_pa_metrics",
            *SERVICE_LINE_PERMS,
            "relations.view_service_reports",
            "relations.view_bed_board",
            "care.assign_icm",
            "care.refer_icm",
            "care.view_vcm_outcomes",
        ),
    ),
    Role(
        "network_manager",
        "Regional network manager",
        staff=True,
        description="Reads PAR scorecards for the providers of its region.",
        permissions=("par.view_scorecards", "providers.view_region_providers"),
    ),
    Role(
        "network_ops",
        "Network operations",
        staff=True,
        description="Maintains the provider file and runs provider-file imports.",
        permissions=(
            "providers.view_all_providers",
            "providers.manage_provider_file",
            "relations.publish_bulletins",
        ),
    ),
    Role(
        "data_ops",
        "Data operations",
        staff=True,
        description="Runs eligibility and claims loads and watches jobs.",
        permissions=(
            "members.load_eligibility",
            "par.load_claims",
            "par.run_par",
            "core.view_all_jobs",
        ),
    ),
    Role(
        "agency_viewer",
        "State agency viewer",
        staff=False,
        description="Exports oversight spreadsheets for its agency's population.",
        permissions=("core.export_oversight", "par.view_statewide", "care.view_vcm_outcomes"),
    ),
    Role(
        "admin",
        "System administrator",
        staff=True,
        description="Users, roles and reference data.",
        permissions=("core.view_all_jobs", "core.view_access_log", "providers.view_all_providers"),
    ),
    Role(
        "member_services",
        "Member services representative",
        staff=True,
        description=(
            "Answers the customer-service line: logs every contact, files grievances, gives "
            "referrals, warm-transfers clinical calls to a care manager."
        ),
        permissions=(*SERVICE_LINE_PERMS, "relations.view_service_reports"),
    ),
)

# Voluntary Care Management (domain section 9): the program's care coordinators, and the child-welfare
# agency's referral system (a token account that only sends referrals and reads nothing back).
ROLES = (
    *ROLES,
    Role(
        "vcm_coordinator",
        "VCM care coordinator",
        staff=True,
        description=(
            "Works Voluntary Care Management: referrals from DCF, outreach, family plans of care, "
            "community resources, discharges and the program's outcomes."
        ),
        permissions=(
            "care.work_vcm",
            "care.manage_vcm_resources",
            "care.view_vcm_outcomes",
        ),
    ),
    Role(
        "agency_referrer",
        "Child-welfare agency referral system",
        staff=False,
        description="The agency's system account: sends VCM referrals through the API, reads nothing.",
        permissions=("care.submit_vcm_referral",),
    ),
)

ROLE_CODES: tuple[str, ...] = tuple(role.code for role in ROLES)
ROLES_BY_CODE: dict[str, Role] = {role.code: role for role in ROLES}
