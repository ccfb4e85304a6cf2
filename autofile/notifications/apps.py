from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "autofile.notifications"
    verbose_name = "Notifications for assignees"
