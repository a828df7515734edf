"""Interoperability endpoints: FHIR under /fhir/, the X12 278 under /x12/ (issue 11)."""

from django.urls import URLPattern, URLResolver

app_name = "interop"

urlpatterns: list[URLPattern | URLResolver] = []
