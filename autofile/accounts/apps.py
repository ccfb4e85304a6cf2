from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "autofile.accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from autofile.accounts import security  # noqa: F401  (logs each login lockout)
