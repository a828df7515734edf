from django.core.management.base import BaseCommand

from aso.core.services import roles_sync


class Command(BaseCommand):
    help = "Create one group per role and give it exactly the role's permissions (idempotent)."

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        result = roles_sync()
        for name in result.created_groups:
            self.stdout.write(f"created role group {name}")
        for line in result.added:
            self.stdout.write(f"granted {line}")
        for line in result.removed:
            self.stdout.write(f"revoked {line}")
        self.stdout.write("roles in sync" if not result.changed else "roles synced")
