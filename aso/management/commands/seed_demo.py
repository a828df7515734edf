"""Synthetic data for the demo (small) and for benchmarks at Connecticut scale (ct)."""

from __future__ import annotations

import datetime as dt
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from aso.core.reference import ReferenceDataError
from aso.core.seeding import SCALES, SeedContext
from aso.core.services import roles_sync
from aso.demo import DEMO_PASSWORD, demo_users_create
from aso.referencedata import load_all
from authorizations.seed import seed_registrations
from authorizations.seed_review import seed_prior_auth
from care.seed import seed_icm
from care.seed_vcm import seed_vcm
from members.seed import seed_members
from par.seed import seed_par
from providers.seed import seed_providers
from relations.seed import seed_relations

# Each app's seeder, in layer order. Later capabilities add theirs here. seed_par and seed_icm come
# after any seeder that creates episodes: they read them (and create some only if there are none).
SEEDERS = (
    seed_providers,
    seed_members,
    seed_registrations,
    seed_prior_auth,
    seed_relations,
    seed_par,
    seed_icm,
    seed_vcm,
)


class Command(BaseCommand):
    help = "Load reference data and create deterministic synthetic data (small: seconds; ct: ~1M members)."

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("--scale", choices=SCALES, default="small")
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument(
            "--today",
            type=dt.date.fromisoformat,
            default=None,
            help="Pretend today is this date (YYYY-MM-DD); default: today in New York.",
        )
        parser.add_argument("--no-users", action="store_true", help="Do not create demo users.")

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        started = time.perf_counter()
        try:
            load_all()
        except ReferenceDataError as exc:
            raise CommandError(f"Reference data not loaded: {exc}") from exc
        roles_sync()
        ctx = SeedContext(
            scale=options["scale"],
            seed=options["seed"],
            today=options["today"] or timezone.localdate(),
            log=self.stdout.write,
        )
        for seeder in SEEDERS:
            step = time.perf_counter()
            with transaction.atomic():
                seeder(ctx)
            self.stdout.write(f"  {seeder.__name__}: {time.perf_counter() - step:.1f} s")
        if settings.DEMO_MODE and not options["no_users"]:
            users = demo_users_create()
            self.stdout.write(f"Demo users (password {DEMO_PASSWORD!r}):")
            for username, label in users:
                self.stdout.write(f"  {username:32} {label}")
            self.stdout.write("Then a code: `manage.py demo_totp` prints it (README, Demo users).")
        self.stdout.write(
            f"seeded {options['scale']} in {time.perf_counter() - started:.1f} s: {ctx.counts}"
        )
