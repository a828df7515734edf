"""The X12 278 endpoint (under /x12/)."""

from django.urls import path

from interop.x12.views import X12278View

urlpatterns = [path("278", X12278View.as_view(), name="x12_278")]
