"""Print the demo logins: one per role, with the password and, where needed, a current TOTP code.

    manage.py demo_logins --url http://localhost:8000/

The codes are computed with allauth's own TOTP code generation from the secret
stored on each person's authenticator, so they are what an authenticator app
would show now. Load the data first with ``manage.py seed_demo``.
"""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand

from partnership import demo
from partnership.models import Person


class Command(BaseCommand):
    help = "Print the demo logins (role, e-mail, password, TOTP secret and current code)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--url",
            default=settings.SITE_URL.rstrip("/") + "/",
            help="The portal's address, printed above the table.",
        )

    def handle(self, *args, url: str, **options):
        from allauth.mfa.models import Authenticator
        from allauth.mfa.utils import decrypt

        people = {
            p.email: p for p in Person.objects.filter(email__in=[x.email for x in demo.DEMO_LOGINS])
        }
        secrets = {
            a.user_id: decrypt(a.data["secret"])
            for a in Authenticator.objects.filter(
                user__in=people.values(), type=Authenticator.Type.TOTP
            )
        }
        rows = [("Rolle", "E-post", "Passord", "TOTP-hemmelighet", "Kode nå")]
        warnings = []
        valid_for = None
        for login in demo.DEMO_LOGINS:
            person = people.get(login.email)
            secret = code = ""
            if person is None:
                warnings.append(f"{login.email} finnes ikke: kjør `manage.py seed_demo`.")
            elif login.totp:
                secret = secrets.get(person.pk, "")
                if not secret:
                    warnings.append(
                        f"{login.email} har ingen TOTP-autentisering: kjør `manage.py seed_demo`."
                    )
                else:
                    code, valid_for = demo.current_totp_code(secret)
                    if secret != demo.DEMO_TOTP_SECRET:
                        warnings.append(
                            f"{login.email} har en annen TOTP-hemmelighet enn demohemmeligheten."
                        )
            rows.append((login.role, login.email, demo.DEMO_PASSWORD, secret, code))

        widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
        line = "  ".join("-" * w for w in widths)
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"Partnerskap mot mobbing (demo): {url}"))
        self.stdout.write("Demoinnlogginger (fiktive personer):")
        for i, row in enumerate(rows):
            self.stdout.write(
                "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
            )
            if i == 0:
                self.stdout.write(line)
        if valid_for is not None:
            self.stdout.write(
                f"\nKoden gjelder i {valid_for} s til. Sekretariatet og administratoren må "
                "bruke andre faktor: legg hemmeligheten inn i en autentiseringsapp, eller kjør "
                "kommandoen på nytt for en ny kode.\n"
                "Hver kode kan bare brukes én gang per konto: har noen nettopp brukt den, "
                "vent på neste (30 s)."
            )
        for warning in warnings:
            self.stderr.write(self.style.WARNING(warning))
