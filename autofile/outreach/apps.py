from django.apps import AppConfig


class OutreachConfig(AppConfig):
    name = "autofile.outreach"
    verbose_name = "Homeowner and technician requests"

    def ready(self) -> None:
        from autofile.outreach import selectors
        from autofile.review import extensions

        extensions.register_packet_panel(
            key="outreach-requests",
            template="outreach/packet_panel.html",
            load=selectors.packet_panel,
        )
        extensions.register_queue_badge(
            key="outreach-requests",
            template="outreach/queue_badge.html",
            load=selectors.queue_badges,
        )
        extensions.register_coordinator_panel(
            key="outreach-technicians",
            template="outreach/coordinator_panel.html",
            load=selectors.coordinator_panel,
        )
