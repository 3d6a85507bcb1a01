from django.apps import AppConfig


class ProjectConfig(AppConfig):
    """The project package as an app, so that it can register its own start-up checks: the apps never
    import the project (import-linter forbids it), the project may import the apps."""

    name = "fastholdelse"
    verbose_name = "Fastholdelse"

    def ready(self):
        from . import checks  # noqa: F401  (registers the production start-up checks)
