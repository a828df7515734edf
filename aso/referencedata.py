"""Every app's reference-data specs, in the order the layering needs (a rule needs its level of care)."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings

from aso.core.reference import FileReport, ReferenceSpec, reference_data_load
from authorizations.reference import SPECS as AUTHORIZATION_SPECS
from care.reference import SPECS as CARE_SPECS
from interop.reference import SPECS as INTEROP_SPECS
from members.reference import SPECS as MEMBER_SPECS
from par.reference import SPECS as PAR_SPECS
from providers.reference import SPECS as PROVIDER_SPECS
from relations.reference import SPECS as RELATIONS_SPECS

ALL_SPECS: tuple[ReferenceSpec, ...] = (
    *PROVIDER_SPECS,
    *MEMBER_SPECS,
    *AUTHORIZATION_SPECS,
    *CARE_SPECS,
    *PAR_SPECS,
    *RELATIONS_SPECS,
    *INTEROP_SPECS,
)

FIXTURES_DIR = Path(settings.BASE_DIR) / "fixtures"


def load_all(*, fixtures_dir: Path = FIXTURES_DIR, dry_run: bool = False) -> list[FileReport]:
    return reference_data_load(specs=ALL_SPECS, fixtures_dir=fixtures_dir, dry_run=dry_run)
