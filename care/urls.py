"""Care management pages. Intensive care management lives under icm/."""

from django.urls import path

from care.views import icm_candidates, icm_caseload

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
]
