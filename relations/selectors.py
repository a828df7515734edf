"""Reads of member and provider relations, always scoped to the user: the one door for each record.

- the contact log, members' contacts, grievances and referrals: ASO service staff holding the
  capability (member services, care managers, clinical supervisors); nobody else, ever;
- bulletins: publishers (provider relations) see all; provider staff see the current ones addressed to
  an organization they work for; everybody else none;
- bed reports: provider staff report for their own organizations' 24-hour sites only; care managers
  read the board of every site.

Single records go through `access_*`, which answers 404 for missing and forbidden alike.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Case, Count, Exists, F, OuterRef, Q, QuerySet, When
from django.db.models.functions import TruncMonth
from django.http import Http404
from django.shortcuts import get_object_or_404

from members.models import Member
from providers.choices import ProviderStatus
from providers.models import LevelOfCare, Region, ServiceOffering, Site, Town
from providers.selectors import own_provider_ids
from relations import rules
from relations.choices import GrievanceStatus
from relations.models import (
    BedReport,
    BedReportLine,
    Bulletin,
    BulletinAttachment,
    BulletinRead,
    Contact,
    ContactCategory,
    Grievance,
    Holiday,
    Referral,
    ServiceClock,
)

CARE_MANAGER_ROLES = ("care_manager", "icm", "clinical_supervisor")
SERVICE_PERMS = (
    "relations.view_contacts",
    "relations.log_contact",
    "relations.manage_grievances",
    "relations.give_referrals",
)


def _can(user: Any, perm: str) -> bool:
    return bool(user.is_authenticated and user.has_perm(perm))


# --- reference data -------------------------------------------------------------------------------


def clock_in_force(*, code: str, on: dt.date) -> ServiceClock:
    """The clock row with this code in force on a date; a missing row is a reference-data error."""
    row = (
        ServiceClock.objects.filter(code=code, effective_from__lte=on)
        .filter(Q(effective_to__isnull=True) | Q(effective_to__gte=on))
        .first()
    )
    if row is None:
        raise LookupError(f"No {code} clock is in force on {on}: load the reference data.")
    return row


def as_clock(row: ServiceClock) -> rules.Clock:
    return rules.Clock(id=row.pk, code=row.code, amount=row.amount, unit=row.unit)


def holidays_between(*, calendar: str, start: dt.date, end: dt.date) -> frozenset[dt.date]:
    """The closed days of a calendar between two dates (inclusive)."""
    days = Holiday.objects.filter(calendar=calendar, date__range=(start, end))
    return frozenset(days.values_list("date", flat=True))


def calendar_covers(*, calendar: str, year: int) -> bool:
    """Whether the holiday calendar lists the closed days of a year."""
    return Holiday.objects.filter(calendar=calendar, date__year=year).exists()


def stale_after(*, on: dt.date) -> dt.timedelta:
    """How old a bed report may be before the board flags its site (a dated clock row)."""
    return rules.clock_duration(as_clock(clock_in_force(code="BED_REPORT_STALE", on=on)))


# --- members and contacts -------------------------------------------------------------------------


def can_serve_members(*, user: Any) -> bool:
    """Whether the user works the service line in any way (and may therefore look a member up)."""
    return any(_can(user, perm) for perm in SERVICE_PERMS)


def member_by_medicaid_id(*, user: Any, medicaid_id: str) -> Member | None:
    """The member with this Medicaid id, for service staff only (None when unknown or not allowed)."""
    if not can_serve_members(user=user):
        return None
    return Member.objects.filter(medicaid_id=medicaid_id.strip().upper()).first()


def access_service_member(*, user: Any, pk: int) -> Member:
    """A member whose contacts the user may read (service staff and care managers), or 404."""
    if not _can(user, "relations.view_contacts"):
        raise Http404("No such member.")
    return get_object_or_404(Member.objects.select_related("town", "region"), pk=pk)


def care_managers() -> QuerySet[Any]:
    """Who can take a warm transfer: active care managers, ICMs and clinical supervisors."""
    users = get_user_model().objects.filter(is_active=True, groups__name__in=CARE_MANAGER_ROLES)
    return users.distinct().order_by("last_name", "first_name", "username")


def is_care_manager(user: Any) -> bool:
    return bool(user is not None and user.is_active and user.has_role(*CARE_MANAGER_ROLES))


def contacts_visible_to(*, user: Any) -> QuerySet[Contact]:
    """Every contact for service staff and care managers; none for anybody else."""
    contacts = Contact.objects.select_related("category", "member", "taken_by", "warm_transfer_to")
    if not _can(user, "relations.view_contacts"):
        return contacts.none()
    return contacts


@dataclass(frozen=True)
class ContactFilters:
    """Search of the contact log. No member identifiers here: they would travel in the URL."""

    date_from: dt.date | None = None
    date_to: dt.date | None = None
    category: ContactCategory | None = None
    caller_type: str = ""
    channel: str = ""
    outcome: str = ""
    mine: bool = False


def contact_search(*, user: Any, filters: ContactFilters) -> QuerySet[Contact]:
    """The contact log filtered by date (local days), category, caller, channel, outcome, taker."""
    contacts = contacts_visible_to(user=user)
    if filters.date_from:
        contacts = contacts.filter(received_at__date__gte=filters.date_from)
    if filters.date_to:
        contacts = contacts.filter(received_at__date__lte=filters.date_to)
    if filters.category:
        contacts = contacts.filter(category=filters.category)
    for name in ("caller_type", "channel", "outcome"):
        if value := getattr(filters, name):
            contacts = contacts.filter(**{name: value})
    if filters.mine:
        contacts = contacts.filter(taken_by=user)
    return contacts


def access_contact(*, user: Any, pk: int) -> Contact:
    """The contact, or 404 whether it is missing or not the user's to see."""
    return get_object_or_404(
        contacts_visible_to(user=user).select_related("provider", "member__town"), pk=pk
    )


@dataclass
class MemberServiceHistory:
    contacts: list[Contact]
    grievances: list[Grievance]
    referrals: list[Referral]


def member_service_history(*, user: Any, member: Member, limit: int = 100) -> MemberServiceHistory:
    """A member's contacts, grievances and referrals, newest first (three queries plus one for the
    referred sites)."""
    contacts = list(contacts_visible_to(user=user).filter(member=member)[:limit])
    grievances = list(grievances_visible_to(user=user).filter(member=member)[:limit])
    referrals = list(
        referrals_visible_to(user=user)
        .filter(member=member)
        .prefetch_related("given_sites__site__provider")[:limit]
    )
    return MemberServiceHistory(contacts, grievances, referrals)


@dataclass
class VolumeTable:
    """Contacts by category (rows) and month (columns), with totals."""

    months: list[dt.date]
    rows: list[tuple[str, list[int], int]]
    month_totals: list[int]
    total: int


def month_starts(first: dt.date, count: int) -> list[dt.date]:
    months, day = [], first.replace(day=1)
    for _ in range(count):
        months.append(day)
        day = (day + dt.timedelta(days=32)).replace(day=1)
    return months


def contact_volumes(*, user: Any, first_month: dt.date, months: int) -> VolumeTable:
    """How many contacts of each category were received in each month (America/New_York)."""
    columns = month_starts(first_month, months)
    if not _can(user, "relations.view_service_reports"):
        return VolumeTable(columns, [], [0] * len(columns), 0)
    end = (columns[-1] + dt.timedelta(days=32)).replace(day=1)
    counts = (
        Contact.objects.filter(received_at__date__gte=columns[0], received_at__date__lt=end)
        .annotate(month=TruncMonth("received_at"))
        .values("category_id", "month")
        .annotate(n=Count("pk"))
    )
    by_cell = {(c["category_id"], c["month"].date()): c["n"] for c in counts}
    rows = []
    for category in ContactCategory.objects.all():
        cells = [by_cell.get((category.pk, m), 0) for m in columns]
        if category.active or any(cells):
            rows.append((category.label, cells, sum(cells)))
    month_totals = [sum(row[1][i] for row in rows) for i in range(len(columns))]
    return VolumeTable(columns, rows, month_totals, sum(month_totals))


# --- grievances -----------------------------------------------------------------------------------


def grievances_visible_to(*, user: Any) -> QuerySet[Grievance]:
    """Every grievance for those who work grievances or read members' contacts; none otherwise."""
    grievances = Grievance.objects.select_related("member", "category", "assigned_to")
    if _can(user, "relations.manage_grievances") or _can(user, "relations.view_contacts"):
        return grievances
    return grievances.none()


def grievance_queue(*, user: Any, assignee: str = "") -> QuerySet[Grievance]:
    """Open grievances, the nearest deadline first: the acknowledgment until it is sent, then the
    resolution. `assignee` is "" (all), "mine" or "unassigned"."""
    if not _can(user, "relations.manage_grievances"):
        return Grievance.objects.none()
    queue = (
        grievances_visible_to(user=user)
        .exclude(status=GrievanceStatus.RESOLVED)
        .annotate(
            next_due=Case(
                When(status=GrievanceStatus.RECEIVED, then=F("acknowledge_by")),
                default=F("resolve_by"),
            )
        )
        .order_by("next_due", "received_at", "pk")
    )
    if assignee == "mine":
        queue = queue.filter(assigned_to=user)
    elif assignee == "unassigned":
        queue = queue.filter(assigned_to__isnull=True)
    return queue


def access_grievance(*, user: Any, pk: int) -> Grievance:
    """The grievance for those who work grievances, or 404."""
    if not _can(user, "relations.manage_grievances"):
        raise Http404("No such grievance.")
    grievances = grievances_visible_to(user=user).select_related(
        "about_provider", "contact", "received_by", "acknowledged_by", "resolved_by"
    )
    return get_object_or_404(grievances.prefetch_related("notices"), pk=pk)


# --- referrals ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReferralCriteria:
    level_of_care: LevelOfCare
    town: Town | None = None
    region: Region | None = None
    age: int | None = None
    language: str = ""


def referrals_visible_to(*, user: Any) -> QuerySet[Referral]:
    referrals = Referral.objects.select_related("level_of_care", "given_by")
    if _can(user, "relations.give_referrals") or _can(user, "relations.view_contacts"):
        return referrals
    return referrals.none()


def offerings_in_force(*, on: dt.date) -> QuerySet[ServiceOffering]:
    """Offerings contracted on a date at an active site of an active, not terminated provider."""
    return ServiceOffering.objects.filter(
        Q(effective_to__isnull=True) | Q(effective_to__gte=on),
        effective_from__lte=on,
        site__active=True,
        site__provider__status=ProviderStatus.ACTIVE,
    ).filter(
        Q(site__provider__termination_date__isnull=True)
        | Q(site__provider__termination_date__gt=on)
    )


def referral_search(
    *, user: Any, criteria: ReferralCriteria, today: dt.date
) -> QuerySet[ServiceOffering]:
    """In-network sites offering the level of care today, in the town (or else the region), for the
    member's age, with staff who speak the language: those in the caller's town first, then by name."""
    if not _can(user, "relations.give_referrals"):
        return ServiceOffering.objects.none()
    offerings = offerings_in_force(on=today).filter(level_of_care=criteria.level_of_care)
    if criteria.town is not None:
        offerings = offerings.filter(site__town=criteria.town)
    elif criteria.region is not None:
        offerings = offerings.filter(site__region=criteria.region)
    if criteria.age is not None:
        offerings = offerings.filter(min_age__lte=criteria.age, max_age__gte=criteria.age)
    if criteria.language:
        # Site.languages is a JSON list of codes. "contains" on a JSON list is PostgreSQL-only; the
        # quoted code matched in the list's text works on every backend and cannot match a prefix.
        offerings = offerings.filter(site__languages__icontains=f'"{criteria.language}"')
    return offerings.select_related(
        "site__provider", "site__town", "site__region", "level_of_care"
    ).order_by("site__provider__name", "site__site_number", "pk")


# --- bulletins ------------------------------------------------------------------------------------


def site_profiles(*, provider_ids: list[int], today: dt.date) -> list[rules.SiteProfile]:
    """Each active site of these providers with its region and the levels it offers today."""
    sites = Site.objects.filter(provider_id__in=provider_ids, active=True)
    regions = dict(sites.values_list("pk", "region__code"))
    levels: dict[int, set[str]] = defaultdict(set)
    offered = offerings_in_force(on=today).filter(site_id__in=list(regions))
    for site_id, code in offered.values_list("site_id", "level_of_care__code"):
        levels[site_id].add(code)
    return [rules.SiteProfile(region, frozenset(levels[pk])) for pk, region in regions.items()]


def _audience(bulletin: Bulletin) -> rules.Audience:
    return rules.Audience(
        everyone=bulletin.audience_all,
        levels=frozenset(bulletin.audience_levels),
        regions=frozenset(bulletin.audience_regions),
    )


def bulletins_addressed_to(*, user: Any, today: dt.date) -> list[Bulletin]:
    """The current bulletins addressed to an organization the user works for, newest first, each
    with `is_read` for this user. Audiences are matched by the pure rule (bulletins in force are
    few; the rule stays the one place that decides)."""
    if not _can(user, "relations.read_bulletins"):
        return []
    provider_ids = own_provider_ids(user=user)
    if not provider_ids:
        return []
    profiles = site_profiles(provider_ids=provider_ids, today=today)
    current = (
        Bulletin.objects.filter(publish_on__lte=today)
        .filter(Q(expires_on__isnull=True) | Q(expires_on__gte=today))
        .annotate(is_read=Exists(BulletinRead.objects.filter(bulletin=OuterRef("pk"), user=user)))
        .annotate(attachment_count=Count("attachments"))
        .order_by("-publish_on", "-pk")
    )
    return [b for b in current if rules.bulletin_reaches(_audience(b), profiles)]


def unread_bulletin_count(*, user: Any, today: dt.date) -> int:
    """How many current bulletins addressed to the user's organization it has not marked read."""
    bulletins = bulletins_addressed_to(user=user, today=today)
    return sum(0 if getattr(b, "is_read", False) else 1 for b in bulletins)


def bulletins_published(*, user: Any) -> QuerySet[Bulletin]:
    """Every bulletin ever published, newest first, with its read count: the publication history."""
    if not _can(user, "relations.publish_bulletins"):
        return Bulletin.objects.none()
    return (
        Bulletin.objects.select_related("published_by")
        .annotate(read_count=Count("reads", distinct=True))
        .annotate(attachment_count=Count("attachments", distinct=True))
        .order_by("-publish_on", "-pk")
    )


def access_bulletin(*, user: Any, pk: int, today: dt.date) -> Bulletin:
    """A bulletin for its publishers, or for a provider it is currently addressed to; else 404."""
    if _can(user, "relations.publish_bulletins"):
        return get_object_or_404(Bulletin.objects.select_related("published_by"), pk=pk)
    for bulletin in bulletins_addressed_to(user=user, today=today):
        if bulletin.pk == pk:
            return bulletin
    raise Http404("No such bulletin.")


def access_attachment(*, user: Any, pk: int, today: dt.date) -> BulletinAttachment:
    """An attachment of a bulletin the user may read, or 404."""
    attachment = get_object_or_404(BulletinAttachment, pk=pk)
    access_bulletin(user=user, pk=attachment.bulletin_id, today=today)
    return attachment


# --- bed availability -----------------------------------------------------------------------------


def bed_offerings(*, on: dt.date) -> QuerySet[ServiceOffering]:
    """Offerings of 24-hour levels of care (inpatient and residential beds) in force on a date."""
    return offerings_in_force(on=on).filter(level_of_care__twenty_four_hour=True)


def bed_sites_for(*, user: Any, today: dt.date) -> QuerySet[Site]:
    """The user's own organizations' sites that have beds to report, with their latest report time."""
    if not _can(user, "relations.report_beds"):
        return Site.objects.none()
    site_ids = bed_offerings(on=today).values("site_id")
    latest = BedReport.objects.filter(site=OuterRef("pk")).order_by("-reported_at")
    return (
        Site.objects.filter(provider_id__in=own_provider_ids(user=user), pk__in=site_ids)
        .select_related("provider", "town")
        .annotate(last_reported_at=latest.values("reported_at")[:1])
        .order_by("provider__name", "site_number")
    )


def access_bed_site(*, user: Any, pk: int, today: dt.date) -> Site:
    """One of the user's own 24-hour sites, or 404 (another organization's site included)."""
    return get_object_or_404(bed_sites_for(user=user, today=today), pk=pk)


def offered_bed_levels(*, site: Site, on: dt.date) -> dict[str, rules.OfferedLevel]:
    """The 24-hour levels a site offers on a date, with the widest age range offered for each."""
    offered: dict[str, rules.OfferedLevel] = {}
    for offer in bed_offerings(on=on).filter(site=site).select_related("level_of_care"):
        level = offer.level_of_care
        known = offered.get(level.code)
        low = min(offer.min_age, known.min_age) if known else offer.min_age
        high = max(offer.max_age, known.max_age) if known else offer.max_age
        offered[level.code] = rules.OfferedLevel(level.code, level.name, low, high)
    return offered


def recent_bed_reports(*, site: Site, limit: int = 10) -> list[BedReport]:
    reports = BedReport.objects.filter(site=site).select_related("reported_by")
    return list(reports.prefetch_related("lines__level_of_care")[:limit])


@dataclass
class BoardRow:
    site: Site
    levels: list[str]
    reported_at: dt.datetime | None
    lines: list[BedReportLine] = field(default_factory=list)
    age: str = ""
    stale: bool = True

    @property
    def open_beds(self) -> int:
        return sum(line.open_beds for line in self.lines)


@dataclass(frozen=True)
class BoardFilters:
    region: Region | None = None
    level_of_care: LevelOfCare | None = None
    unit: str = ""
    open_only: bool = False


def bed_board(*, user: Any, now: dt.datetime, filters: BoardFilters) -> list[BoardRow]:
    """Every inpatient and residential site with its latest bed figures, how old they are, and a flag
    when it has not reported within the stale clock (never reported counts as stale). Stale sites come
    first so someone calls them; then by region and name. A fixed number of queries."""
    if not _can(user, "relations.view_bed_board"):
        return []
    today = now.date()
    offerings = bed_offerings(on=today)
    if filters.level_of_care is not None:
        offerings = offerings.filter(level_of_care=filters.level_of_care)
    levels_by_site: dict[int, set[str]] = defaultdict(set)
    for site_id, code in offerings.values_list("site_id", "level_of_care__code"):
        levels_by_site[site_id].add(code)
    latest = BedReport.objects.filter(site=OuterRef("pk")).order_by("-reported_at", "-pk")
    sites = Site.objects.filter(pk__in=list(levels_by_site)).select_related(
        "provider", "town", "region"
    )
    if filters.region is not None:
        sites = sites.filter(region=filters.region)
    sites = sites.annotate(
        latest_report_id=latest.values("pk")[:1], latest_at=latest.values("reported_at")[:1]
    )
    site_list = list(sites)
    report_ids = [s.latest_report_id for s in site_list if s.latest_report_id]
    lines = BedReportLine.objects.filter(report_id__in=report_ids).select_related("level_of_care")
    if filters.level_of_care is not None:
        lines = lines.filter(level_of_care=filters.level_of_care)
    if filters.unit:
        lines = lines.filter(unit=filters.unit)
    lines_by_report: dict[int, list[BedReportLine]] = defaultdict(list)
    for line in lines:
        lines_by_report[line.report_id].append(line)
    threshold = stale_after(on=today)
    rows = []
    for site in site_list:
        site_lines = lines_by_report.get(site.latest_report_id, [])
        row = BoardRow(
            site=site,
            levels=sorted(levels_by_site[site.pk]),
            reported_at=site.latest_at,
            lines=site_lines,
            age=rules.describe_age(now - site.latest_at) if site.latest_at else "never reported",
            stale=rules.bed_report_is_stale(site.latest_at, now, threshold),
        )
        if filters.open_only and row.open_beds == 0:
            continue
        rows.append(row)
    rows.sort(key=lambda r: (not r.stale, r.site.region.code, r.site.provider.name, r.site.name))
    return rows
