"""The hand-written statements of the hot paths (aso.core.rows) read and write what the ORM would."""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.forms.models import model_to_dict

from aso.core.models import AccessLog
from aso.core.rows import insert_rows, model_rows

pytestmark = pytest.mark.django_db


def test_model_rows_reads_the_same_instance_as_the_orm(make_user):
    user = make_user("provider_staff")
    (read,) = model_rows(type(user), '"id" = %s', [user.pk])
    orm = type(user).objects.get(pk=user.pk)
    assert read == orm and not read._state.adding
    assert model_to_dict(read) | {"groups": None} == model_to_dict(orm) | {"groups": None}
    assert read.date_joined == orm.date_joined and read.date_joined.tzinfo is not None
    assert model_rows(type(user), '"id" = %s', [0]) == []


def test_insert_rows_writes_what_save_writes_and_numbers_the_rows(make_user):
    user = make_user("care_manager")
    subject = ContentType.objects.get_for_model(type(user))
    fields = {
        "user": user,
        "action": "view",
        "subject_type": subject,
        "subject_id": 7,
        "subject_count": 1,
        "view_name": "x:y",
        "ip_address": "10.0.0.1",
        "purpose": "test",
    }
    saved = AccessLog.objects.create(**fields)
    inserted = [AccessLog(**fields), AccessLog(**fields)]
    insert_rows(inserted)
    assert all(log.pk and not log._state.adding for log in inserted)
    assert len({saved.pk, *(log.pk for log in inserted)}) == 3
    ignore = {"id", "occurred_at"}
    for log in inserted:
        stored = AccessLog.objects.get(pk=log.pk)
        assert {k: v for k, v in model_to_dict(stored).items() if k not in ignore} == {
            k: v for k, v in model_to_dict(saved).items() if k not in ignore
        }
        assert stored.occurred_at is not None and stored.occurred_at >= saved.occurred_at


def test_insert_rows_refuses_what_the_database_refuses_and_writes_nothing(make_user):
    user = make_user("care_manager")
    bad = [
        AccessLog(user=user, action="view", subject_count=1),
        AccessLog(user=user, action=None),
    ]
    with pytest.raises(IntegrityError), transaction.atomic():
        insert_rows(bad)
    assert not AccessLog.objects.filter(user=user).exists()
