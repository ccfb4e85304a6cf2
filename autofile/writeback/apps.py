from django.apps import AppConfig


class WritebackConfig(AppConfig):
    name = "autofile.writeback"
    verbose_name = "Write-back to ServiceTitan"
