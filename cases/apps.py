from importlib import import_module

from django.apps import AppConfig
from django.apps import apps as global_apps
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def ensure_defaults(sender, apps=None, using="default", **kwargs):
    """Recreate missing default rows after every migrate and flush (a flush, as between transactional
    tests, empties what the data migrations seeded). Never overwrites: roles and deadline policies are
    added only when missing; the default closed days only when the table is empty, so a day that an
    admin removed stays removed."""
    apps = apps or global_apps  # flush sends no migration state
    Group = apps.get_model("auth", "Group")
    Policy = apps.get_model("cases", "DeadlinePolicy")
    ClosedDay = apps.get_model("cases", "ClosedDay")
    roles = import_module("cases.migrations.0002_roles")
    policies = import_module("cases.migrations.0004_seed_deadline_policies")
    if Group.objects.using(using).count() < 3:
        roles.create_roles(apps, None)
    rows = _seeded_policy_rows()
    known = set(Policy.objects.using(using).values_list("kind", flat=True))
    if any(row[0] not in known for row in rows):
        if not ClosedDay.objects.using(using).exists():
            policies.seed(apps, None)  # seed() also adds the default closed days
            known = set(Policy.objects.using(using).values_list("kind", flat=True))
        for row in rows:
            if row[0] not in known:
                policies.seed_policy(Policy, row)
    # The default screening questionnaire (only when there is none at all).
    import_module("cases.migrations.0026_comeback_seed").seed_questionnaire(apps, using=using)

    # Other default rows a data migration seeds (e.g. early detection's alert rules): each migration that
    # has an ENSURE_DEFAULTS callable re-adds what is missing (found by attribute, not by file name).
    for ensure in _migration_attributes("ENSURE_DEFAULTS"):
        ensure(apps, using)


def _migration_attributes(name: str) -> list:
    import pkgutil

    package = import_module("cases.migrations")
    found = []
    for info in pkgutil.iter_modules(package.__path__):
        value = getattr(import_module(f"cases.migrations.{info.name}"), name, None)
        if value is not None:
            found.append(value)
    return found


def _seeded_policy_rows() -> list[tuple]:
    """The default policy rows of every cases data migration that lists them in `POLICIES` (same
    row shape as 0004), so a policy added by a later migration also comes back after a flush."""
    import pkgutil

    package = import_module("cases.migrations")
    rows: list[tuple] = []
    for info in pkgutil.iter_modules(package.__path__):
        rows += getattr(import_module(f"cases.migrations.{info.name}"), "POLICIES", [])
    return rows


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = _("Cases")

    def ready(self):
        # The app config is the app's composition root (the top layer in .importlinter): it wires the
        # parts together; the kernel modules it imports never import back.
        post_migrate.connect(ensure_defaults, sender=self, dispatch_uid="cases.ensure_defaults")
        from . import tasks  # noqa: F401  (registers the outbox's "send now" kick with the notifications)
        from .absence import admin as _absence_admin  # noqa: F401  (registers early detection's admin)
        from .absence import tasks as _absence_tasks  # noqa: F401  (registers the nightly alert evaluation)
        from .channel import checks as channel_checks  # noqa: F401  (registers the channel's deploy checks)
        from .dashboard import cache  # noqa: F401  (connects the dashboard cache's invalidation)
        from .dashboard import tasks as _dashboard_tasks  # noqa: F401  (registers the morning mail task)
