from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_ORGNR_WEIGHTS = (3, 2, 7, 6, 5, 4, 3, 2)


def organisation_number_is_valid(value: str) -> bool:
    """Brønnøysund organisation numbers: 9 digits, the last a mod-11 check digit."""
    if len(value) != 9 or not value.isdigit():
        return False
    remainder = sum(int(d) * w for d, w in zip(value[:8], _ORGNR_WEIGHTS, strict=True)) % 11
    check = 0 if remainder == 0 else 11 - remainder
    return check != 10 and check == int(value[8])


def validate_organisation_number(value: str) -> None:
    if len(value) != 9 or not value.isdigit():
        raise ValidationError(
            _("Organisasjonsnummeret må ha nøyaktig 9 sifre."), code="orgnr_format"
        )
    if not organisation_number_is_valid(value):
        raise ValidationError(
            _("Organisasjonsnummeret er ikke gyldig (kontrollsifferet stemmer ikke)."),
            code="orgnr_checksum",
        )
