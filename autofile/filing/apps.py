from django.apps import AppConfig


class FilingConfig(AppConfig):
    name = "autofile.filing"
    verbose_name = "Filing: batches, bulk sheets and reconciliation"

    def ready(self) -> None:
        from autofile.accounts.models import Role
        from autofile.filing.selectors import documents
        from autofile.review import extensions

        extensions.register_bulk_action(
            key="submission-batch",
            label="Create submission batch",
            url_name="filing:batch_create",
            roles=(Role.QA, Role.ADMIN),
        )
        extensions.register_packet_panel(
            key="filing-packet",
            template="filing/packet_panel.html",
            load=documents.packet_panel,
        )
