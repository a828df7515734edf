"""django-simple-history, with its history manager class built once per model instead of per access.

simple-history's `HistoryDescriptor.__get__` calls `Manager.from_queryset(...)` on every access of
`instance.history`, and it accesses it for every historical record it writes: Django builds a new
manager class each time (introspecting every QuerySet method), which cost about 5% of a registration's
CPU. The class depends only on the descriptor's manager and queryset classes, so it is memoized here;
the manager instances, and what they do, are unchanged.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Any

from django.db import models
from simple_history.manager import HistoryDescriptor

from aso.core.rows import insert_rows


@cache
def _manager_class(manager_class: type, queryset_class: type) -> type:
    return manager_class.from_queryset(queryset_class)  # type: ignore[attr-defined]


def _get(self: Any, instance: Any, owner: Any) -> Any:
    return _manager_class(self.manager_class, self.queryset_class)(self.model, instance)


def memoize_history_managers() -> None:
    """Install the memoized descriptor access (called once, when the core app is ready)."""
    HistoryDescriptor.__get__ = _get


def history_rows_insert(instances: Sequence[models.Model], *, user: Any, when: Any) -> None:
    """The "created" history rows of instances just inserted by `aso.core.rows.insert_rows` (which
    sends no post_save, so simple-history writes nothing): the same row simple-history writes on a
    save, by the acting user, in one statement."""
    if not instances:
        return
    history_model = type(instances[0]).history.model  # type: ignore[attr-defined]
    user = user if getattr(user, "is_authenticated", False) else None
    insert_rows(
        [
            history_model(
                history_date=when,
                history_type="+",
                history_user=user,
                history_change_reason=None,
                **{
                    field.attname: getattr(instance, field.attname)
                    for field in history_model.tracked_fields
                },
            )
            for instance in instances
        ]
    )
