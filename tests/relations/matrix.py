"""Permission matrix entries for member and provider relations.

Who does what: the service line (contacts, grievances, referrals) is worked by member-services
representatives, care managers and clinical supervisors; ICMs read members' contacts and give
referrals; reports go to supervisors and member services; provider relations (network_ops) publishes
bulletins; provider staff read their organization's bulletins and report their own sites' beds; care
managers, ICMs and supervisors read the bed board. Provider-scoped objects answer 404 to everyone
who may not see them (organization B's bed site and bulletin included).
"""

from __future__ import annotations

import datetime as dt

from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from providers.models import LevelOfCare, ServiceOffering, Site
from relations.models import (
    Bulletin,
    BulletinAttachment,
    Contact,
    ContactCategory,
    Grievance,
    GrievanceCategory,
    ServiceClock,
)
from tests.matrix import Entry, World, world_builder

SERVICE_LINE = ("care_manager", "clinical_supervisor", "member_services")
READ_CONTACTS = (*SERVICE_LINE, "icm")
REFERRALS = READ_CONTACTS
REPORTS = ("clinical_supervisor", "member_services")
PROVIDERS = ("provider_staff", "provider_admin")
BED_BOARD = ("care_manager", "icm", "clinical_supervisor")


def _ok(roles: tuple[str, ...], status: int = 200) -> dict[str, int]:
    return dict.fromkeys(roles, status)


def _bed_site(world: World, provider, town_site: Site, number: str) -> Site:  # type: ignore[no-untyped-def]
    site = Site.objects.create(
        provider=provider,
        site_number=number,
        name=f"{provider.name} inpatient unit",
        street="10 Hospital Rd",
        town=town_site.town,
        region=town_site.region,
        zip_code=town_site.zip_code,
        languages=["en", "es"],
    )
    ServiceOffering.objects.create(
        site=site,
        level_of_care=LevelOfCare.objects.get(code="IP_PSY"),
        min_age=13,
        max_age=120,
        effective_from=dt.date(2015, 1, 1),
    )
    return site


@world_builder
def relations_world(world: World) -> None:
    """Inpatient units of A and B, a contact and a grievance about a member, a bulletin to everyone
    and one only to organization B's region, each with an attachment. Plain ORM writes: the matrix
    builds this world for every case, and the services are tested on their own."""
    staff = world.users["member_services"]
    now = timezone.now()
    today = timezone.localdate()
    world.extra["bed_site_a"] = _bed_site(world, world.provider_a, world.site_a, "IP1")
    world.extra["bed_site_b"] = _bed_site(world, world.provider_b, world.site_b, "IP1")
    world.extra["contact_a"] = Contact.objects.create(
        received_at=now,
        caller_type="member",
        category=ContactCategory.objects.get(code="GRIEVANCE"),
        outcome="grievance_filed",
        member=world.member_child,
        notes="Waited three weeks for a call back.",
        taken_by=staff,
    )
    world.extra["grievance_a"] = Grievance.objects.create(
        member=world.member_child,
        category=GrievanceCategory.objects.get(code="ACCESS"),
        contact=world.contact_a,
        received_at=now,
        received_by=staff,
        filed_by="member",
        description="Waited three weeks for a call back.",
        acknowledge_by=today + dt.timedelta(days=7),
        resolve_by=today + dt.timedelta(days=90),
        ack_clock=ServiceClock.objects.get(code="GRIEVANCE_ACKNOWLEDGMENT"),
        resolution_clock=ServiceClock.objects.get(code="GRIEVANCE_RESOLUTION"),
        assigned_to=staff,
    )
    for key, regions in (("bulletin_all", []), ("bulletin_b", [world.site_b.region.code])):
        bulletin = Bulletin.objects.create(
            title=f"Notice {key}",
            body="Text.",
            audience_all=not regions,
            audience_regions=regions,
            publish_on=today - dt.timedelta(days=1),
            published_by=world.users["network_ops"],
        )
        attachment = BulletinAttachment(bulletin=bulletin, name=f"{key}.pdf", size=13)
        attachment.file.save(f"{key}.pdf", ContentFile(b"%PDF-1.4 test"), save=True)
        world.extra[key], world.extra[f"{key}_file"] = bulletin, attachment


def _referral_data(w: World) -> dict[str, object]:
    return {
        "level_of_care": LevelOfCare.objects.get(code="IP_PSY").pk,
        "sites": [w.bed_site_a.pk],
    }


ENTRIES = {
    "relations:contact_list": Entry(
        url=lambda w: reverse("relations:contact_list"),
        expect=_ok(READ_CONTACTS),
        member_data=True,
    ),
    "relations:contact_create": Entry(
        url=lambda w: reverse("relations:contact_create"), expect=_ok(SERVICE_LINE)
    ),
    "relations:contact_find_member": Entry(
        url=lambda w: reverse("relations:contact_find_member"),
        method="post",
        data=lambda w: {"medicaid_id": w.member_child.medicaid_id},
        expect=_ok(READ_CONTACTS, 302),
    ),
    "relations:contact_detail": Entry(
        url=lambda w: reverse("relations:contact_detail", args=[w.contact_a.pk]),
        expect=_ok(READ_CONTACTS),
        member_data=True,
    ),
    "relations:contact_report": Entry(
        url=lambda w: reverse("relations:contact_report"), expect=_ok(REPORTS)
    ),
    "relations:member_contacts": Entry(
        url=lambda w: reverse("relations:member_contacts", args=[w.member_child.pk]),
        expect=_ok(READ_CONTACTS),
        member_data=True,
    ),
    "relations:grievance_queue": Entry(
        url=lambda w: reverse("relations:grievance_queue"),
        expect=_ok(SERVICE_LINE),
        member_data=True,
    ),
    "relations:grievance_create": Entry(
        url=lambda w: reverse("relations:grievance_create"), expect=_ok(SERVICE_LINE)
    ),
    "relations:grievance_report": Entry(
        url=lambda w: reverse("relations:grievance_report"), expect=_ok(REPORTS)
    ),
    "relations:grievance_detail": Entry(
        url=lambda w: reverse("relations:grievance_detail", args=[w.grievance_a.pk]),
        expect=_ok(SERVICE_LINE),
        member_data=True,
    ),
    "relations:grievance_acknowledge": Entry(
        url=lambda w: reverse("relations:grievance_acknowledge", args=[w.grievance_a.pk]),
        method="post",
        expect=_ok(SERVICE_LINE, 302),
    ),
    "relations:grievance_resolve": Entry(
        url=lambda w: reverse("relations:grievance_resolve", args=[w.grievance_a.pk]),
        method="post",
        data=lambda w: {
            "outcome": "substantiated",
            "resolution": "We called the clinic; an intake is booked.",
            "notice_language": "en",
        },
        expect=_ok(SERVICE_LINE, 302),
    ),
    "relations:referral_search": Entry(
        url=lambda w: reverse("relations:referral_search"), expect=_ok(REFERRALS)
    ),
    "relations:referral_record": Entry(
        url=lambda w: reverse("relations:referral_record"),
        method="post",
        data=_referral_data,
        expect=_ok(REFERRALS, 302),
    ),
    "relations:bulletin_list": Entry(
        url=lambda w: reverse("relations:bulletin_list"), expect=_ok(PROVIDERS)
    ),
    "relations:bulletin_manage": Entry(
        url=lambda w: reverse("relations:bulletin_manage"), expect=_ok(("network_ops",))
    ),
    "relations:bulletin_create": Entry(
        url=lambda w: reverse("relations:bulletin_create"), expect=_ok(("network_ops",))
    ),
    "relations:bulletin_detail": Entry(
        url=lambda w: reverse("relations:bulletin_detail", args=[w.bulletin_all.pk]),
        other_url=lambda w: reverse("relations:bulletin_detail", args=[w.bulletin_b.pk]),
        expect=_ok((*PROVIDERS, "network_ops")),
        default=404,
    ),
    "relations:bulletin_edit": Entry(
        url=lambda w: reverse("relations:bulletin_edit", args=[w.bulletin_all.pk]),
        expect=_ok(("network_ops",)),
    ),
    "relations:bulletin_read": Entry(
        url=lambda w: reverse("relations:bulletin_read", args=[w.bulletin_all.pk]),
        other_url=lambda w: reverse("relations:bulletin_read", args=[w.bulletin_b.pk]),
        method="post",
        expect=_ok(PROVIDERS, 302),
        default=404,
    ),
    "relations:bulletin_attachment": Entry(
        url=lambda w: reverse("relations:bulletin_attachment", args=[w.bulletin_all_file.pk]),
        other_url=lambda w: reverse("relations:bulletin_attachment", args=[w.bulletin_b_file.pk]),
        expect=_ok((*PROVIDERS, "network_ops")),
        default=404,
    ),
    "relations:bed_board": Entry(
        url=lambda w: reverse("relations:bed_board"), expect=_ok(BED_BOARD)
    ),
    "relations:bed_sites": Entry(
        url=lambda w: reverse("relations:bed_sites"), expect=_ok(PROVIDERS)
    ),
    "relations:bed_report": Entry(
        url=lambda w: reverse("relations:bed_report", args=[w.bed_site_a.pk]),
        other_url=lambda w: reverse("relations:bed_report", args=[w.bed_site_b.pk]),
        expect=_ok(PROVIDERS),
        default=404,
    ),
}
