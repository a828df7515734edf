"""Members of a load: match the file's ids to members, add the new ones, update changed demographics.

The last row of the file for an id gives that member's demographics; a column the file leaves empty
keeps what we have. A new member needs names and a date of birth (an 834 may send a change without them
for a member we already know).
"""

from __future__ import annotations

from dataclasses import dataclass

from members.choices import RejectionCode
from members.loading.history import Stamp, write_history
from members.loading.rows import Rejection
from members.loading.sql import Sql
from members.loading.staging import STAGE
from members.models import Member
from providers.models import Town

IDS = "elig_ids"  # medicaid_id -> member_id for every member the file names (and may change)
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


@dataclass
class MemberCounts:
    added: int = 0
    changed: int = 0


def load_members(sql: Sql, stamp: Stamp, rejections: list[Rejection]) -> MemberCounts:
    """Match, add and update the members a staged file names; fills the `elig_ids` table."""
    member = sql.q(Member._meta.db_table)
    columns = ", ".join(_DEMOGRAPHICS)
    sql.temp_table(
        "elig_m",
        f"SELECT s.medicaid_id, s.position, {', '.join('s.' + c for c in _DEMOGRAPHICS)},"
        f" m.id AS member_id FROM (SELECT medicaid_id, position, {columns}, row_number() OVER"
        f" (PARTITION BY medicaid_id ORDER BY position DESC) AS rn FROM {STAGE}) s"
        f" LEFT JOIN {member} m ON m.medicaid_id = s.medicaid_id WHERE s.rn = 1",
    )
    _refuse_incomplete_new_members(sql, rejections)
    counts = MemberCounts(added=_add_members(sql, stamp), changed=_update_members(sql, stamp))
    sql.temp_table(
        IDS,
        "SELECT medicaid_id, member_id FROM elig_m WHERE member_id IS NOT NULL"
        " UNION ALL SELECT medicaid_id, id FROM elig_new_members",
    )
    if not sql.postgres:
        sql.index(IDS, "medicaid_id")
    return counts


def _refuse_incomplete_new_members(sql: Sql, rejections: list[Rejection]) -> None:
    incomplete = (
        "member_id IS NULL AND (last_name IS NULL OR first_name IS NULL OR birth_day IS NULL)"
    )
    for position, medicaid_id in sql.rows(
        f"SELECT position, medicaid_id FROM elig_m WHERE {incomplete} ORDER BY position"
    ):
        code = RejectionCode.MISSING_NAME
        rejections.append(
            Rejection(position, code, NEW_MEMBER_INCOMPLETE.format(id_=medicaid_id), medicaid_id)
        )
    sql.run(f"DELETE FROM elig_m WHERE {incomplete}")


def _add_members(sql: Sql, stamp: Stamp) -> int:
    sql.temp_table(
        "elig_new_members",
        f"SELECT {sql.next_id(Member._meta.db_table)} AS id, x.* FROM (SELECT elig_m.*,"
        " row_number() OVER (ORDER BY medicaid_id) AS rn FROM elig_m WHERE member_id IS NULL) x",
    )
    added = sql.run(
        f"INSERT INTO {sql.q(Member._meta.db_table)} (id, medicaid_id, last_name, first_name,"
        " middle_name, birth_date, sex, language, town_id, region_id, dcf_involved, temporary_id,"
        " created_at, updated_at)"
        f" SELECT n.id, n.medicaid_id, n.last_name, n.first_name, COALESCE(n.middle_name, ''),"
        f" {sql.date('n.birth_day')}, COALESCE(n.sex, 'U'), COALESCE(n.language, 'en'), n.town_id,"
        " t.region_id, COALESCE(n.dcf_involved, FALSE), FALSE, %s, %s FROM elig_new_members n"
        f" LEFT JOIN {sql.q(Town._meta.db_table)} t ON t.id = n.town_id",
        [stamp.when, stamp.when],
    )
    if added:
        write_history(sql, Member, "elig_new_members", "+", stamp)
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
        f"SELECT m.id, {', '.join('n.' + c for c in _DEMOGRAPHICS)}, t.region_id"
        f" FROM elig_m n JOIN {member} m ON m.id = n.member_id"
        f" LEFT JOIN {sql.q(Town._meta.db_table)} t ON t.id = n.town_id WHERE {differs}",
    )
    if not changed:
        return 0
    keep = ", ".join(
        f"{c} = COALESCE(c.{c}, {member}.{c})"
        for c in (
            "last_name",
            "first_name",
            "middle_name",
            "sex",
            "language",
            "town_id",
            "region_id",
            "dcf_involved",
        )
    )
    sql.run(
        f"UPDATE {member} SET {keep},"
        f" birth_date = COALESCE({sql.date('c.birth_day')}, {member}.birth_date), updated_at = %s"
        f" FROM elig_changed_members c WHERE {member}.id = c.id",
        [stamp.when],
    )
    write_history(sql, Member, "elig_changed_members", "~", stamp)
    return changed
