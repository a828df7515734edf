"""Oversight exports: build one agency's workbook for one period into a file, log it, or leave nothing.

`oversight_export_run` is the one writer; the web job and the management command both call it.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from aso.core.audit import access_log_record
from aso.core.choices import AccessAction
from members.models import Member
from oversight.catalog import WorkbookSpec, workbook_for
from oversight.choices import ExportFormat
from oversight.exports import write_csv_zip, write_xlsx
from oversight.models import Consent
from oversight.rules import SUPPRESS_MAX, agency_scope, requested_agency
from oversight.selectors import DISCLOSABLE, ExportContext
from oversight.sheets import Listing, Sheet, detail_queryset, withheld_count
from par.rules import ReportingPeriod

logger = logging.getLogger(__name__)

BAD_FORMAT = "Unknown file format {fmt!r}: use xlsx or csv."
NOTICE_MISSING = "Substance-use rows were written without the redisclosure notice; export stopped."

REDISCLOSURE_NOTICE = (
    "This record which has been disclosed to you is protected by federal confidentiality rules "
    "(42 CFR part 2). These rules prohibit you from using or disclosing this record, or testimony "
    "that describes the information contained in this record, in any civil, criminal, "
    "administrative, or legislative proceedings by any Federal, State, or local authority, against "
    "the patient, unless authorized by the consent of the patient, except as provided at 42 CFR "
    "2.12(c)(5) or as authorized by a court in accordance with 42 CFR 2.64 or 2.65. In addition, "
    "the Federal rules prohibit you from making any other use or disclosure of this record unless "
    "at least one of the following applies: (i) Further use or disclosure is expressly permitted by "
    "the written consent of the individual whose information is being disclosed in this record or "
    "as otherwise permitted by 42 CFR part 2. (ii) You are a covered entity or business associate "
    "and have received the record for treatment, payment, or health care operations, or (iii) You "
    "have received the record from a covered entity or business associate as permitted by 45 CFR "
    "part 164, subparts A and E. A general authorization for the release of medical or other "
    "information is NOT sufficient to meet the required elements of written consent to further use "
    "or redisclose the record (see 42 CFR 2.31)."
)
REDISCLOSURE_LABEL = "42 CFR Part 2 redisclosure notice"


@dataclass(frozen=True)
class ExportResult:
    path: Path
    rows: dict[str, int]
    members: int
    sud_members_disclosed: int
    sud_rows_withheld: int
    suppressed: bool
    notices: list[str] = field(default_factory=list)


def export_agency(*, user: Any, asked: str | None) -> str:
    """The agency `user` may export for: its own; an administrator names one. Refused otherwise."""
    is_admin = bool(user is not None and user.has_role("admin"))
    own = getattr(user, "agency", "") or ""
    return requested_agency(own=own, asked=asked, is_admin=is_admin)


def export_file_name(spec: WorkbookSpec, agency: str, label: str, fmt: str) -> str:
    safe = "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in label)
    return f"oversight_{agency}_{spec.code}_{safe}.{'xlsx' if fmt == ExportFormat.XLSX else 'zip'}"


def _definitions(
    spec: WorkbookSpec, ctx: ExportContext, *, withheld: int, carries_sud: bool
) -> list[list[str]]:
    p = ctx.period
    rows = [
        ["Item", "Meaning", "Sheet"],
        ["Workbook", spec.title, ""],
        ["Agency", ctx.agency, ""],
        ["Population", ctx.scope.description, ""],
        ["Period", f"{p.label}: {p.start:%Y-%m-%d} to {p.end:%Y-%m-%d} (both included)", ""],
        ["Data as of", f"{timezone.localtime(ctx.at):%Y-%m-%d %H:%M %Z}", ""],
        [
            "Small-cell suppression",
            f"applied: counts from 1 to {SUPPRESS_MAX} are shown as <11, and further cells are "
            "hidden so that no hidden count can be worked out from the totals"
            if ctx.suppress
            else "not applied: every count is shown",
            "",
        ],
    ]
    if spec.member_level:
        left_out = (
            f"{withheld} substance-use authorization(s) left out: no consent on file covers "
            f"{ctx.agency} on {ctx.on:%Y-%m-%d}. They are counted in the aggregate workbooks."
        )
        rows.append(["Substance-use records", left_out, ""])
    if carries_sud:
        rows.append([REDISCLOSURE_LABEL, REDISCLOSURE_NOTICE, ""])
    rows.append(["", "", ""])
    for sheet in spec.sheets:
        rows.append([sheet.name, sheet.description, sheet.name])
        rows += [[column, meaning, sheet.name] for column, meaning in sheet.columns]
    return rows


def oversight_export_run(
    *,
    acting_user: Any,
    agency: str,
    workbook: str,
    period: ReportingPeriod,
    directory: Path,
    suppress: bool | None = None,
    fmt: str = ExportFormat.XLSX,
    at: datetime | None = None,
    progress: Callable[[float, str], None] | None = None,
) -> ExportResult:
    """Write `workbook` for `agency` and `period` into `directory` and log the export.

    Suppression defaults to on for public workbooks. Substance-use rows of a member-level workbook are
    written only under a covering consent, with the redisclosure notice. The file appears under its
    final name only once complete: a failure leaves nothing behind and logs nothing.
    """
    if fmt not in ExportFormat.values:
        raise ValueError(BAD_FORMAT.format(fmt=fmt))
    scope = agency_scope(agency)
    spec = workbook_for(code=workbook, agency=agency)
    ctx = ExportContext(
        agency=agency,
        scope=scope,
        period=period,
        at=at or timezone.now(),
        suppress=spec.public if suppress is None else suppress,
    )
    report = progress or (lambda pct, msg: None)
    withheld = withheld_count(ctx) if spec.member_level else 0
    carries_sud = spec.member_level and (
        detail_queryset(ctx).filter(DISCLOSABLE, level_of_care__substance_use=True).exists()
    )
    definitions = _definitions(spec, ctx, withheld=withheld, carries_sud=carries_sud)
    built: list[tuple[str, Sheet]] = []
    for i, sheet in enumerate(spec.sheets):
        report(10 + 40 * i / len(spec.sheets), f"Counting: {sheet.name}")
        built.append((sheet.name, sheet.builder(ctx)))
    report(50, "Writing the file")
    for _, data in built:
        if isinstance(data, Listing):
            total = detail_queryset(ctx).filter(DISCLOSABLE).count()
            data.rows = _reporting(data.rows, total=total, report=report)
    directory.mkdir(parents=True, exist_ok=True)
    final = directory / export_file_name(spec, agency, period.label, fmt)
    partial = final.with_name(final.name + ".part")
    writer = write_xlsx if fmt == ExportFormat.XLSX else write_csv_zip
    try:
        rows = writer(partial, definitions=definitions, sheets=built, suppressed=ctx.suppress)
        listings = [data for _, data in built if isinstance(data, Listing)]
        members = set().union(*(listing.member_ids for listing in listings))
        sud_members = set().union(*(listing.disclosed_sud_members for listing in listings))
        if sud_members and not carries_sud:  # never disclose Part 2 rows without the notice
            raise RuntimeError(NOTICE_MISSING)
        with transaction.atomic():  # a file that cannot be put in place is not logged as exported
            _log_export(acting_user, spec, ctx, members, sud_members)
            os.replace(partial, final)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    report(100, "Done")
    return ExportResult(
        path=final,
        rows=rows,
        members=len(members),
        sud_members_disclosed=len(sud_members),
        sud_rows_withheld=withheld,
        suppressed=ctx.suppress,
        notices=[REDISCLOSURE_LABEL] if carries_sud else [],
    )


PROGRESS_EVERY = 5000


def _reporting(
    rows: Iterator[tuple[Any, ...]], *, total: int, report: Callable[[float, str], None]
) -> Iterator[tuple[Any, ...]]:
    """The rows unchanged, with a progress report every PROGRESS_EVERY rows (counts only, no PHI)."""
    for n, row in enumerate(rows, start=1):
        if n % PROGRESS_EVERY == 0:
            report(50 + 45 * n / max(total, n), f"Writing rows: {n:,} of {total:,}")
        yield row


def _log_export(
    user: Any, spec: WorkbookSpec, ctx: ExportContext, members: set[int], sud: set[int]
) -> None:
    """Who exported what, for which agency and period, naming every member of member-level rows; a
    second row names the members whose substance-use records were disclosed (42 CFR 2.24)."""
    purpose = f"{ctx.agency} {spec.code} workbook {ctx.period.label}"
    access_log_record(
        user=user,
        action=AccessAction.EXPORT,
        subject_model=Member,
        subject_ids=sorted(members),
        purpose=purpose,
    )
    if sud:
        access_log_record(
            user=user,
            action=AccessAction.DISCLOSE,
            subject_model=Member,
            subject_ids=sorted(sud),
            purpose=f"42 CFR Part 2 disclosure: {purpose}",
        )
    logger.info("oversight export %s by user %s: %d member(s)", purpose, user.pk, len(members))


ALREADY_REVOKED = "This consent was already revoked."


@transaction.atomic
def consent_record(
    *,
    acting_user: Any,
    member: Member,
    recipient: str,
    scope: str,
    effective: date,
    expires: date | None = None,
) -> Consent:
    """Record a member's written 42 CFR Part 2 consent to disclose to one agency (validated; the
    history row names the acting user)."""
    consent = Consent(
        member=member,
        recipient=recipient,
        scope=scope,
        effective=effective,
        expires=expires,
        created_by=acting_user,
    )
    consent.full_clean()
    consent._history_user = acting_user  # type: ignore[attr-defined]
    consent.save()
    return consent


@transaction.atomic
def consent_revoke(*, acting_user: Any, consent: Consent, at: datetime | None = None) -> Consent:
    """Revoke a consent from `at` (now by default): disclosures after it are refused. The consent
    row stays, its history records who revoked it."""
    locked = Consent.objects.select_for_update().get(pk=consent.pk)
    if locked.revoked_at is not None:
        raise ValueError(ALREADY_REVOKED)
    locked.revoked_at = at or timezone.now()
    locked._history_user = acting_user  # type: ignore[attr-defined]
    locked.save(update_fields=["revoked_at"])
    return locked


SCHEDULED_EXPORT_USER = "scheduled_oversight_export"


def scheduled_export_user() -> Any:
    """The account scheduled exports are logged under (every export names a user in the access log):
    created on first use with no usable password, so nobody can sign in as it."""
    from django.contrib.auth import get_user_model

    user, created = get_user_model().objects.get_or_create(
        username=SCHEDULED_EXPORT_USER, defaults={"first_name": "Scheduled", "last_name": "export"}
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user
