from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "autofile.core"
    verbose_name = "Core"

    def ready(self) -> None:
        from autofile.core import deploy, lookups  # noqa: F401  (registers `__any`, checks)
