from django.apps import AppConfig


class PartnerpotConfig(AppConfig):
    name = "partnerpot"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from meetings import extensions

        from . import access

        # People conflicted on an application never read its recommendation on the agenda.
        extensions.register_conflict_source(access.conflicted_on_agenda_items)
