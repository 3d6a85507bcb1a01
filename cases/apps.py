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
    if Policy.objects.using(using).count() < len(policies.POLICIES):
        known = set(Policy.objects.using(using).values_list("kind", flat=True))
        if ClosedDay.objects.using(using).exists():
            # seed() also adds closed days; with some present, add only the missing policies.
            for row in policies.POLICIES:
                if row[0] not in known:
                    policies.seed_policy(Policy, row)
        else:
            policies.seed(apps, None)


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = _("Cases")

    def ready(self):
        post_migrate.connect(ensure_defaults, sender=self, dispatch_uid="cases.ensure_defaults")
        from fastholdelse import checks  # noqa: F401  (registers the production start-up checks)

        from .channel import checks as channel_checks  # noqa: F401  (registers the channel's deploy checks)
        from .dashboard import cache  # noqa: F401  (connects the dashboard cache's invalidation)
