"""URLs of registration: the provider pages and the API (/api/v1/registrations, /api/v1/authorizations).

One include in aso/urls.py. Numbers in URLs are request and authorization numbers (upper-case letters,
digits and dashes), never member data.
"""

from django.urls import include, path

from authorizations import converters  # noqa: F401  (registers um_number)
from authorizations.api import registrations as api
from authorizations.views import registration as views

pages = [
    path("registrations/", views.registration_list, name="list"),
    path("registrations/new/", views.registration_new, name="new"),
    path("registrations/rule/", views.registration_rule, name="rule"),
    path("registrations/export.csv", views.registration_export, name="export"),
    path("registrations/<um_number:number>/", views.request_detail, name="request_detail"),
    path(
        "authorizations/<um_number:number>/",
        views.authorization_detail,
        name="authorization_detail",
    ),
    path("authorizations/<um_number:number>/extend/", views.authorization_extend, name="extend"),
]

api_patterns = [
    path("registrations", api.RegistrationCreateView.as_view(), name="registration_create"),
    path(
        "registrations/<um_number:number>",
        api.RegistrationDetailView.as_view(),
        name="registration_detail",
    ),
    path("authorizations", api.AuthorizationListView.as_view(), name="authorization_list"),
    path(
        "authorizations/<um_number:number>",
        api.AuthorizationDetailView.as_view(),
        name="authorization_detail",
    ),
    path(
        "authorizations/<um_number:number>/extensions",
        api.AuthorizationExtendView.as_view(),
        name="authorization_extend",
    ),
]

urlpatterns = [
    path("", include((pages, "registration"))),
    path("api/v1/", include((api_patterns, "registrations_api"))),
]
