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
    """Merge overlapping and adjacent spans (m, p, s, e) of `source` into `target` (gaps and islands)."""
    return sql.temp_table(
        target,
        "SELECT m, p, MIN(s) AS s, MAX(e) AS e FROM (SELECT m, p, s, e, SUM(brk) OVER (PARTITION BY"
        " m, p ORDER BY s, e ROWS UNBOUNDED PRECEDING) AS island FROM (SELECT m, p, s, e, CASE WHEN"
        " s <= MAX(e) OVER (PARTITION BY m, p ORDER BY s, e ROWS BETWEEN UNBOUNDED PRECEDING AND 1"
        f" PRECEDING) + 1 THEN 0 ELSE 1 END AS brk FROM {source}) a) b GROUP BY m, p, island",
    )


def load_spans(sql: Sql, stamp: Stamp, *, as_of: dt.date | None) -> SpanCounts:
    """Apply the staged spans; `as_of` is the date of a full file (None for a delta)."""
    span = sql.q(EligibilitySpan._meta.db_table)
    sql.temp_table(
        "elig_fr",
        f"SELECT i.member_id AS m, s.program_id AS p, s.start_day AS s,"
        f" COALESCE(s.end_day, {OPEN_END}) AS e FROM {STAGE} s"
        f" JOIN {IDS} i ON i.medicaid_id = s.medicaid_id WHERE s.action = '{STATE}'",
    )
    islands(sql, "elig_fr", "elig_f")
    sql.temp_table("elig_pairs", "SELECT m, p, COUNT(*) AS n FROM elig_f GROUP BY m, p")
    end = "d." + sql.q("end")
    columns = f"d.id, d.member_id AS m, d.program_id AS p, {sql.day('d.start')} AS s"
    columns += f", {sql.end_day(end)} AS e"
    sql.temp_table(
        "elig_d",
        f"SELECT {columns} FROM {span} d JOIN elig_pairs x ON x.m = d.member_id AND x.p = d.program_id",
    )
    if as_of is not None:
        sql.run(
            f"INSERT INTO elig_d SELECT {columns} FROM {span} d"
            f" WHERE ({end} IS NULL OR {end} >= %s) AND NOT EXISTS"
            " (SELECT 1 FROM elig_pairs x WHERE x.m = d.member_id AND x.p = d.program_id)",
            [as_of],
        )
        sql.analyze("elig_d")
    if not sql.postgres:
        for table in ("elig_f", "elig_d"):
            sql.index(table, "m, p, s")
    _classify_pairs(sql, full=as_of is not None)
    _reconcile(sql, None if as_of is None else day_number(as_of))
    counts = _diff(sql)
    _write(sql, stamp, counts)
    return counts


def _classify_pairs(sql: Sql, *, full: bool) -> None:
    """`elig_new`: pairs we have no span for; `elig_dirty`: pairs whose spans may change."""
    sql.temp_table(
        "elig_new",
        "SELECT x.m, x.p FROM elig_pairs x WHERE NOT EXISTS"
        " (SELECT 1 FROM elig_d d WHERE d.m = x.m AND d.p = x.p)",
    )
    absent = (
        " UNION SELECT DISTINCT d.m, d.p FROM elig_d d WHERE NOT EXISTS"
        " (SELECT 1 FROM elig_pairs x WHERE x.m = d.m AND x.p = d.p)"
        if full
        else ""
    )
    sql.temp_table(
        "elig_dirty",
        "SELECT x.m, x.p FROM elig_pairs x"
        " JOIN (SELECT m, p, COUNT(*) AS n FROM elig_d GROUP BY m, p) dc ON dc.m = x.m AND dc.p = x.p"
        " LEFT JOIN (SELECT f.m, f.p, COUNT(*) AS n FROM elig_f f JOIN elig_d d ON d.m = f.m"
        " AND d.p = f.p AND d.s = f.s AND d.e = f.e GROUP BY f.m, f.p) ex ON ex.m = x.m AND ex.p = x.p"
        f" WHERE dc.n <> x.n OR ex.n IS NULL OR ex.n <> x.n{absent}",
    )
    sql.temp_table(
        "elig_dd",
        "SELECT d.* FROM elig_d d JOIN elig_dirty x ON x.m = d.m AND x.p = d.p",
    )
    sql.temp_table(
        "elig_ff",
        "SELECT f.* FROM elig_f f JOIN elig_dirty x ON x.m = f.m AND x.p = f.p",
    )
    if not sql.postgres:
        sql.index("elig_dd", "m, p, s")
        sql.index("elig_ff", "m, p, s")


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


def _diff(sql: Sql) -> SpanCounts:
    """The writes: `elig_del` (ids), `elig_upd` (id, s, e, terminated), `elig_ins` (id, m, p, s, e)."""
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
    table = EligibilitySpan._meta.db_table
    added = sql.temp_table(
        "elig_ins",
        f"SELECT {sql.next_id(table)} AS id, x.m, x.p, x.s, x.e FROM (SELECT m, p, s, e,"
        " ROW_NUMBER() OVER (ORDER BY m, p, s) AS rn FROM (SELECT r.m, r.p, r.s, r.e FROM elig_r r"
        " WHERE NOT EXISTS (SELECT 1 FROM elig_dd d WHERE d.m = r.m AND d.p = r.p AND d.s >= r.s"
        " AND d.s <= r.e) UNION ALL SELECT f.m, f.p, f.s, f.e FROM elig_f f JOIN elig_new n"
        " ON n.m = f.m AND n.p = f.p) y) x",
    )
    return SpanCounts(added=added, changed=changed, terminated=terminated, removed=removed)


def _write(sql: Sql, stamp: Stamp, counts: SpanCounts) -> None:
    span = sql.q(EligibilitySpan._meta.db_table)
    end = sql.q("end")
    if counts.removed:
        write_history(sql, EligibilitySpan, "elig_del", "-", stamp)
        sql.run(f"DELETE FROM {span} WHERE id IN (SELECT id FROM elig_del)")
    if counts.changed or counts.terminated:
        sql.run(
            f"UPDATE {span} SET start = {sql.date('u.s')}, {end} = {sql.end_date('u.e')},"
            f" updated_at = %s FROM elig_upd u WHERE {span}.id = u.id",
            [stamp.when],
        )
        write_history(sql, EligibilitySpan, "elig_upd", "~", stamp)
    if counts.added:
        sql.run(
            f"INSERT INTO {span} (id, member_id, program_id, start, {end}, updated_at)"
            f" SELECT id, m, p, {sql.date('s')}, {sql.end_date('e')}, %s FROM elig_ins",
            [stamp.when],
        )
        write_history(sql, EligibilitySpan, "elig_ins", "+", stamp)


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
        write_history(sql, EligibilitySpan, "elig_term", "~", stamp)
    if reopened:
        sql.run(
            f"UPDATE {span} SET {end} = NULL, updated_at = %s WHERE id IN (SELECT id FROM elig_reopen)",
            [stamp.when],
        )
        write_history(sql, EligibilitySpan, "elig_reopen", "~", stamp)
    unmatched = (
        f"SELECT t.position FROM elig_tr t WHERE NOT EXISTS (SELECT 1 FROM {span} d"
        " WHERE d.member_id = t.m AND (t.p IS NULL OR t.p = d.program_id) AND d.id IN"
        " (SELECT id FROM elig_term UNION ALL SELECT id FROM elig_reopen)) ORDER BY t.position"
    )
    positions = tuple(row[0] for row in sql.rows(unmatched))
    return SpanCounts(terminated=terminated, changed=reopened, unmatched_positions=positions)
