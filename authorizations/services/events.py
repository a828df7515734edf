"""The audit trail of a request: one Event row per state change, written in the same transaction."""

from __future__ import annotations

from typing import Any

from aso.core.rows import insert_rows
from authorizations.models import Event, Request


def event_record(
    *,
    request: Request,
    kind: str,
    actor: Any,
    from_status: str = "",
    to_status: str = "",
    detail: dict[str, Any] | None = None,
) -> Event:
    """Record who did what to a request and why. `detail` holds codes and ids, never PHI."""
    event = Event(
        request=request,
        kind=kind,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        from_status=from_status,
        to_status=to_status,
        detail=detail or {},
    )
    insert_rows([event])  # one prepared statement: events are written on every state change
    return event
