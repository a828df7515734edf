"""Register the nightly ICM identification with Celery beat (django_celery_beat's database scheduler).

A data migration, so every database that is migrated gets the schedule and a supervisor can change
the time or disable it in the admin (Periodic tasks) without a deploy. Reversible.
"""

from django.db import migrations

TASK_NAME = "ICM candidate identification (nightly)"
TASK = "care.icm_identify_nightly"


def register(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    schedule, _ = CrontabSchedule.objects.get_or_create(
        minute="30",
        hour="2",
        day_of_week="*",
        day_of_month="*",
        month_of_year="*",
        timezone="America/New_York",
    )
    PeriodicTask.objects.update_or_create(
        name=TASK_NAME,
        defaults={
            "task": TASK,
            "crontab": schedule,
            "enabled": True,
            "description": "Find members meeting ICM triggers; runs through a Job (care app).",
        },
    )


def unregister(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name=TASK_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("care", "0003_icm_workflow"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(register, unregister)]
