"""How provider systems authenticate to the interoperability endpoints: one list for FHIR and the 278."""

from rest_framework.authentication import SessionAuthentication, TokenAuthentication

SYSTEM_AUTHENTICATION_CLASSES = [TokenAuthentication, SessionAuthentication]
