"""Care management pages. Intensive care management lives under icm/, Voluntary Care Management
under vcm/."""

from django.urls import path

from care.views import icm_candidates, icm_caseload, vcm, vcm_outcomes, vcm_plans

app_name = "care"

urlpatterns = [
    path("icm/caseload/", icm_caseload.my_caseload, name="icm_my_caseload"),
    path("icm/caseloads/", icm_caseload.caseloads, name="icm_caseloads"),
    path("icm/caseloads/<int:user_pk>/", icm_caseload.icm_caseload, name="icm_caseload"),
    path("icm/assignments/<int:pk>/", icm_caseload.assignment_detail, name="icm_assignment"),
    path("icm/assignments/<int:pk>/contacts/", icm_caseload.contact_add, name="icm_contact_add"),
    path("icm/assignments/<int:pk>/close/", icm_caseload.assignment_close, name="icm_close"),
    path(
        "icm/assignments/<int:pk>/transfer/",
        icm_caseload.assignment_transfer,
        name="icm_transfer",
    ),
    path("icm/candidates/", icm_candidates.candidates, name="icm_candidates"),
    path("icm/candidates/<int:pk>/", icm_candidates.candidate_detail, name="icm_candidate"),
    path(
        "icm/candidates/<int:pk>/assign/",
        icm_candidates.candidate_assign,
        name="icm_candidate_assign",
    ),
    path(
        "icm/candidates/<int:pk>/dismiss/",
        icm_candidates.candidate_dismiss,
        name="icm_candidate_dismiss",
    ),
    path("icm/candidates/auto-assign/", icm_candidates.auto_assign, name="icm_auto_assign"),
    path("icm/identify/", icm_candidates.identify_now, name="icm_identify"),
    path("icm/referrals/new/", icm_candidates.referral_new, name="icm_referral"),
    path("vcm/referrals/", vcm.referrals, name="vcm_referrals"),
    path("vcm/referrals/new/", vcm.referral_new, name="vcm_referral_new"),
    path("vcm/referrals/<int:pk>/", vcm.referral_detail, name="vcm_referral"),
    path("vcm/referrals/<int:pk>/attempts/", vcm.attempt_add, name="vcm_attempt_add"),
    path("vcm/referrals/<int:pk>/engage/", vcm.engage, name="vcm_engage"),
    path("vcm/referrals/<int:pk>/discharge/", vcm.discharge, name="vcm_discharge"),
    path("vcm/referrals/<int:pk>/plan/", vcm_plans.plan_edit, name="vcm_plan_edit"),
    path("vcm/plans/", vcm_plans.team_plans, name="vcm_plans"),
    path("vcm/plans/<int:pk>/", vcm_plans.plan_detail, name="vcm_plan"),
    path("vcm/plans/<int:pk>/print/", vcm_plans.plan_print, name="vcm_plan_print"),
    path("vcm/resources/", vcm_outcomes.resources, name="vcm_resources"),
    path("vcm/resources/import/", vcm_outcomes.resources_import, name="vcm_resources_import"),
    path("vcm/outcomes/", vcm_outcomes.dashboard, name="vcm_outcomes"),
    path("vcm/outcomes.xlsx", vcm_outcomes.dashboard_xlsx, name="vcm_outcomes_xlsx"),
]
