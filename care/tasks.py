"""Celery tasks of care management: thin, idempotent, one service each."""

from __future__ import annotations

import datetime as dt

from celery import shared_task

from care.services.icm_identification import icm_identification_run


@shared_task(name="care.icm_identify_nightly", acks_late=True)
def icm_identify_nightly_task(as_of: str | None = None) -> int:
    """Run ICM identification through a Job (scheduled nightly by Celery beat, see migration
    care 0004). A second run on the same day changes nothing. Returns the Job id."""
    day = dt.date.fromisoformat(as_of) if as_of else None
    return icm_identification_run(as_of=day).pk
