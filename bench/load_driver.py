"""Run one `manage.py load_eligibility` in this process and print what it cost, as JSON.

    DATABASE_URL=... python bench/load_driver.py FILE [load_eligibility options...]

Wall time, this process's CPU time and peak RSS, and (PostgreSQL) the CPU time of the database backend
that did the load's SQL, so a figure taken on a busy machine can be read for what it is.
"""

from __future__ import annotations

import io
import json
import os
import resource
import sys
import time

from common import django_setup


def backend_cpu_seconds(pid: int) -> float | None:
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main() -> None:
    django_setup()
    from django.core.management import call_command
    from django.db import connection

    from members.models import EligibilityLoad

    backend = None
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            backend = cursor.fetchone()[0]
    cpu_before = backend_cpu_seconds(backend) if backend else None
    out = io.StringIO()
    started, own = time.perf_counter(), time.process_time()
    error = ""
    try:
        call_command("load_eligibility", *sys.argv[1:], stdout=out)
    except Exception as exc:  # noqa: BLE001  reported in the JSON
        error = str(exc)
    seconds = time.perf_counter() - started
    cpu_after = backend_cpu_seconds(backend) if backend else None
    load = EligibilityLoad.objects.order_by("-pk").first()
    print(
        json.dumps(
            {
                "seconds": seconds,
                "loader_cpu_seconds": time.process_time() - own,
                "database_cpu_seconds": (cpu_after - cpu_before)
                if cpu_before is not None
                else None,
                "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                "error": error,
                "output": out.getvalue().strip(),
                "load": {
                    "id": load.pk,
                    "status": load.status,
                    "counts": load.counts(),
                    "parse_seconds": load.parse_seconds,
                    "merge_seconds": load.merge_seconds,
                    "steps": load.step_seconds,
                }
                if load
                else None,
            }
        )
    )


if __name__ == "__main__":
    main()
