"""Identifier and code systems of the FHIR API: ours, and the public ones we read."""

# Ours (published in the CapabilityStatement and docs/api.md).
BASE = "https://aso.ct.example/fhir"
MEDICAID_ID = f"{BASE}/sid/medicaid-id"
REQUEST_NUMBER = f"{BASE}/sid/request-number"
AUTHORIZATION_NUMBER = f"{BASE}/sid/authorization-number"
SITE_NUMBER = f"{BASE}/sid/site-number"
CLINICAL_FIELD = f"{BASE}/CodeSystem/clinical-field"
DECISION_REASON = f"{BASE}/CodeSystem/decision-reason"
LEVEL_OF_CARE = f"{BASE}/CodeSystem/level-of-care"
PROGRAM = f"{BASE}/CodeSystem/program"

# Public.
NPI = "http://hl7.org/fhir/sid/us-npi"
ICD10CM = "http://hl7.org/fhir/sid/icd-10-cm"
X12_REVIEW_ACTION = "https://codesystem.x12.org/005010/306"
X12_SERVICE_TYPE = "https://codesystem.x12.org/005010/1365"
ADJUDICATION = "http://terminology.hl7.org/CodeSystem/adjudication"
CLAIM_TYPE = "http://terminology.hl7.org/CodeSystem/claim-type"
PAS = "http://hl7.org/fhir/us/davinci-pas/StructureDefinition"
REVIEW_ACTION_EXTENSION = f"{PAS}/extension-reviewAction"
REVIEW_ACTION_CODE_EXTENSION = f"{PAS}/extension-reviewActionCode"
PAS_RESPONSE_BUNDLE = f"{PAS}/profile-pas-response-bundle"
PAS_CLAIM_RESPONSE = f"{PAS}/profile-claimresponse"
FHIR_JSON = "application/fhir+json"

# Service-line code systems (interop.ServiceCode): each FHIR system maps onto one code kind; a
# row's system follows from its kind (CPT codes are digits, HCPCS Level II start with a letter).
CPT = "http://www.ama-assn.org/go/cpt"
HCPCS = "http://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets"
NUBC_REVENUE = "https://www.nubc.org/CodeSystem/RevenueCodes"
# CMS place of service (Claim.item.locationCodeableConcept), the X12 278's UM04-1.
PLACE_OF_SERVICE = (
    "https://www.cms.gov/Medicare/Coding/place-of-service-codes/Place_of_Service_Code_Set"
)
KIND_FOR_SYSTEM = {
    CPT: "procedure",
    HCPCS: "procedure",
    NUBC_REVENUE: "revenue",
    X12_SERVICE_TYPE: "service_type",
}


def code_system(kind: str, code: str) -> str:
    """The FHIR code system of a service code of this kind."""
    if kind == "procedure":
        return HCPCS if code[:1].isalpha() else CPT
    return NUBC_REVENUE if kind == "revenue" else X12_SERVICE_TYPE
