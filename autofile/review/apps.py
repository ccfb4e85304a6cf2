from django.apps import AppConfig


class ReviewConfig(AppConfig):
    name = "autofile.review"
    verbose_name = "QA review"
