"""Small VCM scenes for tests: a referral through the service, engaged, with a plan."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from care.models import VcmReferral
from care.services.vcm_plans import vcm_plan_revise
from care.services.vcm_referrals import CaregiverData, vcm_referral_create, vcm_referral_engage
from providers.models import Town

CAREGIVER = CaregiverData(
    first_name="Maria", last_name="Lopez", relationship="mother", phone="860-555-0100",
    preferred_language="es",
)  # fmt: skip


def received(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def referral(user: Any, *, ref_id: str = "DCF-1", day: dt.date = dt.date(2026, 3, 10),
             town: str = "Hartford", **kw: Any) -> VcmReferral:  # fmt: skip
    data: dict[str, Any] = {
        "acting_user": user,
        "agency_referral_id": ref_id,
        "received_at": received(day),
        "child_first_name": "Sam",
        "child_last_name": "Rivera",
        "child_birth_date": dt.date(2014, 6, 1),
        "town": Town.objects.get(name=town),
        "problem_code": "behavioral",
        "reason": "Aggressive at school, family asks for help",
        "other_insurance_explored": True,
        "consent": True,
        "caregivers": [CAREGIVER],
    }
    data.update(kw)
    return vcm_referral_create(**data)


def plan(user: Any, ref: VcmReferral, *, effective_on: dt.date, provider_id: int | None = None,
         resource_id: int | None = None, note: str = "") -> Any:  # fmt: skip
    team = [{"name": "Maria Lopez", "role": "Mother", "kind": "family"}]
    if provider_id:
        team.append({"name": "Clinic", "role": "Therapist", "kind": "provider",
                     "provider_id": provider_id})  # fmt: skip
    return vcm_plan_revise(
        acting_user=user,
        referral=ref,
        effective_on=effective_on,
        needs=["Behavior support at school"],
        strengths=["Close to grandmother"],
        goals=[{"goal": "Fewer school suspensions", "indicator": "0 suspensions in 60 days"}],
        team=team,
        services=[{"service": "Mentoring", "resource_id": resource_id}] if resource_id else [],
        next_review=effective_on + dt.timedelta(days=90),
        change_note=note,
    )


def engaged(user: Any, **kw: Any) -> VcmReferral:
    ref = referral(user, **kw)
    return vcm_referral_engage(acting_user=user, referral=ref, on=dt.date(2026, 3, 12))
