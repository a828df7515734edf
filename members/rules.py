"""Eligibility rules: who is covered on a date, and how a file's statement of coverage changes spans.

Pure functions over plain values. No ORM, no clock: callers pass the date and the facts.

Two rules live here:

- `decide_eligibility`: given the member found by id *and* date of birth (or nobody), and the member's
  spans, answer eligible or not on a date, with the program, the span and the reason.
- `reconcile_spans`: the meaning of an eligibility file for one member and program. The loader applies
  the same rule set-based in SQL (members/loading/merge.py) for speed; the tests hold the two to the same
  answers.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from members.choices import EligibilityReason

ONE_DAY = dt.timedelta(days=1)

NOT_FOUND_MESSAGE = "No member matches this Medicaid id and date of birth."
NO_COVERAGE_MESSAGE = "The member has no coverage on this date."
ENDED_MESSAGE = "The member's {program} coverage ended on {end:%m/%d/%Y}."
ELIGIBLE_MESSAGE = "Eligible under {program} on {on:%m/%d/%Y}."


@dataclass(frozen=True)
class MemberFacts:
    """What the check needs to know about the member found by id."""

    member_id: int
    birth_date: dt.date


@dataclass(frozen=True)
class CoverageSpan:
    """One eligibility span as the check sees it. `priority` orders programs (lower first)."""

    span_id: int
    program_code: str
    program_name: str
    start: dt.date
    end: dt.date | None
    priority: int = 0

    def covers(self, day: dt.date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)


@dataclass(frozen=True)
class EligibilityAnswer:
    """The answer to "is this person covered on this date, under which program?".

    `span` is the span in force (the first program by priority when several cover the date);
    `covering` lists every span in force. When not eligible, `span` is the most recent span that ended
    before the date (reason `coverage_ended`), or None. `member_id` is None when nobody matched.
    """

    eligible: bool
    reason: EligibilityReason
    message: str
    on: dt.date
    member_id: int | None = None
    span: CoverageSpan | None = None
    covering: tuple[CoverageSpan, ...] = ()

    @property
    def program_code(self) -> str | None:
        return self.span.program_code if self.span and self.eligible else None


def identify_member(candidate: MemberFacts | None, birth_date: dt.date) -> MemberFacts | None:
    """The member only when the date of birth matches: an id without its birth date finds nobody."""
    if candidate is None or candidate.birth_date != birth_date:
        return None
    return candidate


def not_found(on: dt.date) -> EligibilityAnswer:
    """The one answer for an unknown id and for a known id with another date of birth."""
    return EligibilityAnswer(
        eligible=False, reason=EligibilityReason.NOT_FOUND, message=NOT_FOUND_MESSAGE, on=on
    )


def decide_eligibility(
    *, member: MemberFacts | None, spans: Iterable[CoverageSpan], on: dt.date
) -> EligibilityAnswer:
    """Eligible when a span covers the date; otherwise say whether coverage ended or never was."""
    if member is None:
        return not_found(on)
    spans = tuple(spans)
    covering = tuple(
        sorted((s for s in spans if s.covers(on)), key=lambda s: (s.priority, s.start))
    )
    if covering:
        span = covering[0]
        return EligibilityAnswer(
            eligible=True,
            reason=EligibilityReason.ELIGIBLE,
            message=ELIGIBLE_MESSAGE.format(program=span.program_name, on=on),
            on=on,
            member_id=member.member_id,
            span=span,
            covering=covering,
        )
    ended = [s for s in spans if s.end is not None and s.end < on]
    if ended:
        last = max(ended, key=lambda s: (s.end, -s.priority))
        return EligibilityAnswer(
            eligible=False,
            reason=EligibilityReason.COVERAGE_ENDED,
            message=ENDED_MESSAGE.format(program=last.program_name, end=last.end),
            on=on,
            member_id=member.member_id,
            span=last,
        )
    return EligibilityAnswer(
        eligible=False,
        reason=EligibilityReason.NO_COVERAGE,
        message=NO_COVERAGE_MESSAGE,
        on=on,
        member_id=member.member_id,
    )


# ---------------------------------------------------------------------------------------------------
# What a file means for the spans of one member under one program
# ---------------------------------------------------------------------------------------------------

Span = tuple[dt.date, dt.date | None]  # (start, end); end None = open-ended


def merge_spans(spans: Iterable[Span]) -> list[Span]:
    """Union of spans: overlapping and adjacent spans (one ends the day before the next starts) merge."""
    merged: list[Span] = []
    for start, end in sorted(spans, key=lambda s: s[0]):
        if merged:
            last_start, last_end = merged[-1]
            if last_end is None or start <= last_end + ONE_DAY:
                new_end = None if end is None or last_end is None else max(end, last_end)
                merged[-1] = (last_start, new_end)
                continue
        merged.append((start, end))
    return merged


def _clip(
    span: Span, *, before: dt.date | None = None, after: dt.date | None = None
) -> Span | None:
    start, end = span
    if before is not None:  # keep the part ending the day before `before`
        limit = before - ONE_DAY
        end = limit if end is None or end > limit else end
    if after is not None:  # keep the part from `after` on
        start = max(start, after)
    if end is not None and end < start:
        return None
    return (start, end)


def _restates(stated: Span, current: Span) -> bool:
    """A stated span restates a current one it overlaps, or one that ends the day before it starts."""
    start, end = stated
    current_start, current_end = current
    reaches = current_end is None or start <= current_end + ONE_DAY
    return reaches and (end is None or end >= current_start)


def reconcile_spans(
    current: Sequence[Span], stated: Sequence[Span], *, full_as_of: dt.date | None = None
) -> list[Span]:
    """The spans of one member and program after a file states `stated` about them.

    - The file's spans are merged first (overlapping or adjacent spans become one).
    - A stated span *restates* every current span it overlaps, and a current span that ends the day
      before it starts: coverage of such a span from the stated start on is replaced by the stated span
      (a retroactive termination or a new start date is applied as stated); its part before the stated
      start is kept. Current spans the file does not touch are kept as they are.
    - Adjacent and overlapping results merge, so spans of one member and program never overlap.
    - Full file as of date D (`full_as_of`): coverage from D on is exactly the file's; other coverage
      still open on D ends the day before D, and coverage starting on or after D that the file does not
      state is withdrawn.
    """
    stated_merged = merge_spans(stated)
    kept: list[Span] = []
    for span in current:
        restating = [s for s in stated_merged if _restates(s, span)]
        if not restating:
            kept.append(span)
            continue
        first = min(start for start, _ in restating)
        if span[0] < first:
            kept.append((span[0], first - ONE_DAY))
    if full_as_of is None:
        return merge_spans([*kept, *stated_merged])
    before = [c for c in (_clip(s, before=full_as_of) for s in kept) if c]
    before += [c for c in (_clip(s, before=full_as_of) for s in stated_merged) if c]
    after = [c for c in (_clip(s, after=full_as_of) for s in stated_merged) if c]
    return merge_spans([*before, *after])
