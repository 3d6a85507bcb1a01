from importlib import import_module

from django.apps import AppConfig
from django.apps import apps as global_apps
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def ensure_defaults(sender, apps=None, using="default", **kwargs):
    """The default step model, offer catalogue and start-conversation questions, when the tables are empty (after a flush between
    transactional tests, or a fresh database); never touches what an admin has edited."""
    apps = apps or global_apps  # flush sends no migration state
    Step = apps.get_model("roundtable", "Step")
    if not Step.objects.using(using).exists():
        import_module("roundtable.migrations.0001_initial").seed(apps, None)
        import_module("roundtable.migrations.0002_project_offer_employer_name").seed(apps, None)
    # Lyngby-Taarbæk's three start-conversation questions.
    StartQuestion = apps.get_model("roundtable", "StartQuestion")
    if not StartQuestion.objects.using(using).exists():
        import_module("roundtable.migrations.0009_screening_start_questions").seed_questions(apps, None)


class RoundtableConfig(AppConfig):
    name = "roundtable"
    verbose_name = _("Roundtable")

    def ready(self):
        post_migrate.connect(ensure_defaults, sender=self, dispatch_uid="roundtable.ensure_defaults")
        from cases.channel import documents
        from cases.ports import meetings
        from cases.ports.mywork import register_meetings_provider
        from cases.retention import register_case_anonymiser, register_caseless_sweeper

        from .citizen import KIND, minutes_document
        from .port import RoundtableMeetings
        from .port_mywork import MyWorkMeetings
        from .retention import caseless_rows_clear, meetings_anonymise

        meetings.register(RoundtableMeetings())  # the case page and the employer's status page
        register_meetings_provider(MyWorkMeetings())  # "Mit arbejde"
        documents.register(KIND, minutes_document)
        register_case_anonymiser(meetings_anonymise)  # the retention job anonymises the meetings too
        register_caseless_sweeper(caseless_rows_clear)  # and clears what never got a case
