from django.apps import AppConfig


class MirrorConfig(AppConfig):
    name = "autofile.mirror"
    verbose_name = "ServiceTitan mirror"
