from django.apps import AppConfig


class PartnerpotConfig(AppConfig):
    name = "partnerpot"
    default_auto_field = "django.db.models.BigAutoField"
