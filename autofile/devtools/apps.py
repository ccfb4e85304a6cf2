from django.apps import AppConfig


class DevtoolsConfig(AppConfig):
    """What `make demo` and `make test` run; the top layer, so it may use every app."""

    name = "autofile.devtools"
    label = "devtools"
