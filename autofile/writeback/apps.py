from django.apps import AppConfig


class WritebackConfig(AppConfig):
    name = "autofile.writeback"
    verbose_name = "Write-back to ServiceTitan"

    def ready(self) -> None:
        from autofile.mirror import hooks
        from autofile.writeback.services import ROUND_TRIP_RESOURCES, page_synced

        # Synced pages of what AutoFile writes confirm the corrections read back.
        hooks.on_page_synced(ROUND_TRIP_RESOURCES, page_synced)
