"""The shape of a registration for an event, for the API and the page alike."""

from __future__ import annotations

from babel import Locale
from flask_babel import lazy_gettext as _l
from marshmallow import Schema, ValidationError, fields, validate

from kb.i18n import LANGUAGES
from kb.schemas.fields import TimeZone, one_of

#: Two-letter codes CLDR names that are not countries (groupings, pseudo-regions).
NOT_COUNTRIES = {"EU", "EZ", "QO", "UN", "XA", "XB", "ZZ"}


def country_codes() -> set[str]:
    """ISO 3166-1 alpha-2 codes that CLDR names (the registration form's choices)."""
    return {
        code
        for code in Locale("en").territories
        if len(code) == 2 and code.isalpha() and code not in NOT_COUNTRIES
    }


class CountryCode(fields.String):
    """A country by its ISO 3166-1 alpha-2 code, any country of the world."""

    def _deserialize(self, value, attr, data, **kwargs):
        value = super()._deserialize(value, attr, data, **kwargs).strip().upper()
        if value not in country_codes():
            raise ValidationError(_l("Not a country code (ISO 3166-1 alpha-2, e.g. UZ)."))
        return value


class RegistrationSchema(Schema):
    """What a person gives to register: `consent` must be true.

    The answer never repeats the e-mail address: an answer is no place for a person's
    address, even their own.
    """

    name = fields.String(
        required=True,
        validate=validate.Length(min=1, max=200, error=_l("Between {min} and {max} characters.")),
    )
    email = fields.Email(required=True, load_only=True)
    organization = fields.String(
        allow_none=True,
        validate=validate.Length(max=300, error=_l("Longer than {max} characters.")),
    )
    country = CountryCode(allow_none=True)
    language = fields.String(required=True, validate=one_of(LANGUAGES))
    timezone = TimeZone(allow_none=True)
    consent = fields.Boolean(
        required=True,
        load_only=True,
        validate=validate.Equal(
            True, error=_l("We can register you only with your consent to the use of your data.")
        ),
    )
    status = fields.String(dump_only=True)
    event = fields.Function(lambda r: r.event.slug, dump_only=True)
    created_at = fields.DateTime(dump_only=True)
