"""Ending every session of a user whose account is disabled."""

from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils import timezone


@receiver(post_save, sender=get_user_model())
def end_sessions_of_disabled_user(sender, instance, **kwargs) -> None:  # type: ignore[no-untyped-def]
    """A disabled account must not keep a live session anywhere."""
    if instance.is_active:
        return
    user_pk = str(instance.pk)
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if session.get_decoded().get("_auth_user_id") == user_pk:
            session.delete()
