"""manage.py purge_oversight_files: remove oversight export files older than the retention period."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from oversight.jobs import oversight_files_purge


class Command(BaseCommand):
    help = "Remove oversight export files kept longer than OVERSIGHT_FILE_RETENTION_DAYS."

    def handle(self, *args: Any, **options: Any) -> None:
        removed = oversight_files_purge()
        self.stdout.write(f"{removed} file(s) removed")
