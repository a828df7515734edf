from django.urls import path

from par import views

app_name = "par"

urlpatterns = [
    path("", views.scorecards, name="scorecards"),
    path("regions/<int:pk>/", views.region, name="region"),
    path("regions/<int:pk>/workbook/", views.region_workbook, name="region_workbook"),
    path("providers/<int:pk>/", views.provider, name="provider"),
    path("providers/<int:pk>/workbook/", views.provider_workbook, name="provider_workbook"),
    path(
        "runs/<int:run>/providers/<int:provider>/measures/<str:measure>/cases/",
        views.cases,
        name="cases",
    ),
    path("runs/", views.run_list, name="run_list"),
    path("runs/<int:pk>/", views.run_detail, name="run_detail"),
    path("claims/", views.claims_loads, name="claims_loads"),
    path("claims/<int:pk>/", views.claims_load_detail, name="claims_load_detail"),
]
