"""FHIR R4 endpoints of the Prior Authorization API (Da Vinci PAS), mounted under /fhir/."""

from django.urls import path

from interop.fhir import views

urlpatterns = [
    path("metadata", views.MetadataView.as_view(), name="fhir_metadata"),
    path("Claim/$submit", views.ClaimSubmitView.as_view(), name="fhir_claim_submit"),
    path("Claim/$inquire", views.ClaimInquireView.as_view(), name="fhir_claim_inquire"),
    path("Coverage", views.CoverageSearchView.as_view(), name="fhir_coverage"),
    path(
        "prior-authorization-services",
        views.ServicesView.as_view(),
        name="fhir_prior_authorization_services",
    ),
]
