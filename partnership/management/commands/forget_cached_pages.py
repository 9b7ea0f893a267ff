"""``manage.py forget_cached_pages``: after the database was changed outside Django (psql)."""

from django.core.management.base import BaseCommand

from partnership import pagecache


class Command(BaseCommand):
    help = (
        "Forget every cached page (partnership.pagecache), e.g. after editing the database "
        "by hand. Changes made through Django do this by themselves."
    )

    def handle(self, *args, **options) -> None:
        pagecache.forget_all()
        self.stdout.write("Cached pages forgotten.")
