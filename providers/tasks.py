"""Celery tasks of the provider network: take ids, call one service."""

from celery import shared_task

from providers.invitations import staff_invitation_send


@shared_task(name="providers.staff_invitation_send", autoretry_for=(OSError,), max_retries=3)
def staff_invitation_send_task(link_id: int) -> bool:
    """Email a staff invitation; retried on a mail server that does not answer."""
    return staff_invitation_send(link_id=link_id)
