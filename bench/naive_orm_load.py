"""Baseline (b) for the eligibility load: the naive ORM loop, one row at a time, history as usual.

    DATABASE_URL=... python bench/naive_orm_load.py FILE ROWS

For each CSV row: find or create the member (save), find the span by member, program and start and
update or create it (save). Autocommit, simple-history on every save. Prints JSON {seconds, rows}.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import sys
import time
from itertools import islice

from common import django_setup


def main() -> None:
    django_setup()
    from members.models import EligibilitySpan, Member, Program
    from providers.models import Town

    path, limit = sys.argv[1], int(sys.argv[2])
    programs = {p.code: p for p in Program.objects.all()}
    towns = {t.name: t for t in Town.objects.all()}
    started = time.perf_counter()
    count = 0
    with open(path, newline="") as f:
        reader = csv.reader(f)
        next(reader)
        for fields in islice(reader, limit):
            mid, last, first, middle, birth, sex, lang, town, dcf, prog, start, end = fields
            member = Member.objects.filter(medicaid_id=mid).first()
            if member is None:
                member = Member(medicaid_id=mid)
            member.last_name, member.first_name, member.middle_name = last, first, middle
            member.birth_date, member.sex, member.language = dt.date.fromisoformat(birth), sex, lang
            member.town = towns.get(town)
            member.region_id = member.town.region_id if member.town else None
            member.dcf_involved = dcf == "Y"
            member.save()
            start_day = dt.date.fromisoformat(start)
            span = EligibilitySpan.objects.filter(
                member=member, program=programs[prog], start=start_day
            ).first() or EligibilitySpan(member=member, program=programs[prog], start=start_day)
            span.end = dt.date.fromisoformat(end) if end else None
            span.save()
            count += 1
    print(json.dumps({"seconds": time.perf_counter() - started, "rows": count}))


if __name__ == "__main__":
    main()
