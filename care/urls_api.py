"""The care API (namespace `care_api`, under /api/v1/care/): one include in aso/urls.py."""

from django.urls import include, path

from care.api.referrals import ReferralCreate

api = [path("referrals", ReferralCreate.as_view(), name="vcm_referrals")]

urlpatterns = [path("api/v1/care/", include((api, "care_api")))]
