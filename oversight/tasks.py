"""Periodic task (celery beat): purge old oversight export files."""

from celery import shared_task


@shared_task(name="oversight.files_purge")
def oversight_files_purge_task() -> int:
    from oversight.jobs import oversight_files_purge

    return oversight_files_purge()
