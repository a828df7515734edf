"""Episodes of care: admission to discharge across the concurrent authorizations of one stay.

An approved initial request opens an episode (admitted on the authorization's start, with the principal
diagnosis); each approved concurrent review's authorization joins the episode of the authorization it
extends. The discharge review closes the episode: discharge date, disposition, discharge-delay days and
reason, aftercare appointment. PAR and ICM read these rows.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from authorizations.choices import AuthorizationStatus
from authorizations.choices_review import DischargeCodeKind, ReviewEvent
from authorizations.models import Authorization, DischargeCode, Episode
from authorizations.rules.appeals import DischargeInput, discharge_problems
from authorizations.rules.clocks import local_day
from authorizations.rules.review import problems_by_field
from authorizations.services.events import event_record

ALREADY_DISCHARGED = "This episode was already closed on {day}."


def episode_attach(*, authorization: Authorization) -> Episode:
    """Put an approved authorization in its episode: the extended authorization's episode for a
    concurrent review, a new one for an admission (in the caller's transaction)."""
    previous = authorization.previous
    if previous is not None and previous.episode_id is not None:
        episode = previous.episode
        assert episode is not None
    else:
        diagnoses = authorization.request.diagnoses or [""]
        episode = Episode(
            member_id=authorization.member_id,
            site_id=authorization.site_id,
            level_of_care_id=authorization.level_of_care_id,
            admitted=authorization.start,
            principal_diagnosis=diagnoses[0],
        )
        episode.full_clean()
        episode.save()
    authorization.episode = episode
    authorization.save(update_fields=["episode"])
    return episode


@transaction.atomic
def episode_discharge(
    *,
    acting_user: Any,
    episode: Episode,
    discharged: dt.date,
    disposition: str,
    delay_days: int,
    delay_reason: str,
    aftercare_date: dt.date | None,
    aftercare_provider: str,
    today: dt.date | None = None,
) -> Episode:
    """The discharge review: close the episode and end its active authorizations."""
    if not acting_user.has_perm("authorizations.review_request"):
        raise PermissionDenied("You may not record discharge reviews.")
    episode = Episode.objects.select_for_update().get(pk=episode.pk)
    if episode.discharged is not None:
        raise ValidationError(ALREADY_DISCHARGED.format(day=episode.discharged.isoformat()))
    codes = dict(DischargeCode.objects.filter(active=True).values_list("code", "kind"))
    dispositions = {c for c, k in codes.items() if k == DischargeCodeKind.DISPOSITION}
    expects = DischargeCode.objects.filter(code=disposition, aftercare_expected=True).exists()
    problems = discharge_problems(
        DischargeInput(
            admitted=episode.admitted,
            discharged=discharged,
            today=today or local_day(timezone.now()),
            disposition=disposition,
            dispositions=dispositions,
            aftercare_expected=expects,
            delay_days=delay_days,
            delay_reason=delay_reason,
            delay_reasons={c for c, k in codes.items() if k == DischargeCodeKind.DELAY_REASON},
            aftercare_date=aftercare_date,
            aftercare_provider=aftercare_provider,
        )
    )
    if problems:
        raise ValidationError(problems_by_field(problems))
    episode.discharged = discharged
    episode.disposition = disposition
    episode.delay_days = delay_days
    episode.delay_reason = delay_reason
    episode.aftercare_date = aftercare_date
    episode.aftercare_provider = aftercare_provider.strip()
    episode.full_clean()
    episode.save()
    _end_authorizations(episode, acting_user)
    return episode


def _end_authorizations(episode: Episode, acting_user: Any) -> None:
    """The episode's active authorizations end with the discharge; the event goes on the last one."""
    authorizations = list(episode.authorizations.select_related("request").order_by("start"))
    for authorization in authorizations:
        if authorization.status == AuthorizationStatus.ACTIVE:
            authorization.status = AuthorizationStatus.ENDED
            authorization.save(update_fields=["status"])
    if authorizations:
        event_record(
            request=authorizations[-1].request,
            kind=ReviewEvent.DISCHARGED,
            actor=acting_user,
            detail={
                "episode_id": episode.pk,
                "disposition": episode.disposition,
                "delay_days": episode.delay_days,
                "delay_reason": episode.delay_reason,
            },
        )
