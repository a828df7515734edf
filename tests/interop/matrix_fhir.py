"""Permission matrix entries of the fhir endpoints."""

FHIR_ENTRIES: dict = {}
FHIR_API_ENTRIES: dict = {}
