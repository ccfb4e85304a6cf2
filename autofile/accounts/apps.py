from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "autofile.accounts"
    verbose_name = "Accounts"
