"""Eligibility pages and the eligibility API (one include in aso/urls.py)."""

from django.urls import path

from members import views
from members.api.inquiries import EligibilityInquiryView

app_name = "members"

urlpatterns = [
    path("eligibility/check/", views.eligibility_check_page, name="eligibility_check"),
    path("members/", views.member_search, name="member_search"),
    path("members/<int:pk>/", views.member_detail, name="member_detail"),
    path("eligibility/loads/", views.load_list, name="load_list"),
    path("eligibility/loads/<int:pk>/", views.load_detail, name="load_detail"),
    path(
        "eligibility/loads/<int:pk>/rejections.xlsx",
        views.load_rejections,
        name="load_rejections",
    ),
    path(
        "api/v1/eligibility/inquiries",
        EligibilityInquiryView.as_view(),
        name="api_eligibility_inquiry",
    ),
]
