"""Reads of interoperability reference data shared by both standards (FHIR PAS and X12 278)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from interop.models import CodeKind, ServiceCode
from providers.models import LevelOfCare, Provider, Site
from providers.selectors import own_provider_ids


def level_for_codes(
    *,
    procedures: Iterable[str] = (),
    revenues: Iterable[str] = (),
    service_type: str = "",
    place: str = "",
) -> LevelOfCare | None:
    """The level of care the codes of a service line ask for, whichever standard carried them; None
    when no code is accepted (fixtures/interop_service_codes.yaml).

    Most specific first: the procedure codes (CPT/HCPCS) in the order sent, then the revenue codes
    (UB-04), then the service type at the place of service, then the service type at any place
    (a row with place ""). One query."""
    keys = [(CodeKind.PROCEDURE.value, code, "") for code in procedures]
    keys += [(CodeKind.REVENUE.value, code, "") for code in revenues]
    if service_type:
        if place:
            keys.append((CodeKind.SERVICE_TYPE.value, service_type, place))
        keys.append((CodeKind.SERVICE_TYPE.value, service_type, ""))
    if not keys:
        return None
    rows = {
        (row.kind, row.code, row.place): row.level_of_care
        for row in ServiceCode.objects.filter(
            code__in={code for _, code, _ in keys}
        ).select_related("level_of_care")
    }
    return next((rows[key] for key in keys if key in rows), None)


def own_provider_by_npi(*, user: Any, npis: Iterable[str]) -> Provider | None:
    """The provider organization a provider system names by NPI, when it is one of the system's own
    organizations (another organization's NPI finds nothing, as an unknown one does)."""
    npis = [npi for npi in npis if npi]
    if not npis:
        return None
    return Provider.objects.filter(npi__in=npis, pk__in=own_provider_ids(user=user)).first()


def submission_site(*, provider: Provider, site_number: str) -> Site | None:
    """The active site a request is for: the one with this site number, or, when none is named, the
    provider's only active site. None when it is not found, or when none is named and there are
    several."""
    sites = Site.objects.filter(provider=provider, active=True).select_related("provider")
    if site_number:
        return sites.filter(site_number=site_number).first()
    found = list(sites[:2])
    return found[0] if len(found) == 1 else None
