"""One provider-file write at a time: imports and the maintenance services take this lock.

On PostgreSQL a transaction-level advisory lock (released at commit or rollback); SQLite transactions are
serialized already (BEGIN IMMEDIATE, see settings).
"""

from collections.abc import Callable
from functools import wraps
from typing import ParamSpec, TypeVar

from django.db import connection, transaction

P = ParamSpec("P")
R = TypeVar("R")

LOCK_KEY = 7_300_001


def provider_file_lock() -> None:
    """Wait for, then hold until the end of the current transaction, the provider-file write lock."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])


def provider_file_write(func: Callable[P, R]) -> Callable[P, R]:
    """A service that writes the provider file: one transaction, the lock taken first (before any row
    lock, so a service and an import never wait for each other in opposite orders)."""

    @wraps(func)
    def write(*args: P.args, **kwargs: P.kwargs) -> R:
        with transaction.atomic():
            provider_file_lock()
            return func(*args, **kwargs)

    return write
