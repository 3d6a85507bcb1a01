from importlib import import_module
from importlib.util import find_spec

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from cases.demo import DemoContext


def demo_steps():
    """Every installed app may have a `demo.py` with DEMO_STEPS; they run in INSTALLED_APPS order,
    so each feature seeds its own demo data without the apps importing each other."""
    for config in apps.get_app_configs():
        if find_spec(f"{config.name}.demo") is not None:
            yield from import_module(f"{config.name}.demo").DEMO_STEPS


class Command(BaseCommand):
    help = "Load realistic Danish demo data once (demo mode only: users with password 'demo')."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Run even outside demo mode.")

    def handle(self, *args, force=False, **options):
        if not (settings.DEMO_MODE or settings.DEBUG or force):
            raise CommandError("seed_demo creates users with a known password: run it in demo mode only.")
        if get_user_model().objects.filter(username="konsulent").exists():
            self.stdout.write("Demo data already loaded.")
            return
        ctx = DemoContext()
        with transaction.atomic():
            for step in demo_steps():
                step(ctx)
                self.stdout.write(f"  {step.__module__}.{step.__name__}: ok")
            for step in ctx.finally_steps:
                step(ctx)
        # What is due now gets warned or breached, so the bell and the dashboard show the real thing.
        from cases.sweep import sweep_deadlines

        swept = sweep_deadlines()
        self.stdout.write(self.style.SUCCESS(f"Demo data loaded: {len(ctx.cases)} cases, {swept} deadlines swept."))
