"""Spans of a load, set-based: the file's spans are reconciled with the current ones in a few statements.

The rule is `members.rules.reconcile_spans` (tests hold this SQL to it), applied to every member and
program at once:

1. the file's spans for each member and program, overlapping and adjacent ones merged (`elig_f`);
2. the current spans of the pairs the file names (full file: also the pairs it does not name that are
   still open on the file's date) (`elig_d`);
3. pairs where the file states exactly what we have are left alone: an unchanged file writes nothing;
   pairs we had no span for just get the file's spans;
4. for the rest, the result of the rule (`elig_r`), then the fewest writes that turn the current spans
   into it: a current span whose start falls inside a result span keeps its row (the earliest of them;
   the others merged into it are removed), result spans with no such row are added.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from members.loading.history import Stamp, write_history
from members.loading.members_step import IDS
from members.loading.rows import OPEN_END, REINSTATE, STATE, TERMINATE, day_number
from members.loading.sql import Sql
from members.loading.staging import STAGE
from members.models import EligibilitySpan


@dataclass
class SpanCounts:
    added: int = 0
    changed: int = 0
    terminated: int = 0
    removed: int = 0
    unmatched_positions: tuple[int, ...] = ()  # terminate/reinstate rows that found nothing to do


def islands(sql: Sql, source: str, target: str) -> int:
    """Merge overlapping and adjacent spans (m, p, s, e) of `source` (a table or a parenthesized
    query) into `target`: gaps and islands over day numbers, one sort.

    In (start, end) order a row starts a new island when it starts more than a day after every
    earlier row of its pair ended. An island's start is the latest island start so far, its end the
    running maximum end (earlier islands all ended before it began); its last row carries both.
    """
    ordered = "PARTITION BY m, p ORDER BY s, e"
    return sql.temp_table(
        target,
        "SELECT m, p, island_s AS s, run_e AS e FROM (SELECT m, p,"
        " MAX(CASE WHEN brk = 1 THEN s END) OVER w AS island_s, MAX(e) OVER w AS run_e,"
        f" LEAD(brk) OVER ({ordered}) AS next_brk FROM (SELECT m, p, s, e, CASE WHEN s <= MAX(e)"
        f" OVER ({ordered} ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) + 1 THEN 0 ELSE 1 END"
        f" AS brk FROM {source} src) a WINDOW w AS ({ordered} ROWS UNBOUNDED PRECEDING)) b"
        " WHERE next_brk IS NULL OR next_brk = 1",
    )


def load_spans(sql: Sql, stamp: Stamp, *, as_of: dt.date | None) -> SpanCounts:
    """Apply the staged spans; `as_of` is the date of a full file (None for a delta)."""
    islands(
        sql,
        f"(SELECT i.member_id AS m, s.program_id AS p, s.start_day AS s,"
        f" COALESCE(s.end_day, {OPEN_END}) AS e FROM {STAGE} s"
        f" JOIN {IDS} i ON i.medicaid_id = s.medicaid_id WHERE s.action = '{STATE}')",
        "elig_f",
    )
    if not sql.postgres:
        sql.index("elig_f", "m, p, s")
    if _current_spans(sql, as_of) == 0:
        counts, new = SpanCounts(), _new_spans(sql, "SELECT m, p, s, e FROM elig_f")
    else:
        _classify_pairs(sql)
        _reconcile(sql, None if as_of is None else day_number(as_of))
        counts, new = _diff(sql)
    _write(sql, stamp, counts)
    counts.added = _insert(sql, stamp, new)
    return counts


def _current_spans(sql: Sql, as_of: dt.date | None) -> int:
    """`elig_d`: current spans of the member-program pairs the file names; for a full file also the
    spans of pairs it does not name that are still open on (or start after) its date."""
    span = sql.q(EligibilitySpan._meta.db_table)
    end = "d." + sql.q("end")
    columns = f"d.id, d.member_id AS m, d.program_id AS p, {sql.day('d.start')} AS s"
    columns += f", {sql.end_day(end)} AS e"
    pair_in_file = "EXISTS (SELECT 1 FROM elig_f f WHERE f.m = d.member_id AND f.p = d.program_id)"
    sql.temp_table("elig_d", f"SELECT {columns} FROM {span} d WHERE {pair_in_file}")
    if as_of is not None:
        sql.timed(
            "elig_d full",
            f"INSERT INTO elig_d SELECT {columns} FROM {span} d"
            f" WHERE ({end} IS NULL OR {end} >= %s) AND NOT {pair_in_file}",
            [as_of],
        )
    count = sql.analyze("elig_d")
    if count and not sql.postgres:
        sql.index("elig_d", "m, p, s")
    return count


def _classify_pairs(sql: Sql) -> None:
    """Pairs where the file states exactly what we have are left alone; `elig_dirty` are the others
    that have current spans (pairs without any get the file's spans as they are)."""
    sql.temp_table(
        "elig_cmp",
        "SELECT f.m AS fm, f.p AS fp, d.m AS dm, d.p AS dp FROM elig_f f FULL JOIN elig_d d"
        " ON d.m = f.m AND d.p = f.p AND d.s = f.s AND d.e = f.e WHERE f.m IS NULL OR d.m IS NULL",
    )
    sql.temp_table(
        "elig_dirty",
        "SELECT fm AS m, fp AS p FROM elig_cmp c WHERE fm IS NOT NULL AND EXISTS"
        " (SELECT 1 FROM elig_d d WHERE d.m = c.fm AND d.p = c.fp)"
        " UNION SELECT dm, dp FROM elig_cmp WHERE dm IS NOT NULL",
    )
    sql.temp_table(
        "elig_dd", "SELECT d.* FROM elig_d d JOIN elig_dirty x ON x.m = d.m AND x.p = d.p"
    )
    sql.temp_table(
        "elig_ff", "SELECT f.* FROM elig_f f JOIN elig_dirty x ON x.m = f.m AND x.p = f.p"
    )
    if not sql.postgres:
        sql.index("elig_dd", "m, p, s")
        sql.index("elig_ff", "m, p, s")


def _new_spans(sql: Sql, select: str) -> str:
    """The spans to add (m, p, s, e): PostgreSQL inserts them straight from `select` (ids from the
    sequence, history rows from RETURNING); SQLite numbers them in `elig_ins` first."""
    if sql.postgres:
        return f"({select})"
    table = EligibilitySpan._meta.db_table
    base = int(sql.scalar(f"SELECT COALESCE(MAX(id), 0) FROM {sql.q(table)}"))
    new_id = f"{base} + ROW_NUMBER() OVER (ORDER BY m, p, s)"
    sql.temp_table("elig_ins", f"SELECT {new_id} AS id, y.* FROM ({select}) y")
    return "elig_ins"


def _reconcile(sql: Sql, as_of_day: int | None) -> None:
    """`elig_r`: the spans of the dirty pairs after the file, by `members.rules.reconcile_spans`."""
    sql.temp_table(
        "elig_first",
        "SELECT d.id, MIN(f.s) AS first FROM elig_dd d JOIN elig_ff f ON f.m = d.m AND f.p = d.p"
        " AND f.s <= d.e + 1 AND f.e >= d.s GROUP BY d.id",
    )
    kept = (
        "SELECT d.m, d.p, d.s, CASE WHEN r.first IS NULL THEN d.e ELSE r.first - 1 END AS e"
        " FROM elig_dd d LEFT JOIN elig_first r ON r.id = d.id"
        " WHERE r.first IS NULL OR d.s < r.first UNION ALL SELECT m, p, s, e FROM elig_ff"
    )
    if as_of_day is None:
        sql.temp_table("elig_r0", kept)
    else:
        before = as_of_day - 1
        sql.temp_table(
            "elig_r0",
            f"SELECT m, p, s, CASE WHEN e > {before} THEN {before} ELSE e END AS e FROM ({kept}) k"
            f" WHERE s <= {before} UNION ALL SELECT m, p, CASE WHEN s < {as_of_day} THEN"
            f" {as_of_day} ELSE s END AS s, e FROM elig_ff WHERE e >= {as_of_day}",
        )
    islands(sql, "elig_r0", "elig_r")
    if not sql.postgres:
        sql.index("elig_r", "m, p, s")


def _diff(sql: Sql) -> tuple[SpanCounts, str]:
    """The writes: `elig_del` (ids), `elig_upd` (id, s, e, terminated), and the spans to add."""
    sql.temp_table(
        "elig_match",
        "SELECT d.id, d.s AS ds, d.e AS de, r.s AS rs, r.e AS re, ROW_NUMBER() OVER (PARTITION BY"
        " d.m, d.p, r.s ORDER BY d.s) AS rank FROM elig_dd d LEFT JOIN elig_r r ON r.m = d.m"
        " AND r.p = d.p AND d.s >= r.s AND d.s <= r.e",
    )
    removed = sql.temp_table("elig_del", "SELECT id FROM elig_match WHERE rs IS NULL OR rank > 1")
    sql.temp_table(
        "elig_upd",
        "SELECT id, rs AS s, re AS e, CASE WHEN re < de THEN 1 ELSE 0 END AS terminated"
        " FROM elig_match WHERE rs IS NOT NULL AND rank = 1 AND (rs <> ds OR re <> de)",
    )
    terminated = int(sql.scalar("SELECT COUNT(*) FROM elig_upd WHERE terminated = 1"))
    changed = int(sql.scalar("SELECT COUNT(*) FROM elig_upd")) - terminated
    new = _new_spans(
        sql,
        "SELECT r.m, r.p, r.s, r.e FROM elig_r r WHERE NOT EXISTS (SELECT 1 FROM elig_dd d"
        " WHERE d.m = r.m AND d.p = r.p AND d.s >= r.s AND d.s <= r.e) UNION ALL SELECT f.m, f.p,"
        " f.s, f.e FROM elig_f f WHERE NOT EXISTS (SELECT 1 FROM elig_d d WHERE d.m = f.m"
        " AND d.p = f.p)",
    )
    return SpanCounts(changed=changed, terminated=terminated, removed=removed), new


def _write(sql: Sql, stamp: Stamp, counts: SpanCounts) -> None:
    span = sql.q(EligibilitySpan._meta.db_table)
    end = sql.q("end")
    if counts.removed:
        write_history(sql, EligibilitySpan, "-", stamp, ids_table="elig_del")
        sql.timed("delete spans", f"DELETE FROM {span} WHERE id IN (SELECT id FROM elig_del)")
    if counts.changed or counts.terminated:
        sql.timed(
            "update spans",
            f"UPDATE {span} SET start = {sql.date('u.s')}, {end} = {sql.end_date('u.e')},"
            f" updated_at = %s FROM elig_upd u WHERE {span}.id = u.id",
            [stamp.when],
        )
        write_history(sql, EligibilitySpan, "~", stamp, ids_table="elig_upd")


def _insert(sql: Sql, stamp: Stamp, new: str) -> int:
    """Add the new spans (`new`: m, p, s, e rows) and their history rows; returns how many."""
    span = sql.q(EligibilitySpan._meta.db_table)
    end = sql.q("end")
    values = f"m AS member_id, p AS program_id, {sql.date('s')} AS start"
    values += f", {sql.end_date('e')} AS {end}"
    if sql.postgres:  # one statement: the rows go in, RETURNING feeds their history rows
        history = EligibilitySpan.history.model._meta.db_table
        columns = f"id, member_id, program_id, start, {end}"
        return sql.timed(
            "insert spans with history",
            f"WITH ins AS (INSERT INTO {span} (member_id, program_id, start, {end}, updated_at)"
            f" SELECT {values}, %s FROM {new} y RETURNING {columns}) INSERT INTO {sql.q(history)}"
            f" ({columns}, history_date, history_change_reason, history_type, history_user_id,"
            f" load_id) SELECT {columns}, %s, %s, '+', %s, %s FROM ins",
            [stamp.when, stamp.when, stamp.reason, stamp.user_id, stamp.load_id],
        )
    added = sql.timed(
        "insert spans",
        f"INSERT INTO {span} (id, member_id, program_id, start, {end}, updated_at)"
        f" SELECT id, {values}, %s FROM {new}",
        [stamp.when],
    )
    if added:
        source = f"SELECT id, {values} FROM {new}"
        write_history(sql, EligibilitySpan, "+", stamp, source=source)
    return added


def apply_terminations_and_reinstatements(sql: Sql, stamp: Stamp) -> SpanCounts:
    """834 terminations (end coverage in force on the date; never delete) and reinstatements without
    dates (reopen the latest ended span of the program, or of each program when none is named)."""
    span = sql.q(EligibilitySpan._meta.db_table)
    end = sql.q("end")
    sql.temp_table(
        "elig_tr",
        f"SELECT s.position, s.action, i.member_id AS m, s.program_id AS p, s.end_day AS e"
        f" FROM {STAGE} s JOIN {IDS} i ON i.medicaid_id = s.medicaid_id"
        f" WHERE s.action IN ('{TERMINATE}', '{REINSTATE}')",
    )
    sql.temp_table(
        "elig_term",
        f"SELECT d.id, MIN(t.e) AS e FROM {span} d JOIN elig_tr t"
        f" ON t.m = d.member_id AND (t.p IS NULL OR t.p = d.program_id) WHERE t.action = '{TERMINATE}'"
        f" AND t.e IS NOT NULL AND {sql.day('d.start')} <= t.e AND {sql.end_day('d.' + end)} > t.e"
        " GROUP BY d.id",
    )
    sql.temp_table(
        "elig_reopen",
        f"SELECT d.id FROM {span} d JOIN (SELECT d2.member_id, d2.program_id, MAX(d2.start) AS start"
        f" FROM {span} d2 JOIN elig_tr t ON t.m = d2.member_id AND (t.p IS NULL OR"
        f" t.p = d2.program_id) WHERE t.action = '{REINSTATE}' GROUP BY d2.member_id, d2.program_id)"
        " latest ON latest.member_id = d.member_id AND latest.program_id = d.program_id AND"
        f" latest.start = d.start WHERE d.{end} IS NOT NULL",
    )
    terminated = int(sql.scalar("SELECT COUNT(*) FROM elig_term"))
    reopened = int(sql.scalar("SELECT COUNT(*) FROM elig_reopen"))
    if terminated:
        sql.run(
            f"UPDATE {span} SET {end} = {sql.date('t.e')}, updated_at = %s"
            f" FROM elig_term t WHERE {span}.id = t.id",
            [stamp.when],
        )
        write_history(sql, EligibilitySpan, "~", stamp, ids_table="elig_term")
    if reopened:
        sql.run(
            f"UPDATE {span} SET {end} = NULL, updated_at = %s WHERE id IN (SELECT id FROM elig_reopen)",
            [stamp.when],
        )
        write_history(sql, EligibilitySpan, "~", stamp, ids_table="elig_reopen")
    unmatched = (
        f"SELECT t.position FROM elig_tr t WHERE NOT EXISTS (SELECT 1 FROM {span} d"
        " WHERE d.member_id = t.m AND (t.p IS NULL OR t.p = d.program_id) AND d.id IN"
        " (SELECT id FROM elig_term UNION ALL SELECT id FROM elig_reopen)) ORDER BY t.position"
    )
    positions = tuple(row[0] for row in sql.rows(unmatched))
    return SpanCounts(terminated=terminated, changed=reopened, unmatched_positions=positions)
