from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "autofile.core"
    verbose_name = "Core"
