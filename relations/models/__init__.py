"""Member and provider relations: the service line, grievances, referrals, bulletins, bed availability."""

from relations.models.beds import BedReport, BedReportLine
from relations.models.bulletins import Bulletin, BulletinAttachment, BulletinRead
from relations.models.contacts import Contact, Referral, ReferralSite
from relations.models.grievances import Grievance, GrievanceNotice
from relations.models.reference import ContactCategory, GrievanceCategory, Holiday, ServiceClock

__all__ = [
    "BedReport",
    "BedReportLine",
    "Bulletin",
    "BulletinAttachment",
    "BulletinRead",
    "Contact",
    "ContactCategory",
    "Grievance",
    "GrievanceCategory",
    "GrievanceNotice",
    "Holiday",
    "Referral",
    "ReferralSite",
    "ServiceClock",
]
