"""The workbook catalog, as data: each workbook is a list of sheets, each sheet a builder and the meaning
of its columns. Which agencies may have a workbook, and whether it is public (small cells suppressed by
default), is stated here and nowhere else."""

from __future__ import annotations

from dataclasses import dataclass

from oversight import sheets
from oversight.sheets import Builder

ALL_AGENCIES = ("DSS", "DCF", "DMHAS")
UNKNOWN_WORKBOOK = "Unknown workbook {code!r}."
NOT_ENTITLED = "The {agency} is not entitled to the workbook {code!r}."

AGE_NOTE = (
    "Age groups use the age on the period's last day: child 3-12, adolescent 13-17, adult 18+."
)


@dataclass(frozen=True)
class SheetSpec:
    name: str  # the Excel sheet name (31 characters at most)
    builder: Builder
    description: str
    columns: tuple[tuple[str, str], ...] = ()  # (column, what it means)


@dataclass(frozen=True)
class WorkbookSpec:
    code: str
    title: str
    sheets: tuple[SheetSpec, ...]
    agencies: tuple[str, ...] = ALL_AGENCIES
    public: bool = False  # public workbooks have small cells suppressed unless the user opts out
    member_level: bool = (
        False  # carries member-level rows: Part 2 rules and an access-log item each
    )


COUNT_COLUMNS = (
    ("Total", "The sum of the row; the Total row sums each column."),
    ("<11", "A count from 1 to 10, or a cell hidden so that such a count cannot be worked out."),
)

CATALOG: dict[str, WorkbookSpec] = {
    spec.code: spec
    for spec in (
        WorkbookSpec(
            "eligibility",
            "Eligibility",
            (
                SheetSpec(
                    "Eligibility",
                    sheets.eligibility,
                    "Members covered on the period's last day. " + AGE_NOTE,
                    (
                        ("Program", "The coverage program (a member in two counts in each)."),
                        ("Region", "The member's region."),
                        *COUNT_COLUMNS,
                    ),
                ),
            ),
            public=True,
        ),
        WorkbookSpec(
            "utilization",
            "Registrations, requests and decisions",
            (
                SheetSpec(
                    "Requests",
                    sheets.requests,
                    "Registrations and prior-authorization requests received in the period. "
                    + AGE_NOTE,
                    (
                        ("Path", "Registration (no clinical review) or prior authorization."),
                        ("Month", "Month received (Eastern time)."),
                        ("DCF", "Whether the member is DCF-involved."),
                        *COUNT_COLUMNS,
                    ),
                ),
                SheetSpec(
                    "Turnaround",
                    sheets.turnaround,
                    "Prior-authorization requests decided in the period, by urgency.",
                    (
                        ("On time", "Decided by the due time of the request's clock."),
                        ("Late", "Decided after the due time."),
                        ("% on time", "On time over all decided; blank when a count is hidden."),
                    ),
                ),
                SheetSpec(
                    "Decisions",
                    sheets.decisions,
                    "Requests decided in the period, by level of care and decision.",
                    (("Refused", "Registrations that failed the registration rules."),),
                ),
                SheetSpec(
                    "Denial reasons",
                    sheets.denial_reasons,
                    "Denials and partial approvals decided in the period, by reason.",
                ),
                SheetSpec(
                    "Appeals",
                    sheets.appeals,
                    "Appeals filed in the period by level of care and outcome.",
                    (("Overturned", "Decided for the member: the denial reversed."),),
                ),
                SheetSpec(
                    "Grievances",
                    sheets.grievances,
                    "Grievances received in the period, by month and category, with "
                    "acknowledgment and resolution timeliness as of the export date.",
                    (("Total", "All categories; hidden with suppression when a row is."),),
                ),
                SheetSpec(
                    "CMS PA metrics",
                    sheets.cms_metrics,
                    "The CMS-0057-F prior-authorization metrics for the population and period "
                    "(determinations in the period; each row's definition beside it).",
                    (
                        (
                            "<11",
                            "With suppression, a small numerator or denominator hides the value.",
                        ),
                    ),
                ),
            ),
            public=True,
        ),
        WorkbookSpec(
            "inpatient",
            "Inpatient and residential discharges",
            (
                SheetSpec(
                    "Discharges",
                    sheets.discharges,
                    "Discharges in the period from 24-hour levels of care (inpatient, "
                    "residential). " + AGE_NOTE,
                    (("Hospital", "The provider of the stay."), *COUNT_COLUMNS),
                ),
                SheetSpec(
                    "Length of stay",
                    sheets.length_of_stay,
                    "The same discharges by hospital and level of care.",
                    (
                        ("Days", "Days from admission to discharge, summed."),
                        ("Average length of stay", "Days over discharges (ALOS)."),
                        ("Delayed", "Discharges with discharge-delay days."),
                        ("Delay days", "Days the member stayed only because of a delay."),
                        (
                            "<11",
                            "With suppression, a group of 1 to 10 discharges shows no figures.",
                        ),
                    ),
                ),
                SheetSpec(
                    "Delays by reason",
                    sheets.delays,
                    "Delayed discharges in the period and their delay days, by reason.",
                ),
                SheetSpec(
                    "PAR by region",
                    sheets.par_by_region,
                    "Provider Analysis and Reporting: the scoring run for exactly this period, by "
                    "the providers' regions (a provider in two regions counts in each), measure and "
                    "the splits of the agency's population. Empty when no run covers the period.",
                    (
                        ("Providers scored", "Providers with enough cases to be scored."),
                        ("Statewide value", "The measure over every provider of the state."),
                    ),
                ),
            ),
            public=True,
        ),
        WorkbookSpec(
            "icm",
            "Intensive care management",
            (
                SheetSpec(
                    "ICM caseload",
                    sheets.icm_caseload,
                    "Members on an ICM caseload on the period's last day. " + AGE_NOTE,
                    (("Region", "The member's region."), *COUNT_COLUMNS),
                ),
                SheetSpec(
                    "ICM assignments",
                    sheets.icm_assignments,
                    "ICM assignments started in the period. " + AGE_NOTE,
                    (("How assigned", "By a supervisor, automatically, or by transfer."),),
                ),
            ),
            public=True,
        ),
        WorkbookSpec(
            "authorization_detail",
            "Authorizations, member level",
            (
                SheetSpec(
                    "Authorizations",
                    sheets.authorization_detail,
                    "Every authorization overlapping the period, one row each. Substance-use "
                    "(42 CFR Part 2) authorizations appear only when the member's consent on file "
                    "covers this agency on the export date; otherwise they are left out here "
                    "and counted in the aggregate workbooks only.",
                    (
                        ("Medicaid id", "The member's state client id."),
                        ("Substance use (Part 2)", "A substance-use level of care."),
                        ("Units", "Units approved."),
                        ("Decision", "The decision on the request."),
                    ),
                ),
            ),
            member_level=True,
        ),
    )
}


def workbook_for(*, code: str, agency: str) -> WorkbookSpec:
    """The workbook, refused when unknown or when the agency is not entitled to it."""
    spec = CATALOG.get(code)
    if spec is None:
        raise ValueError(UNKNOWN_WORKBOOK.format(code=code))
    if agency not in spec.agencies:
        raise ValueError(NOT_ENTITLED.format(agency=agency, code=code))
    return spec


def workbooks_for(agency: str) -> list[WorkbookSpec]:
    return [spec for spec in CATALOG.values() if agency in spec.agencies]
