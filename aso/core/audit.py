"""The one helper every view, API answer and export uses to record a read of member data by a person."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.http import HttpRequest

from aso.core.choices import AccessAction
from aso.core.models import AccessLog, AccessLogItem
from aso.core.rows import insert_rows

ITEM_BATCH = 5000


def _client_ip(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def access_log_record(
    *,
    user: Any,
    action: str = AccessAction.VIEW,
    subject: models.Model | None = None,
    subject_model: type[models.Model] | None = None,
    subject_ids: Iterable[int] = (),
    request: HttpRequest | None = None,
    purpose: str = "",
) -> AccessLog:
    """Write who read which record(s), when and from where.

    Pass `subject` for one record, or `subject_model` and `subject_ids` for many (an export). `purpose`
    is a short non-PHI description ("member detail", "DCF detail workbook 2026Q3").
    """
    model = type(subject) if subject is not None else subject_model
    content_type = ContentType.objects.get_for_model(model) if model is not None else None
    ids = list(subject_ids)
    match = getattr(request, "resolver_match", None) if request is not None else None
    log = AccessLog(
        user=user,
        action=action,
        subject_type=content_type,
        subject_id=subject.pk if subject is not None else None,
        subject_count=1 if subject is not None else len(ids),
        view_name=(match.view_name if match else "")[:120],
        ip_address=_client_ip(request),
        purpose=purpose[:200],
    )
    insert_rows([log])  # one prepared statement: every read of member data writes one
    for start in range(0, len(ids), ITEM_BATCH):
        AccessLogItem.objects.bulk_create(
            AccessLogItem(log=log, subject_id=pk) for pk in ids[start : start + ITEM_BATCH]
        )
    return log
