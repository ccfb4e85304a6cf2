from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "autofile.api"
    label = "api"
    verbose_name = "REST API"

    def ready(self) -> None:
        from autofile.api import schema  # noqa: F401  (registers the token scheme)
