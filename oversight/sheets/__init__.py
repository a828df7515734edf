"""One builder per sheet. Counts are aggregated by the database (values() + annotate()); the member-level
detail sheet is an iterator over value tuples in chunks. Every builder filters through
`oversight.selectors.in_scope`."""

from oversight.sheets.base import Builder, CrossTab, Listing, Measures, Sheet
from oversight.sheets.clinical import (
    STAY_HEADERS,
    delays,
    discharges,
    grievances,
    icm_assignments,
    icm_caseload,
    length_of_stay,
    par_by_region,
)
from oversight.sheets.counts import (
    appeals,
    cms_metrics,
    decisions,
    denial_reasons,
    eligibility,
    requests,
    turnaround,
)
from oversight.sheets.detail import (
    DETAIL_HEADERS,
    authorization_detail,
    detail_queryset,
    withheld_count,
)

__all__ = [
    "DETAIL_HEADERS",
    "STAY_HEADERS",
    "Builder",
    "CrossTab",
    "Listing",
    "Measures",
    "Sheet",
    "appeals",
    "authorization_detail",
    "cms_metrics",
    "decisions",
    "delays",
    "denial_reasons",
    "detail_queryset",
    "discharges",
    "eligibility",
    "grievances",
    "icm_assignments",
    "icm_caseload",
    "length_of_stay",
    "par_by_region",
    "requests",
    "turnaround",
    "withheld_count",
]
