"""How provider systems authenticate to the interoperability endpoints: one list for FHIR and the 278.

OAuth2 client credentials (django-oauth-toolkit): a token from POST /o/token/ carries no user of its
own, so the caller is the Application's user, a provider-system account linked to one organization
(ProviderStaff); every organization scope of the selectors then applies to the client as to a person.
Token and session authentication stay for people and scripts that already use them.
"""

from __future__ import annotations

from typing import Any

from oauth2_provider.contrib.rest_framework import OAuth2Authentication
from rest_framework.authentication import SessionAuthentication, TokenAuthentication


class ClientCredentialsAuthentication(OAuth2Authentication):
    """A bearer token of a client-credentials grant answers as its Application's user (active only)."""

    def authenticate(self, request: Any) -> tuple[Any, Any] | None:
        # The Django request: DRF's would parse the body (a FHIR Bundle) to look for form fields.
        found = super().authenticate(getattr(request, "_request", request))
        if found is None:
            return None
        user, token = found
        if user is None and token is not None and token.application is not None:
            user = token.application.user
        if user is None or not user.is_active:
            return None
        return user, token


SYSTEM_AUTHENTICATION_CLASSES = [
    ClientCredentialsAuthentication,
    TokenAuthentication,
    SessionAuthentication,
]
