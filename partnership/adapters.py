import uuid
from dataclasses import dataclass
from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.utils import translation

from . import outbox
from .models import NotificationKind, Person


@dataclass(frozen=True)
class PortalSite:
    """What allauth's templates call ``current_site`` ("Hei fra {{ site_name }}!")."""

    name: str
    domain: str


def portal_site() -> PortalSite:
    return PortalSite(name=str(settings.PORTAL_NAME), domain=urlsplit(settings.SITE_URL).netloc)


class AccountAdapter(DefaultAccountAdapter):
    """No open sign-up: people join through an invitation from the secretariat. Every e-mail
    allauth sends goes through the outbox."""

    def is_open_for_signup(self, request) -> bool:
        return False

    def send_mail(self, template_prefix, email, context):
        """Password resets, e-mail confirmations and second-factor notices are rendered now and
        stored in the outbox (issue 10 §4): no request waits for the mail server, and a mail
        server that is down delays the message instead of failing the page. The body holds a
        key or a link that works once, so it is blanked once sent (``scrub_after_send``)."""
        # allauth's own send_mail adds the site; this one renders directly, so it must too
        # (without it the greeting read "Hei fra !").
        message = self.render_mail(
            template_prefix, email, {"current_site": portal_site(), "email": email, **context}
        )
        html = (
            next(
                (content for content, mimetype in message.alternatives if mimetype == "text/html"),
                "",
            )
            if hasattr(message, "alternatives")
            else ""
        )
        outbox.enqueue(
            [
                outbox.Draft(
                    kind=NotificationKind.ACCOUNT,
                    # Every request is its own message (a second reset link is a new one).
                    idempotency_key=f"account:{template_prefix.rsplit('/', 1)[-1]}:{uuid.uuid4()}",
                    to_email=email,
                    language=translation.get_language() or "nb",
                    subject=message.subject,
                    body_text=message.body,
                    body_html=html,
                    recipient=Person.objects.filter(email__iexact=email).first(),
                    scrub_after_send=True,
                )
            ]
        )
