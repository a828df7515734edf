"""Writes of member and provider relations.

Each service checks the acting user's capability, asks the pure rules for every reason to refuse,
writes in one transaction with `full_clean()`, and leaves a history row naming the acting user and
what happened (`history_change_reason`): the history is the audit trail of these records. Refusals
raise `ValidationError` with every message at once; nothing is half-saved.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import models, transaction
from django.utils import timezone

from members.models import Member
from providers.models import LevelOfCare, Provider, Region, Site
from providers.selectors import own_provider_ids
from relations import rules
from relations.choices import (
    ContactChannel,
    GrievanceFiler,
    GrievanceOutcome,
    GrievanceStatus,
    NoticeKind,
    NoticeLanguage,
)
from relations.models import (
    BedReport,
    BedReportLine,
    Bulletin,
    BulletinAttachment,
    BulletinRead,
    Contact,
    ContactCategory,
    Grievance,
    GrievanceCategory,
    GrievanceNotice,
    Referral,
    ReferralSite,
    ServiceClock,
)
from relations.notices import grievance_notice_text
from relations.selectors import (
    ReferralCriteria,
    access_bulletin,
    as_clock,
    calendar_covers,
    clock_in_force,
    holidays_between,
    is_care_manager,
    offered_bed_levels,
    offerings_in_force,
)

NOT_YOUR_SITE = "You can report beds only for your own organization's sites."
NO_HOLIDAYS = (
    "The {calendar} holiday calendar has no days for {year}: add them to the reference data."
)


def _require(user: Any, perm: str) -> None:
    if not (user.is_authenticated and user.has_perm(perm)):
        raise PermissionDenied("You are not allowed to do this.")


def _refuse(problems: Sequence[rules.Problem]) -> None:
    if problems:
        raise ValidationError([ValidationError(p.message, code=p.code) for p in problems])


def _save(obj: models.Model, acting_user: Any, reason: str) -> None:
    """Validate and save, leaving a history row with the acting user and what happened."""
    if getattr(acting_user, "is_authenticated", False):
        obj._history_user = acting_user  # type: ignore[attr-defined]
    obj._change_reason = reason  # type: ignore[attr-defined]
    obj.full_clean()
    obj.save()


# --- contacts -------------------------------------------------------------------------------------


@transaction.atomic
def contact_log(
    *,
    acting_user: Any,
    caller_type: str,
    category: ContactCategory,
    outcome: str,
    channel: str = ContactChannel.PHONE,
    received_at: dt.datetime | None = None,
    member: Member | None = None,
    provider: Provider | None = None,
    notes: str = "",
    warm_transfer_to: Any = None,
) -> Contact:
    """Record one contact with the service line. A warm transfer names the care manager who took
    the caller; a contact cannot be dated in the future."""
    _require(acting_user, "relations.log_contact")
    now = timezone.now()
    received_at = received_at or now
    _refuse(
        rules.check_contact(
            outcome=outcome,
            has_transfer_target=warm_transfer_to is not None,
            target_is_care_manager=is_care_manager(warm_transfer_to),
            received_at=received_at,
            now=now,
        )
    )
    contact = Contact(
        received_at=received_at,
        caller_type=caller_type,
        channel=channel,
        category=category,
        member=member,
        provider=provider,
        notes=notes,
        outcome=outcome,
        warm_transfer_to=warm_transfer_to,
        taken_by=acting_user,
    )
    _save(contact, acting_user, "contact logged")
    return contact


# --- grievances -----------------------------------------------------------------------------------


def _holidays(row: ServiceClock, start: dt.date) -> frozenset[dt.date]:
    """The calendar's holidays over the longest span the clock can run from `start`. A business-day
    clock refuses to run into a year the calendar has no holidays for: its deadline would be wrong."""
    horizon = start + dt.timedelta(days=row.amount * 2 + 20)
    if row.unit == "business_days" and not calendar_covers(
        calendar=row.calendar, year=horizon.year
    ):
        raise ValidationError(NO_HOLIDAYS.format(calendar=row.calendar, year=horizon.year))
    return holidays_between(calendar=row.calendar, start=start, end=horizon)


def grievance_deadlines_for(received_on: dt.date) -> rules.GrievanceDeadlines:
    """The acknowledgment and resolution deadlines of a grievance received that day, from the clock
    rows and holidays in force then."""
    ack = clock_in_force(code="GRIEVANCE_ACKNOWLEDGMENT", on=received_on)
    resolution = clock_in_force(code="GRIEVANCE_RESOLUTION", on=received_on)
    return rules.grievance_deadlines(
        received_on,
        as_clock(ack),
        as_clock(resolution),
        _holidays(ack, received_on) | _holidays(resolution, received_on),
    )


@transaction.atomic
def grievance_file(
    *,
    acting_user: Any,
    member: Member | None,
    category: GrievanceCategory | None,
    description: str,
    filed_by: str = GrievanceFiler.MEMBER,
    channel: str = ContactChannel.PHONE,
    received_at: dt.datetime | None = None,
    about_provider: Provider | None = None,
    contact: Contact | None = None,
    notice_language: str = "",
) -> Grievance:
    """Record a grievance and start its clocks: the acknowledgment due a number of business days
    after receipt and the resolution a number of calendar days after (dated clock rows). Notices go
    in the member's language when it is Spanish, otherwise English, unless staff choose."""
    _require(acting_user, "relations.manage_grievances")
    now = timezone.now()
    received_at = received_at or now
    _refuse(
        rules.check_grievance(
            has_member=member is not None,
            has_category=category is not None,
            description=description,
            received_at=received_at,
            now=now,
        )
    )
    assert member is not None and category is not None  # checked above
    deadlines = grievance_deadlines_for(timezone.localtime(received_at).date())
    language = notice_language or (
        NoticeLanguage.SPANISH if member.language == "es" else NoticeLanguage.ENGLISH
    )
    grievance = Grievance(
        member=member,
        category=category,
        contact=contact,
        received_at=received_at,
        received_by=acting_user,
        filed_by=filed_by,
        channel=channel,
        about_provider=about_provider,
        description=description.strip(),
        notice_language=language,
        acknowledge_by=deadlines.acknowledge_by,
        resolve_by=deadlines.resolve_by,
        ack_clock_id=deadlines.ack_clock_id,
        resolution_clock_id=deadlines.resolution_clock_id,
        assigned_to=acting_user,
    )
    _save(grievance, acting_user, "grievance filed")
    return grievance


def _lock(grievance: Grievance) -> Grievance:
    """The grievance, row-locked for this transaction: two people cannot both act on it."""
    return (
        Grievance.objects.select_for_update()
        .select_related("member", "category")
        .get(pk=grievance.pk)
    )


def _notice(grievance: Grievance, kind: str, acting_user: Any, at: dt.datetime) -> GrievanceNotice:
    language = grievance.notice_language
    notice = GrievanceNotice(
        grievance=grievance,
        kind=kind,
        language=language,
        body=grievance_notice_text(
            grievance=grievance, kind=kind, language=language, on=timezone.localtime(at).date()
        ),
        created_at=at,
        created_by=acting_user,
    )
    _save(notice, acting_user, f"{kind} notice")
    return notice


@transaction.atomic
def grievance_acknowledge(
    *, acting_user: Any, grievance: Grievance, acknowledged_at: dt.datetime | None = None
) -> Grievance:
    """Send the written acknowledgment (a notice in the member's language) and stop its clock."""
    _require(acting_user, "relations.manage_grievances")
    locked = _lock(grievance)
    now = timezone.now()
    at = acknowledged_at or now
    _refuse(
        rules.check_acknowledgment(
            status=locked.status, acknowledged_at=at, received_at=locked.received_at, now=now
        )
    )
    locked.status = GrievanceStatus.ACKNOWLEDGED
    locked.acknowledged_at, locked.acknowledged_by = at, acting_user
    _save(locked, acting_user, "grievance acknowledged")
    _notice(locked, NoticeKind.ACKNOWLEDGMENT, acting_user, at)
    return locked


@transaction.atomic
def grievance_resolve(
    *,
    acting_user: Any,
    grievance: Grievance,
    outcome: str,
    resolution: str,
    resolved_at: dt.datetime | None = None,
    notice_language: str = "",
) -> Grievance:
    """Resolve a grievance and send the resolution notice in English or Spanish. A grievance resolved
    before it was acknowledged is acknowledged by the resolution notice itself."""
    _require(acting_user, "relations.manage_grievances")
    locked = _lock(grievance)
    now = timezone.now()
    at = resolved_at or now
    _refuse(
        rules.check_resolution(
            status=locked.status,
            outcome=outcome,
            valid_outcomes=set(GrievanceOutcome.values),
            resolution=resolution,
            resolved_at=at,
            received_at=locked.received_at,
            now=now,
        )
    )
    if locked.status == GrievanceStatus.RECEIVED:
        locked.acknowledged_at, locked.acknowledged_by = at, acting_user
    locked.status = GrievanceStatus.RESOLVED
    locked.outcome, locked.resolution = outcome, resolution.strip()
    locked.resolved_at, locked.resolved_by = at, acting_user
    if notice_language:
        locked.notice_language = notice_language
    _save(locked, acting_user, "grievance resolved")
    _notice(locked, NoticeKind.RESOLUTION, acting_user, at)
    return locked


# --- referrals ------------------------------------------------------------------------------------


@transaction.atomic
def referral_record(
    *,
    acting_user: Any,
    criteria: ReferralCriteria,
    sites: Sequence[Site],
    member: Member | None = None,
    contact: Contact | None = None,
    note: str = "",
) -> Referral:
    """Record which in-network sites were given to a caller for a level of care, in the order given.
    Each site must offer that level of care today."""
    _require(acting_user, "relations.give_referrals")
    now = timezone.now()
    level = criteria.level_of_care
    offering = set(
        offerings_in_force(on=timezone.localdate(now))
        .filter(level_of_care=level, site__in=sites)
        .values_list("site_id", flat=True)
    )
    _refuse(
        rules.check_referral(
            site_count=len(sites),
            not_offering=[site.name for site in sites if site.pk not in offering],
            level_name=level.name,
        )
    )
    referral = Referral(
        given_at=now,
        given_by=acting_user,
        member=member,
        contact=contact,
        level_of_care=level,
        town=criteria.town,
        region=criteria.region,
        age=criteria.age,
        language=criteria.language,
        note=note,
    )
    _save(referral, acting_user, "referral given")
    for rank, site in enumerate(sites, start=1):
        _save(ReferralSite(referral=referral, site=site, rank=rank), acting_user, "referral given")
    return referral


# --- bulletins ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BulletinDraft:
    kind: str
    title: str
    body: str
    audience: rules.Audience
    publish_on: dt.date
    expires_on: dt.date | None


def _check_draft(draft: BulletinDraft, attachments: Sequence[UploadedFile]) -> None:
    problems = list(
        rules.check_bulletin(
            publish_on=draft.publish_on,
            expires_on=draft.expires_on,
            audience=draft.audience,
            known_levels=set(LevelOfCare.objects.values_list("code", flat=True)),
            known_regions=set(Region.objects.values_list("code", flat=True)),
        )
    )
    for upload in attachments:
        problem = rules.check_attachment(upload.name or "", upload.size or 0)
        if problem is not None:
            problems.append(problem)
    _refuse(problems)


def _write_bulletin(
    bulletin: Bulletin,
    draft: BulletinDraft,
    attachments: Sequence[UploadedFile],
    acting_user: Any,
    reason: str,
) -> Bulletin:
    bulletin.kind, bulletin.title, bulletin.body = draft.kind, draft.title.strip(), draft.body
    bulletin.audience_all = draft.audience.everyone
    bulletin.audience_levels = sorted(draft.audience.levels)
    bulletin.audience_regions = sorted(draft.audience.regions)
    bulletin.publish_on, bulletin.expires_on = draft.publish_on, draft.expires_on
    _save(bulletin, acting_user, reason)
    # Files are written last, after every check passed, so a refusal leaves no stray file behind.
    for upload in attachments:
        attachment = BulletinAttachment(
            bulletin=bulletin,
            name=(upload.name or "attachment")[:200],
            size=upload.size or 0,
            uploaded_by=acting_user,
        )
        attachment.file.save(upload.name or "attachment", upload, save=False)
        _save(attachment, acting_user, "attachment added")
    return bulletin


@transaction.atomic
def bulletin_publish(
    *, acting_user: Any, draft: BulletinDraft, attachments: Sequence[UploadedFile] = ()
) -> Bulletin:
    """Publish a bulletin to its audience from its publication date through its expiry date."""
    _require(acting_user, "relations.publish_bulletins")
    _check_draft(draft, attachments)
    bulletin = Bulletin(published_by=acting_user)
    return _write_bulletin(bulletin, draft, attachments, acting_user, "bulletin published")


@transaction.atomic
def bulletin_update(
    *,
    acting_user: Any,
    bulletin: Bulletin,
    draft: BulletinDraft,
    attachments: Sequence[UploadedFile] = (),
) -> Bulletin:
    """Correct a bulletin (or end it early by moving its expiry date); history keeps every version."""
    _require(acting_user, "relations.publish_bulletins")
    _check_draft(draft, attachments)
    locked = Bulletin.objects.select_for_update().get(pk=bulletin.pk)
    return _write_bulletin(locked, draft, attachments, acting_user, "bulletin updated")


@transaction.atomic
def bulletin_mark_read(*, acting_user: Any, bulletin: Bulletin) -> BulletinRead:
    """Mark a bulletin addressed to the user's organization read (once; again changes nothing)."""
    _require(acting_user, "relations.read_bulletins")
    access_bulletin(user=acting_user, pk=bulletin.pk, today=timezone.localdate())
    receipt, _ = BulletinRead.objects.get_or_create(
        bulletin=bulletin, user=acting_user, defaults={"read_at": timezone.now()}
    )
    return receipt


# --- bed availability -----------------------------------------------------------------------------


@dataclass(frozen=True)
class BedLineInput:
    level_of_care: LevelOfCare
    unit: str
    gender: str
    open_beds: int
    staffed_beds: int | None = None


@transaction.atomic
def bed_report_submit(
    *,
    acting_user: Any,
    site: Site,
    lines: Sequence[BedLineInput],
    reported_at: dt.datetime | None = None,
    note: str = "",
) -> BedReport:
    """Record a site's open beds now. Only the site's own staff report it, only for 24-hour levels of
    care the site offers, for units its ages allow, with no negative counts."""
    _require(acting_user, "relations.report_beds")
    if site.provider_id not in own_provider_ids(user=acting_user):
        raise PermissionDenied(NOT_YOUR_SITE)
    now = timezone.now()
    reported_at = reported_at or now
    offered = offered_bed_levels(site=site, on=timezone.localtime(reported_at).date())
    checked = [
        rules.BedLine(
            line.level_of_care.code,
            line.level_of_care.name,
            line.unit,
            line.gender,
            line.open_beds,
            line.staffed_beds,
        )
        for line in lines
    ]
    _refuse(rules.check_bed_report(checked, offered, reported_at=reported_at, now=now))
    report = BedReport(site=site, reported_at=reported_at, reported_by=acting_user, note=note)
    _save(report, acting_user, "beds reported")
    for line in lines:
        row = BedReportLine(
            report=report,
            level_of_care=line.level_of_care,
            unit=line.unit,
            gender=line.gender,
            open_beds=line.open_beds,
            staffed_beds=line.staffed_beds,
        )
        _save(row, acting_user, "beds reported")
    return report
