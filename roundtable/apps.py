from importlib import import_module

from django.apps import AppConfig
from django.apps import apps as global_apps
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def ensure_defaults(sender, apps=None, using="default", **kwargs):
    """The default step model and offer catalogue, when the tables are empty (after a flush between
    transactional tests, or a fresh database); never touches what an admin has edited."""
    apps = apps or global_apps  # flush sends no migration state
    Step = apps.get_model("roundtable", "Step")
    if not Step.objects.using(using).exists():
        import_module("roundtable.migrations.0001_initial").seed(apps, None)


class RoundtableConfig(AppConfig):
    name = "roundtable"
    verbose_name = _("Roundtable")

    def ready(self):
        post_migrate.connect(ensure_defaults, sender=self, dispatch_uid="roundtable.ensure_defaults")
        from cases.ports import register_meetings_provider

        from .ports import RoundtableMeetings

        register_meetings_provider(RoundtableMeetings())  # "Mit arbejde" reads meetings through this port
