"""Permission matrix entries of the interoperability endpoints, one module per standard."""

from tests.interop.matrix_fhir import FHIR_API_ENTRIES, FHIR_ENTRIES
from tests.interop.matrix_x12 import X12_API_ENTRIES, X12_ENTRIES

ENTRIES = {**FHIR_ENTRIES, **X12_ENTRIES}
API_ENTRIES = {**FHIR_API_ENTRIES, **X12_API_ENTRIES}
