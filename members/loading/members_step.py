"""Members of a load: match the file's ids to members, add the new ones, update changed demographics.

The first row of the file for an id gives that member's demographics; a column the file leaves empty
keeps what we have. A new member needs names and a date of birth (an 834 may send a change without them
for a member we already know).
"""

from __future__ import annotations

from dataclasses import dataclass

from members.choices import RejectionCode
from members.loading.history import Stamp, write_history
from members.loading.rows import MEMBER_ONLY, STATE, Rejection
from members.loading.sql import Sql
from members.loading.staging import STAGE
from members.models import Member
from providers.models import Town

IDS = "elig_m"  # one row per member id the file names: demographics, member_id, is_new
NOT_A_MEMBER = "{id_} is not a member: there is no coverage to terminate or reinstate."
NEW_MEMBER_INCOMPLETE = (
    "{id_} is not a member yet, and a new member needs last and first names and a date of birth."
)

_DEMOGRAPHICS = (
    "last_name",
    "first_name",
    "middle_name",
    "birth_day",
    "sex",
    "language",
    "town_id",
    "dcf_involved",
)
_KEEP_IF_EMPTY = (
    "last_name",
    "first_name",
    "middle_name",
    "sex",
    "language",
    "town_id",
    "region_id",
    "dcf_involved",
)


@dataclass
class MemberCounts:
    added: int = 0
    changed: int = 0


def load_members(
    sql: Sql, stamp: Stamp, rejections: list[Rejection], *, x12: bool = False
) -> MemberCounts:
    """Match, add and update the members a staged file names; fills `elig_m` (id -> member).
    `x12`: the file may terminate or reinstate (an 834), and may omit names or birth dates."""
    member = sql.q(Member._meta.db_table)
    sequence = f"pg_get_serial_sequence('{Member._meta.db_table}', 'id')"
    empty = sql.is_empty(Member._meta.db_table)
    if sql.postgres and not empty:
        new_id = f"nextval({sequence})"
    else:  # ids after the current highest, numbered over the new members only
        base = int(sql.scalar(f"SELECT COALESCE(MAX(id), 0) FROM {member}"))
        if sql.postgres:  # the table is empty and locked (initial load): take a block of ids
            base = int(sql.scalar(f"SELECT nextval({sequence})")) - 1
        window = "" if empty else "PARTITION BY m.id IS NULL ORDER BY s.position"
        new_id = f"{base} + ROW_NUMBER() OVER ({window})"
    sql.temp_table(
        IDS,
        f"SELECT s.medicaid_id, s.position, {', '.join('s.' + c for c in _DEMOGRAPHICS)},"
        f" t.region_id, COALESCE(m.id, {new_id}) AS member_id, m.id IS NULL AS is_new"
        f" FROM {STAGE} s LEFT JOIN {member} m ON m.medicaid_id = s.medicaid_id"
        f" LEFT JOIN {sql.q(Town._meta.db_table)} t ON t.id = s.town_id WHERE s.first_row",
    )
    if x12:
        _refuse_incomplete_new_members(sql, rejections)
    if sql.postgres and empty:
        sql.run(f"SELECT setval({sequence}, GREATEST((SELECT MAX(member_id) FROM {IDS}), 1))")
    if not sql.postgres:
        sql.index(IDS, "medicaid_id")
        sql.index(IDS, "member_id")
    return MemberCounts(added=_add_members(sql, stamp), changed=_update_members(sql, stamp))


def _refuse_incomplete_new_members(sql: Sql, rejections: list[Rejection]) -> None:
    """A new member needs names and a birth date; an id we do not know that the file only
    terminates or reinstates is not created (there is nothing to end)."""
    incomplete = "is_new AND (last_name IS NULL OR first_name IS NULL OR birth_day IS NULL)"
    only_ends = (
        f"is_new AND medicaid_id NOT IN (SELECT medicaid_id FROM {STAGE}"
        f" WHERE action IN ('{STATE}', '{MEMBER_ONLY}'))"
    )
    for condition, code, message in (
        (only_ends, RejectionCode.NOTHING_TO_CHANGE, NOT_A_MEMBER),
        (incomplete, RejectionCode.MISSING_NAME, NEW_MEMBER_INCOMPLETE),
    ):
        rows = sql.rows(f"SELECT position, medicaid_id FROM {IDS} WHERE {condition}")
        for position, medicaid_id in rows:
            text = message.format(id_=medicaid_id)
            rejections.append(Rejection(position, code, text, medicaid_id))
        if rows:
            sql.run(f"DELETE FROM {IDS} WHERE {condition}")


def _add_members(sql: Sql, stamp: Stamp) -> int:
    values = (
        "n.member_id AS id, n.medicaid_id, n.last_name, n.first_name,"
        " COALESCE(n.middle_name, '') AS middle_name,"
        f" {sql.date('n.birth_day')} AS birth_date, COALESCE(n.sex, 'U') AS sex,"
        " COALESCE(n.language, 'en') AS language, n.town_id, n.region_id,"
        " COALESCE(n.dcf_involved, FALSE) AS dcf_involved, FALSE AS temporary_id,"
        " %s AS created_at"
    )
    columns = (
        "id, medicaid_id, last_name, first_name, middle_name, birth_date, sex, language, town_id,"
        " region_id, dcf_involved, temporary_id, created_at"
    )
    insert = (
        f"INSERT INTO {sql.q(Member._meta.db_table)} ({columns}, updated_at)"
        f" SELECT {values}, %s FROM {IDS} n WHERE n.is_new"
    )
    if sql.postgres:  # one statement: the rows go in, RETURNING feeds their history rows
        history = Member.history.model._meta.db_table
        return sql.timed(
            "insert members with history",
            f"WITH ins AS ({insert} RETURNING {columns}) INSERT INTO {sql.q(history)} ({columns},"
            " history_date, history_change_reason, history_type, history_user_id, load_id)"
            f" SELECT {columns}, %s, %s, '+', %s, %s FROM ins",
            [stamp.when, stamp.when, stamp.when, stamp.reason, stamp.user_id, stamp.load_id],
        )
    added = sql.timed("insert members", insert, [stamp.when, stamp.when])
    if added:
        source = f"SELECT {values} FROM {IDS} n WHERE n.is_new"
        write_history(sql, Member, "+", stamp, source=source, params=[stamp.when])
    return added


def _update_members(sql: Sql, stamp: Stamp) -> int:
    differs = " OR ".join(
        [
            *(
                f"(n.{c} IS NOT NULL AND n.{c} <> m.{c})"
                for c in ("last_name", "first_name", "middle_name", "sex", "language")
            ),
            f"(n.birth_day IS NOT NULL AND {sql.date('n.birth_day')} <> m.birth_date)",
            "(n.town_id IS NOT NULL AND (m.town_id IS NULL OR n.town_id <> m.town_id))",
            "(n.dcf_involved IS NOT NULL AND n.dcf_involved <> m.dcf_involved)",
        ]
    )
    member = sql.q(Member._meta.db_table)
    changed = sql.temp_table(
        "elig_changed_members",
        f"SELECT m.id, {', '.join('n.' + c for c in _DEMOGRAPHICS)}, n.region_id"
        f" FROM {IDS} n JOIN {member} m ON m.id = n.member_id WHERE NOT n.is_new AND ({differs})",
    )
    if not changed:
        return 0
    keep = ", ".join(f"{c} = COALESCE(c.{c}, {member}.{c})" for c in _KEEP_IF_EMPTY)
    sql.timed(
        "update members",
        f"UPDATE {member} SET {keep},"
        f" birth_date = COALESCE({sql.date('c.birth_day')}, {member}.birth_date), updated_at = %s"
        f" FROM elig_changed_members c WHERE {member}.id = c.id",
        [stamp.when],
    )
    write_history(sql, Member, "~", stamp, ids_table="elig_changed_members")
    return changed
