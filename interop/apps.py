from django.apps import AppConfig


class InteropConfig(AppConfig):
    name = "interop"
    verbose_name = "Interoperability (FHIR PAS, X12 278)"

    def ready(self) -> None:
        from interop.fhir import schema  # noqa: F401  (registers the OpenAPI auth extension)
