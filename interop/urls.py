"""Interoperability endpoints: FHIR under /fhir/, the X12 278 under /x12/ (issue 11)."""

from django.urls import URLPattern, URLResolver, include, path

app_name = "interop"

urlpatterns: list[URLPattern | URLResolver] = [
    path("fhir/", include("interop.fhir.urls")),
    path("x12/", include("interop.x12.urls")),
]
