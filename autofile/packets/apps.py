from django.apps import AppConfig


class PacketsConfig(AppConfig):
    name = "autofile.packets"
    verbose_name = "Rules, programs and packets"
