"""The X12 278 is its own small Django app (label `interop_x12`), so its tables and migrations never
collide with the FHIR side of `interop`."""

from django.apps import AppConfig


class X12Config(AppConfig):
    name = "interop.x12"
    label = "interop_x12"
    verbose_name = "X12 278 interchanges"
    default_auto_field = "django.db.models.BigAutoField"
