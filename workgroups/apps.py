from django.apps import AppConfig


class WorkgroupsConfig(AppConfig):
    name = "workgroups"
    default_auto_field = "django.db.models.BigAutoField"
