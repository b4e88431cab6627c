"""Build a large practice for load and speed work; the content is practice.demo.scale."""

from __future__ import annotations

import random
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from practice.demo.scale import build
from practice.tenancy.models import Practice


class Command(BaseCommand):
    help = "Build a large practice with two years of history (bulk inserts, fixed seed)."

    def add_arguments(self, parser):
        parser.add_argument("--therapists", type=int, default=20)
        parser.add_argument("--clients", type=int, default=2000)
        parser.add_argument("--checkins", type=int, default=100_000)
        parser.add_argument("--small", action="store_true", help="3 therapists, 60 clients, 3,000 check-ins.")
        parser.add_argument("--seed", type=int, default=42)

    def handle(self, *args, **o):
        if o["small"]:
            o.update(therapists=3, clients=60, checkins=3000)
        name = f"Scale Practice {o['seed']}"
        if Practice.objects.filter(name=name).exists():
            raise CommandError(f"{name} already exists; records are append-only, so use another --seed.")
        started = time.perf_counter()
        with transaction.atomic():
            counts = build(name, o["therapists"], o["clients"], o["checkins"], random.Random(o["seed"]))
        elapsed = time.perf_counter() - started
        self.stdout.write(self.style.SUCCESS(f"{name} built in {elapsed:.1f} s"))
        for label, n in counts.items():
            self.stdout.write(f"  {label:<20} {n:>8}")
