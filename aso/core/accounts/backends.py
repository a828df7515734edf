"""The authentication backend: Django's ModelBackend, with a user's permissions read in one statement.

Django reads a user's own permissions and their groups' permissions in two queries, each built by the
ORM, on every request that checks one (each request loads its user afresh). The API's busiest calls
(a registration, issue 5) check one permission per request, so this backend reads both sets in one
UNION statement. The answers are Django's own: the same rules for inactive users, superusers and
object permissions (left to django-guardian's backend).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection

from aso.core.rows import hot_cursor


def _permissions_sql() -> str:
    user_model = get_user_model()
    quote = connection.ops.quote_name
    permission = quote(Permission._meta.db_table)
    content_type = quote(ContentType._meta.db_table)
    user_permissions = quote(user_model._meta.get_field("user_permissions").m2m_db_table())
    user_groups = quote(user_model._meta.get_field("groups").m2m_db_table())
    group_permissions = quote(Group._meta.get_field("permissions").m2m_db_table())
    user_column = quote(user_model._meta.get_field("groups").m2m_column_name())
    user_perm_column = quote(user_model._meta.get_field("user_permissions").m2m_column_name())
    return (
        f"SELECT ct.app_label, p.codename FROM {permission} p "
        f"JOIN {content_type} ct ON ct.id = p.content_type_id "
        f"JOIN {user_permissions} up ON up.permission_id = p.id WHERE up.{user_perm_column} = %s "
        f"UNION "
        f"SELECT ct.app_label, p.codename FROM {permission} p "
        f"JOIN {content_type} ct ON ct.id = p.content_type_id "
        f"JOIN {group_permissions} gp ON gp.permission_id = p.id "
        f"JOIN {user_groups} ug ON ug.group_id = gp.group_id WHERE ug.{user_column} = %s"
    )


class PermissionBackend(ModelBackend):
    """ModelBackend whose permission set of an active, non-superuser user costs one statement."""

    def get_all_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if user_obj.is_superuser:
            return super().get_all_permissions(user_obj, obj)
        if not hasattr(user_obj, "_perm_cache"):
            with hot_cursor() as cursor:
                cursor.execute(_permissions_sql(), [user_obj.pk, user_obj.pk])
                user_obj._perm_cache = {f"{app}.{codename}" for app, codename in cursor.fetchall()}
        return user_obj._perm_cache
