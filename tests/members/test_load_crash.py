"""One transaction per file: a load killed in the middle leaves the database as it was, and the same
file can be loaded again. The load runs in a real `manage.py load_eligibility` subprocess, which is
killed (SIGKILL) while its transaction is open, after it has written the file's new members."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from django.db import connection

from tests.conftest import ROOT
from tests.members.factories import MemberFactory, span
from tests.members.loads import csv_file, row

FAILPOINT = "members_written"
TABLES = ("members_member", "members_eligibilityspan", "members_historicalmember")


def _database_for_subprocess(tmp_path: Path) -> tuple[str, Callable[[str], list[tuple]]]:
    """A DATABASE_URL the subprocess can reach holding the test's data, and a way to query it."""
    if connection.vendor == "postgresql":
        db = connection.settings_dict
        url = f"postgresql://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"

        def query(sql: str) -> list[tuple]:
            with connection.cursor() as cursor:
                cursor.execute(sql)
                return list(cursor.fetchall())

        return url, query
    path = tmp_path / "crash.sqlite3"  # the in-memory test database, copied to a file
    target = sqlite3.connect(path)
    connection.ensure_connection()
    connection.connection.backup(target)
    target.close()

    def query_file(sql: str) -> list[tuple]:
        with sqlite3.connect(path) as db:
            return list(db.execute(sql).fetchall())

    return f"sqlite:///{path}", query_file


def _load(file: Path, url: str, tmp_path: Path, *, failpoint: str = "") -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CELERY_")}
    env.update(
        DATABASE_URL=url,
        CELERY_TASK_ALWAYS_EAGER="1",
        MEDIA_ROOT=str(tmp_path / "media"),
        ASO_ELIGIBILITY_FAILPOINT=failpoint,
        STATICFILES_BACKEND="django.contrib.staticfiles.storage.StaticFilesStorage",
    )
    command = [sys.executable, "manage.py", "load_eligibility", str(file), "--full"]
    command += ["--as-of", "2026-01-01"]
    return subprocess.Popen(
        command, cwd=ROOT, env=env, stderr=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )


def _wait_for(process: subprocess.Popen, text: str, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    assert process.stderr is not None
    seen = []
    while time.monotonic() < deadline:
        line = process.stderr.readline()
        if not line and process.poll() is not None:
            break
        seen.append(line)
        if text in line:
            return
    process.kill()
    pytest.fail(f"the load never reached {text!r}: {''.join(seen)[-2000:]}")


@pytest.mark.django_db(transaction=True)
def test_a_load_killed_mid_transaction_changes_nothing_and_can_run_again(ref, tmp_path):
    ana = MemberFactory(medicaid_id="012345678")
    span(ana, "HUSKY_A", "2020-01-01")
    rows = [row(f"{100000000 + n:09d}", "HUSKY_D", "2025-01-01") for n in range(300)]
    file = tmp_path / "full.csv"
    file.write_bytes(csv_file(*rows))  # a full file without Ana: it would end her span
    url, query = _database_for_subprocess(tmp_path)
    before = {table: query(f"SELECT COUNT(*) FROM {table}") for table in TABLES}

    killed = _load(file, url, tmp_path, failpoint=FAILPOINT)
    _wait_for(killed, f"failpoint {FAILPOINT} reached")  # 300 members written, not committed
    os.kill(killed.pid, signal.SIGKILL)
    killed.wait(timeout=30)

    assert {table: query(f"SELECT COUNT(*) FROM {table}") for table in TABLES} == before
    assert query('SELECT "end" FROM members_eligibilityspan') == [(None,)]
    assert query("SELECT status FROM members_eligibilityload") == [("running",)]

    again = _load(file, url, tmp_path)
    out, err = again.communicate(timeout=300)
    assert again.returncode == 0, err[-2000:]
    assert "members added 300" in out
    assert query("SELECT COUNT(*) FROM members_member") == [(301,)]
    (ended,) = query(f'SELECT "end" FROM members_eligibilityspan WHERE member_id = {ana.pk}')
    assert str(ended[0]) == "2025-12-31"  # the full file ended Ana's span the day before its date
    statuses = query("SELECT status, message FROM members_eligibilityload ORDER BY id")
    assert [s for s, _ in statuses] == ["failed", "succeeded"]
    assert "Interrupted" in statuses[0][1]
