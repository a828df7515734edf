from django.urls import path

from aso.core import views

app_name = "core"

urlpatterns = [
    path("jobs/", views.job_list, name="job_list"),
    path("jobs/<int:pk>/", views.job_detail, name="job_detail"),
    path("jobs/<int:pk>/download/", views.job_result_download, name="job_download"),
]
