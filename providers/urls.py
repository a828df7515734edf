from django.urls import path

from providers.views import imports, network, staff

app_name = "providers"

urlpatterns = [
    path("", network.provider_list, name="provider_list"),
    path("<int:pk>/", network.provider_detail, name="provider_detail"),
    path("<int:pk>/edit/", network.provider_edit, name="provider_edit"),
    path("<int:pk>/terminate/", network.provider_terminate, name="provider_terminate"),
    path("sites/<int:pk>/edit/", network.site_edit, name="site_edit"),
    path("sites/<int:pk>/offerings/add/", network.offering_add, name="offering_add"),
    path("offerings/<int:pk>/edit/", network.offering_edit, name="offering_edit"),
    path("mine/", staff.my_organization, name="my_organization"),
    path("<int:pk>/staff/", staff.staff_list, name="staff_list"),
    path("<int:pk>/staff/invite/", staff.staff_invite, name="staff_invite"),
    path(
        "<int:pk>/staff/<int:staff_pk>/deactivate/",
        staff.staff_deactivate,
        name="staff_deactivate",
    ),
    path(
        "invitations/<str:uidb64>/<str:token>/",
        staff.invitation_accept,
        name="invitation_accept",
    ),
    path("imports/", imports.import_list, name="import_list"),
    path("imports/<int:pk>/", imports.import_detail, name="import_detail"),
    path("imports/<int:pk>/report.xlsx", imports.import_download, name="import_download"),
    path("imports/<int:pk>/apply/", imports.import_apply, name="import_apply"),
]
