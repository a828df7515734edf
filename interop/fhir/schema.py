"""How the FHIR endpoints appear in the OpenAPI schema.

FHIR operation names start with `$` (`Claim/$submit`); DRF's path simplification drops the `$`, so
a preprocessing hook puts each FHIR view's real path back. The client-credentials authentication is
documented as an OAuth2 scheme with its token URL.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from drf_spectacular.extensions import OpenApiAuthenticationExtension


def fhir_paths(endpoints: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    fixed = []
    for path, path_regex, method, callback in endpoints:
        if path.startswith("/fhir/Claim/") and not path.startswith("/fhir/Claim/$"):
            path = path.replace("/fhir/Claim/", "/fhir/Claim/$", 1)
        fixed.append((path, path_regex, method, callback))
    return fixed


class ClientCredentialsScheme(OpenApiAuthenticationExtension):
    target_class = "interop.auth.ClientCredentialsAuthentication"
    name = "oauth2ClientCredentials"

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        return {
            "type": "oauth2",
            "flows": {
                "clientCredentials": {
                    "tokenUrl": "/o/token/",
                    "scopes": settings.OAUTH2_PROVIDER["SCOPES"],
                }
            },
        }
