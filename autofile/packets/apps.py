from django.apps import AppConfig


class PacketsConfig(AppConfig):
    name = "autofile.packets"
    verbose_name = "Rules, programs and packets"

    def ready(self) -> None:
        from autofile.mirror import hooks
        from autofile.packets.inputs import PACKET_INPUTS
        from autofile.packets.services.follow import documents_fetched, page_synced

        # Synced pages import matching jobs and mark and re-validate the packets they feed.
        hooks.on_page_synced(PACKET_INPUTS, page_synced)
        hooks.on_documents_fetched(documents_fetched)
