"""Interoperability: the FHIR Prior Authorization API (Da Vinci PAS) and the X12 278, over the same services."""
